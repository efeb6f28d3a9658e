package console

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/browser"
	"github.com/buycard/buycard/console/ui"
)

// imageAccept are the image types the API takes (buycard.ImageExtensions).
const imageAccept = "image/png,image/jpeg,image/webp,image/gif"

// productPage is /console/products/{id}: a product's title, description,
// variants (each with its price, stock or unlimited stock) and image, and
// archiving it.
type productPage struct {
	app.Compo
	pageAnchor
	s *session

	loaded  string
	id      string
	product *buycard.Product // as stored
	loadErr string

	edit    productForm
	errs    map[string]string
	busy    bool
	err, ok string

	uploading           bool
	uploadErr, uploadOK string

	confirming, archiving bool
	archiveErr            string

	delivery deliveryState
	// fill is the form the server refused or saved (or typed before the
	// WASM), which the first load shows over the stored product.
	fill formFill
	// shipsTo are the countries a physical product ships to in its
	// currency, nil until the zones are loaded.
	shipsTo []string
}

// deliveryState is what a digital product delivers, as the page shows it:
// its files and its license key counts, and the uploads in progress.
type deliveryState struct {
	files   []*buycard.DeliveryFile
	keys    buycard.LicenseKeyCounts
	loadErr string
	busy    bool
	err, ok string
}

// productForm is the product as the form holds it, amounts as typed.
type productForm struct {
	Title, Description, OptionName, MaxPerOrder, Alt string
	Kind                                             string
	Variants                                         []variantForm
}

// variantForm is one variant as typed; ID is "" for a new one.
type variantForm struct {
	ID, Name, Price, Stock string
	Unlimited              bool
}

// productFormOf is the form of a stored product.
func productFormOf(p *buycard.Product) productForm {
	f := productForm{Title: p.Title, Description: p.Description, OptionName: p.OptionName,
		MaxPerOrder: strconv.Itoa(p.MaxPerOrder), Alt: p.Image.Alt, Kind: string(p.Kind)}
	for _, v := range p.Variants {
		f.Variants = append(f.Variants, variantForm{ID: v.ID, Name: v.Name, Price: ui.DecimalText(v.Price, p.Currency),
			Stock: strconv.Itoa(v.Stock), Unlimited: v.Unlimited})
	}
	return f
}

// request checks f against the stored product p and makes the PATCH
// body, or returns the error of each field by its input id.
func (f productForm) request(p *buycard.Product) (*buycard.ProductEdit, map[string]string) {
	errs := map[string]string{}
	title, option, image := strings.TrimSpace(f.Title), strings.TrimSpace(f.OptionName), p.Image
	image.Alt = strings.TrimSpace(f.Alt)
	edit := &buycard.ProductEdit{Title: &title, Description: &f.Description, Image: &image, Currency: new(p.Currency),
		OptionName: &option, Variants: buycard.Replace[buycard.Variant]()}
	if f.Kind != "" {
		edit.Kind = new(buycard.ProductKind(f.Kind))
	}
	if title == "" {
		errs["p-title"] = "Enter a title."
	}
	perOrder, err := ui.ParseCount(f.MaxPerOrder, 1, "Maximum per order")
	if err != nil {
		errs["p-max"] = message(err)
	}
	edit.MaxPerOrder = &perOrder
	if len(f.Variants) == 0 {
		errs["variants"] = "A product needs at least one variant."
	}
	if len(f.Variants) > 1 && option == "" {
		errs["p-option"] = "Name what the variants differ in, such as Size."
	}
	names := map[string]bool{}
	for i, v := range f.Variants {
		name := strings.TrimSpace(v.Name)
		switch {
		case name == "":
			errs[fieldID("v-name", i)] = "Enter a name."
		case names[strings.ToLower(name)]:
			errs[fieldID("v-name", i)] = "Another variant has this name."
		}
		names[strings.ToLower(name)] = true
		price, err := ui.ParsePrice(v.Price, p.Currency, "Price")
		if err != nil {
			errs[fieldID("v-price", i)] = message(err)
		}
		stock := 0
		if !v.Unlimited {
			if stock, err = ui.ParseCount(v.Stock, 0, "Stock"); err != nil {
				errs[fieldID("v-stock", i)] = message(err)
			}
		}
		edit.Variants.Items = append(edit.Variants.Items, buycard.Variant{ID: v.ID, Name: name, Price: price, Stock: stock, Unlimited: v.Unlimited})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return edit, nil
}

// productFormFrom is the stored product p's form with a posted form's
// fields over it (EditProductFields): the posted variant i is p's (a
// field the page did not show, the stock of unlimited stock, keeps p's
// value) unless its removal is ticked, and the empty variant the form
// offers before the WASM is added when it was filled in.
func productFormFrom(v url.Values, p *buycard.Product) productForm {
	f := productFormOf(p)
	for name, field := range map[string]*string{"p-title": &f.Title, "p-description": &f.Description, "p-kind": &f.Kind,
		"p-max": &f.MaxPerOrder, "p-option": &f.OptionName} {
		if v.Has(name) {
			*field = v.Get(name)
		}
	}
	f.Variants = append(f.Variants, variantForm{Stock: "0"})
	kept := f.Variants[:0]
	for i, variant := range f.Variants {
		for name, field := range map[string]*string{"v-name": &variant.Name, "v-price": &variant.Price, "v-stock": &variant.Stock} {
			if v.Has(fieldID(name, i)) {
				*field = v.Get(fieldID(name, i))
			}
		}
		variant.Unlimited = v.Has(fieldID("v-unlimited", i))
		added := variant.ID == "" && strings.TrimSpace(variant.Name+variant.Price) != ""
		if v.Has(fieldID("v-remove", i)) || variant.ID == "" && !added {
			continue
		}
		kept = append(kept, variant)
	}
	f.Variants = kept
	return f
}

// EditProductFields are the form names of the product form's fields for a
// product of n variants, and the empty one the form offers before the
// WASM.
func EditProductFields(n int) []string {
	names := []string{"p-title", "p-description", "p-kind", "p-max", "p-option"}
	for i := range n + 1 {
		names = append(names, fieldID("v-name", i), fieldID("v-price", i), fieldID("v-stock", i), fieldID("v-unlimited", i), fieldID("v-remove", i))
	}
	return names
}

// EditProductForm checks a product form posted before the WASM, over the
// stored product p, as the page checks it, and returns the PATCH
// /v1/products/{id} edit or the error of each field.
func EditProductForm(v url.Values, p *buycard.Product) (*buycard.ProductEdit, map[string]string) {
	return productFormFrom(v, p).request(p)
}

func newProductPage(s *session, args []string) app.UI {
	return &productPage{s: s, fill: s.takeFill(Base + "/products/" + args[0])}
}

func (p *productPage) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *productPage) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *productPage) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *productPage) load(ctx app.Context) {
	id := pathID(ctx.Page().URL().Path, "/products")
	if !p.s.canRead() || id == "" || !onPage(ctx, &p.loaded) {
		return
	}
	p.id, p.product, p.loadErr = id, nil, ""
	p.edit, p.errs, p.busy, p.err, p.ok = productForm{}, nil, false, "", ""
	p.uploading, p.uploadErr, p.uploadOK = false, "", ""
	p.confirming, p.archiving, p.archiveErr = false, false, ""
	p.delivery, p.shipsTo = deliveryState{}, nil
	var got buycard.Product
	ui.Run(ctx, func() error { return p.s.api.get("/v1/products/"+id, &got) }, func(ctx app.Context, err error) {
		if p.id != id {
			return
		}
		if err != nil {
			p.loadErr = message(err)
			return
		}
		p.setProduct(&got)
		p.fill = p.fill.spend(func(v url.Values) { p.edit = productFormFrom(v, &got) }, &p.err, &p.ok, "Product saved.")
		p.s.takeFill(ProductImageAction(id)).spend(func(url.Values) {}, &p.uploadErr, &p.uploadOK, imageUploaded(got.Image))
		p.s.takeFill(ProductFilesAction(id)).spend(func(url.Values) {}, &p.delivery.err, &p.delivery.ok, fileUploaded)
		keys := p.s.takeFill(ProductKeysAction(id))
		keys.spend(func(url.Values) {}, &p.delivery.err, &p.delivery.ok, keysAdded(keys.value(keysAddedField, "0")))
		switch got.Kind {
		case buycard.ProductDigital:
			p.loadDelivery(ctx)
		case buycard.ProductPhysical:
			p.loadShipping(ctx)
		}
	})
}

// loadShipping finds where a physical product ships: the countries of the
// merchant's zones with a rate in its currency.
func (p *productPage) loadShipping(ctx app.Context) {
	id, currency := p.id, p.product.Currency
	var reply struct {
		Zones buycard.ShippingZones `json:"shipping_zones"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/shipping-zones", &reply) }, func(ctx app.Context, err error) {
		if p.id == id && err == nil {
			p.shipsTo = reply.Zones.Countries(currency)
		}
	})
}

// renderShipping says where a physical product ships, or that shoppers
// cannot buy it until a shipping zone has a rate in its currency: the
// checkout offers only the countries the merchant ships to.
func (p *productPage) renderShipping() app.UI {
	if p.product.Kind != buycard.ProductPhysical || p.shipsTo == nil {
		return app.Text("")
	}
	text := "Ships to " + strings.Join(p.shipsTo, ", ") + "."
	if len(p.shipsTo) == 0 {
		text = "Shoppers cannot buy this product yet: it ships, and none of your shipping zones has a rate in " +
			p.product.Currency + ". Add one in Settings."
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "ship-h").Body(
		app.H2().ID("ship-h").Text("Shipping"),
		app.P().ID("ship-status").Text(text),
		app.A().Href(Base+"/settings").Text("Shipping zones and rates"),
	)
}

func (p *productPage) setProduct(pr *buycard.Product) {
	p.product, p.edit, p.errs = pr, productFormOf(pr), nil
	productTitle(pr.Title)
}

// productKinds are the kinds of product, as the forms offer them.
var productKinds = []ui.Option{
	{Value: string(buycard.ProductPhysical), Label: "Physical: ships to the buyer"},
	{Value: string(buycard.ProductDigital), Label: "Digital: a download or a license key"},
	{Value: string(buycard.ProductService), Label: "Service: nothing to deliver"},
}

// productKindInput is the radio group of a product's kind.
func productKindInput(name, value string, onChange func(v string)) app.UI {
	return ui.RadioGroup(name, "What the buyer gets", value, productKinds, func(_ app.Context, v string) { onChange(v) })
}

// productTitle names the page after the object it shows.
func productTitle(name string) {
	if name != "" && !app.IsServer {
		app.Window().Get("document").Set("title", name+" · Buycard console")
	}
}

func (p *productPage) Render() app.UI {
	back := app.P().Class("cs-back").Body(app.A().Href(Base + "/products").Text("← All products"))
	switch {
	case p.loadErr != "":
		return app.Section().Body(back, app.H1().Text("Product"), ui.Status(p.loadErr, ""))
	case p.product == nil:
		return app.Section().Body(back, app.H1().Text("Product"), app.P().Class("cs-loading").Aria("busy", "true").Text("Loading…"))
	}
	pr := p.product
	return app.Section().Body(
		back,
		app.Div().Class("cs-title-row").Body(
			app.H1().Text(orDefault(pr.Title, "Product")),
			app.If(pr.ArchivedAt != nil, func() app.UI {
				return app.Span().Class("cs-badge").Text("Archived " + dateText(*pr.ArchivedAt))
			}),
		),
		app.P().Class("cs-hint").Body(app.Text("Prices in "+pr.Currency+" · id "), app.Code().Text(pr.ID)),
		app.Div().Class("cs-grid").Body(
			p.renderForm(),
			app.Div().Body(p.renderShipping(), p.renderImage(), p.renderDelivery(), p.renderArchive()),
		),
	)
}

func (p *productPage) renderForm() app.UI {
	f := &p.edit
	cur := p.product.Currency
	return ui.PageForm("Edit product", Base+"/products/"+p.id, []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.save,
		ui.TextInput(ui.Field{ID: "p-title", Label: "Title", Value: f.Title, Required: true, MaxLength: 200, Error: p.errs["p-title"]},
			func(_ app.Context, v string) { f.Title = v }),
		ui.TextInput(ui.Field{ID: "p-description", Label: "Description", Type: "textarea", Value: f.Description,
			Hint: "Shown in the checkout."}, func(_ app.Context, v string) { f.Description = v }),
		productKindInput("p-kind", f.Kind, func(v string) { f.Kind = v }),
		ui.TextInput(ui.Field{ID: "p-max", Label: "Maximum per order", Type: "number", Min: "1", Step: "1", Value: f.MaxPerOrder, Error: p.errs["p-max"]},
			func(_ app.Context, v string) { f.MaxPerOrder = v }),
		app.H2().Text("Variants"),
		app.If(len(f.Variants) > 1 || f.OptionName != "", func() app.UI {
			return ui.TextInput(ui.Field{ID: "p-option", Label: "Option name", Value: f.OptionName, Hint: "What the variants differ in, such as Size or Colour.",
				Error: p.errs["p-option"], MaxLength: 60}, func(_ app.Context, v string) { f.OptionName = v })
		}),
		app.If(p.errs["variants"] != "", func() app.UI { return app.P().Class("cs-field-error").Text(p.errs["variants"]) }),
		app.Range(f.Variants).Slice(func(i int) app.UI { return p.renderVariant(&f.Variants[i], i, cur) }),
		app.If(app.IsServer, func() app.UI {
			// Before the WASM, an empty variant stands in for Add variant.
			return p.renderVariant(&variantForm{Stock: "0"}, len(f.Variants), cur)
		}).Else(func() app.UI {
			return app.Div().Class("cs-actions cs-add").Body(
				app.Button().Type("button").Text("Add variant").OnClick(func(ctx app.Context, e app.Event) {
					f.Variants = append(f.Variants, variantForm{Stock: "0"})
					ui.Focus(ctx, fieldID("v-name", len(f.Variants)-1))
				}),
			)
		}),
		ui.Status(p.err, p.ok),
		ui.SubmitButton("Save product", p.busy),
	)
}

// renderVariant is the variant v, row i of the form. Before the WASM the
// row after the product's is an empty one, which adds a variant when
// filled in, and the product's have a box to remove them instead of a
// button.
func (p *productPage) renderVariant(v *variantForm, i int, cur string) app.UI {
	added := i == len(p.edit.Variants)
	legend := "Variant " + strconv.Itoa(i+1)
	switch {
	case added:
		legend = "New variant (optional)"
	case strings.TrimSpace(v.Name) != "":
		legend += ": " + v.Name
	}
	removable := len(p.edit.Variants) > 1 && !added
	return app.FieldSet().Class("cs-variant").Body(
		app.Legend().Text(legend),
		app.Div().Class("cs-row").Body(
			ui.TextInput(ui.Field{ID: fieldID("v-name", i), Label: "Name", Value: v.Name, Required: !added, MaxLength: 100, Error: p.errs[fieldID("v-name", i)]},
				func(_ app.Context, s string) { p.setVariant(i, func(v *variantForm) { v.Name = s }) }),
			ui.TextInput(ui.Field{ID: fieldID("v-price", i), Label: "Price (" + cur + ")", Value: v.Price, Required: !added, Autocomplete: "off",
				Error: p.errs[fieldID("v-price", i)]}, func(_ app.Context, s string) { p.setVariant(i, func(v *variantForm) { v.Price = s }) }),
			app.If(!v.Unlimited, func() app.UI {
				return ui.TextInput(ui.Field{ID: fieldID("v-stock", i), Label: "Stock", Type: "number", Min: "0", Step: "1", Value: v.Stock,
					Error: p.errs[fieldID("v-stock", i)]}, func(_ app.Context, s string) { p.setVariant(i, func(v *variantForm) { v.Stock = s }) })
			}),
		),
		app.Div().Class("cs-actions").Body(
			ui.Checkbox(fieldID("v-unlimited", i), "Unlimited stock", v.Unlimited, func(_ app.Context, b bool) { p.setVariant(i, func(v *variantForm) { v.Unlimited = b }) }),
			app.If(removable && app.IsServer, func() app.UI {
				return ui.Checkbox(fieldID("v-remove", i), "Remove this variant", false, func(app.Context, bool) {})
			}),
			app.If(removable && !app.IsServer, func() app.UI {
				return app.Button().Type("button").Class("cs-link").Aria("label", "Remove "+legend).Text("Remove").
					OnClick(func(ctx app.Context, e app.Event) {
						p.edit.Variants = append(p.edit.Variants[:i:i], p.edit.Variants[i+1:]...)
						p.errs = nil
					})
			}),
		),
	)
}

// setVariant changes the form's variant i, if it still has it.
func (p *productPage) setVariant(i int, change func(v *variantForm)) {
	if i < len(p.edit.Variants) {
		change(&p.edit.Variants[i])
	}
}

func (p *productPage) save(ctx app.Context) {
	ctx = p.own(ctx)
	p.err, p.ok = "", ""
	body, errs := p.edit.request(p.product)
	p.errs = errs
	if body == nil {
		p.err = "Check the fields marked above."
		ids := []string{"p-title", "p-max", "p-option"}
		for i := range p.edit.Variants {
			ids = append(ids, fieldID("v-name", i), fieldID("v-price", i), fieldID("v-stock", i))
		}
		ui.FocusFirst(ctx, errs, ids...)
		return
	}
	p.busy = true
	id := p.id
	var saved buycard.Product
	ui.Run(ctx, func() error { return p.s.api.do("PATCH", "/v1/products/"+id, body, &saved) }, func(ctx app.Context, err error) {
		p.busy = false
		if p.id != id {
			return
		}
		if err != nil {
			p.err = message(err)
			return
		}
		p.setProduct(&saved)
		p.ok = "Product saved."
	})
}

func (p *productPage) renderImage() app.UI {
	img := p.product.Image
	return app.Section().Class("cs-panel").Aria("labelledby", "img-h").Body(
		app.H2().ID("img-h").Text("Image"),
		app.If(img.URL != "", func() app.UI {
			return app.Figure().Class("cs-figure").Body(
				app.Img().Src(img.URL).Alt(p.edit.Alt).Width(img.Width).Height(img.Height),
				app.FigCaption().Text(strconv.Itoa(img.Width)+" × "+strconv.Itoa(img.Height)+" pixels"),
			)
		}).Else(func() app.UI { return app.P().Text("No image yet. Cards show a blank square until you add one.") }),
		p.s.uploadForm(ProductImageAction(p.id), "p-image", "image", imageLabel(img.URL), imageAccept,
			"PNG, JPEG, WebP or GIF, at most 5 MB and 8000 pixels either side. It is saved at once.", "Upload image", p.uploading, p.upload),
		app.Div().Class("cs-error").Role("alert").Body(app.If(p.uploadErr != "", func() app.UI { return app.P().Text(p.uploadErr) })),
		app.Div().Class("cs-ok").Role("status").Body(
			app.If(p.uploading, func() app.UI { return app.P().Text("Uploading…") }),
			app.If(p.uploadOK != "", func() app.UI { return app.P().Text(p.uploadOK) }),
		),
		ui.TextInput(ui.Field{ID: "p-alt", Label: "Alt text", Value: p.edit.Alt, MaxLength: 300,
			Hint: "Describes the image for people who cannot see it. Empty uses the title. Saved with the product."},
			func(_ app.Context, v string) { p.edit.Alt = v }),
	)
}

func imageLabel(url string) string {
	if url == "" {
		return "Upload an image"
	}
	return "Replace the image"
}

// upload sends the chosen file to POST /v1/products/{id}/images as the
// multipart field "image", whatever its type: the API checks the bytes
// and its size and says what is wrong.
func (p *productPage) upload(ctx app.Context, e app.Event) {
	body, ok := chosenFile(ctx, "image")
	if !ok {
		return
	}
	ctx = p.own(ctx)
	req := browser.Request{Method: "POST", URL: "/v1/products/" + p.id + "/images", Header: map[string]string{"Accept": "application/json"}, Body: body}
	p.uploading, p.uploadErr, p.uploadOK = true, "", ""
	id := p.id
	var got buycard.Product
	ui.Run(ctx, func() error { return p.s.api.exchange(req, &got) }, func(ctx app.Context, err error) {
		p.uploading = false
		if p.id != id {
			return
		}
		if err != nil {
			p.uploadErr = message(err)
			return
		}
		// Keep the other fields as typed; the image is saved already.
		p.product.Image.URL, p.product.Image.Width, p.product.Image.Height = got.Image.URL, got.Image.Width, got.Image.Height
		p.uploadOK = imageUploaded(got.Image)
	})
}

// Where the product id's forms post before the WASM: the image (the
// multipart field "image"), a delivery file and license keys (both the
// field "file"), and a file's Delete.
func ProductImageAction(id string) string { return Base + "/products/" + url.PathEscape(id) + "/image" }
func ProductFilesAction(id string) string { return Base + "/products/" + url.PathEscape(id) + "/files" }
func ProductKeysAction(id string) string {
	return Base + "/products/" + url.PathEscape(id) + "/license-keys"
}
func ProductFileDeleteAction(id, file string) string {
	return ProductFilesAction(id) + "/" + url.PathEscape(file) + "/delete"
}

// keysAddedField tells the product page how many license keys its form
// added (KeysAdded).
const keysAddedField = "added"

// KeysAdded is what the server tells the product page after its license
// keys form added n keys.
func KeysAdded(n int) url.Values { return url.Values{keysAddedField: {strconv.Itoa(n)}} }

// Outcomes of the product page's uploads.
const fileUploaded = "File uploaded."

func keysAdded(n string) string { return n + " license keys added." }

func imageUploaded(img buycard.Image) string {
	return "Image uploaded: " + strconv.Itoa(img.Width) + " × " + strconv.Itoa(img.Height) + " pixels."
}

func (p *productPage) renderArchive() app.UI {
	if p.product.ArchivedAt != nil {
		return app.Section().Class("cs-panel").Body(
			app.H2().Text("Archived"),
			app.P().Text("This product was archived on "+dateText(*p.product.ArchivedAt)+". Its cards can no longer be bought."),
		)
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "arch-h").Body(
		app.H2().ID("arch-h").Text("Archive"),
		app.P().Text("Archiving stops all sales of this product: its cards show as unavailable. Past orders are kept."),
		app.If(app.IsServer, func() app.UI {
			// Before the WASM, the question opens in place.
			return app.Details().Body(
				app.Summary().Class("cs-button cs-danger").Text("Archive product…"),
				p.s.confirmForm("p-archive", "Archive "+p.product.Title+"?", "Archive product", ProductArchiveAction(p.id), Base+"/products/"+p.id),
			)
		}).ElseIf(p.confirming, func() app.UI {
			return confirmBox("p-archive", "Archive "+p.product.Title+"?", "Archive product", p.archiving,
				p.archive, func(ctx app.Context) { p.confirming = false; ui.Focus(ctx, "p-archive-btn") })
		}).Else(func() app.UI {
			return app.Button().ID("p-archive-btn").Type("button").Class("cs-danger").Text("Archive product…").
				OnClick(func(ctx app.Context, e app.Event) {
					p.confirming, p.archiveErr = true, ""
					ui.Focus(ctx, "p-archive-q")
				})
		}),
		app.Div().Class("cs-error").Role("alert").Body(app.If(p.archiveErr != "", func() app.UI { return app.P().Text(p.archiveErr) })),
	)
}

func (p *productPage) archive(ctx app.Context) {
	ctx = p.own(ctx)
	p.archiving = true
	id := p.id
	var got buycard.Product
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/products/"+id+"/archive", nil, &got) }, func(ctx app.Context, err error) {
		p.archiving, p.confirming = false, false
		if p.id != id {
			return
		}
		if err != nil {
			p.archiveErr = message(err)
			return
		}
		p.product.ArchivedAt = got.ArchivedAt
	})
}

// loadDelivery reads the digital product's files and key counts.
func (p *productPage) loadDelivery(ctx app.Context) {
	id := p.id
	var (
		files struct{ Files []*buycard.DeliveryFile }
		keys  buycard.LicenseKeyCounts
	)
	ui.Run(ctx, func() error {
		if err := p.s.api.get("/v1/products/"+id+"/files", &files); err != nil {
			return err
		}
		return p.s.api.get("/v1/products/"+id+"/license-keys", &keys)
	}, func(ctx app.Context, err error) {
		if p.id != id {
			return
		}
		if err != nil {
			p.delivery.loadErr = message(err)
			return
		}
		p.delivery.files, p.delivery.keys, p.delivery.loadErr = files.Files, keys, ""
	})
}

// deliveryAccept are the file types the API delivers (backend/blob).
const deliveryAccept = ".pdf,.zip,.epub,.txt,image/*,audio/*,video/*"

// renderDelivery is the panel of what a digital product delivers: files
// or a pool of license keys, never both.
func (p *productPage) renderDelivery() app.UI {
	if p.product.Kind != buycard.ProductDigital {
		return app.Text("")
	}
	d := &p.delivery
	hasKeys := d.keys.Free+d.keys.Assigned > 0
	return app.Section().Class("cs-panel").Aria("labelledby", "dl-h").Body(
		app.H2().ID("dl-h").Text("Delivery"),
		app.P().Text("A digital product delivers files to download or one license key per unit, not both."),
		app.If(d.loadErr != "", func() app.UI { return ui.Status(d.loadErr, "") }),
		app.If(len(d.files) > 0, func() app.UI {
			return ui.Table("Files", []string{"File", "Type", "Size", ""}, map[int]bool{2: true}, len(d.files), func(i int) []app.UI {
				f := d.files[i]
				return []app.UI{
					app.Text(f.Name), app.Text(f.ContentType), app.Text(sizeText(f.Size)),
					p.s.rowAction(ProductFileDeleteAction(p.id, f.ID), rowButton("Delete", "Delete "+f.Name).Class("cs-link").Disabled(d.busy),
						func(ctx app.Context) { p.deleteFile(ctx, f) }),
				}
			})
		}),
		app.If(!hasKeys, func() app.UI {
			return p.s.uploadForm(ProductFilesAction(p.id), "p-file", "file", "Upload a file", deliveryAccept,
				"PDF, ZIP, EPUB, image, audio, video or plain text, checked by its content; at most 100 MB unless the operator says otherwise.",
				"Upload file", d.busy, p.uploadFile)
		}),
		app.If(len(d.files) == 0, func() app.UI {
			return app.Div().Body(
				app.P().Role("status").Text(strconv.Itoa(d.keys.Free)+" license keys free, "+strconv.Itoa(d.keys.Assigned)+" assigned."),
				p.s.uploadForm(ProductKeysAction(p.id), "p-keys", "file", "Upload license keys (CSV)", ".csv,.txt,text/csv,text/plain",
					"One key per row. Keys already in the pool are skipped; if a row is not a key, nothing is added and its line is named.",
					"Upload keys", d.busy, p.uploadKeys),
			)
		}),
		app.Div().Class("cs-error").Role("alert").Body(app.If(d.err != "", func() app.UI { return app.P().Text(d.err) })),
		app.Div().Class("cs-ok").Role("status").Body(
			app.If(d.busy, func() app.UI { return app.P().Text("Working…") }),
			app.If(d.ok != "", func() app.UI { return app.P().Text(d.ok) }),
		),
	)
}

// sizeText is a file size for people.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// chosenFile is the form data of the file chosen in the input ctx is
// about, as the multipart field name, or ok false when none is chosen.
func chosenFile(ctx app.Context, name string) (body app.Value, ok bool) {
	input := ctx.JSSrc()
	files := input.Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return nil, false
	}
	body = app.Window().Get("FormData").New()
	body.Call("append", name, files.Index(0))
	input.Set("value", "") // choosing the same file again uploads it again
	return body, true
}

// sendDelivery posts body to the product's path and, once answered,
// reloads the panel and says ok.
func (p *productPage) sendDelivery(ctx app.Context, method, path string, body any, ok func(reply []byte) string) {
	ctx = p.own(ctx)
	id := p.id
	req := browser.Request{Method: method, URL: "/v1/products/" + id + path, Header: map[string]string{"Accept": "application/json"}, Body: body}
	p.delivery.busy, p.delivery.err, p.delivery.ok = true, "", ""
	var reply json.RawMessage
	ui.Run(ctx, func() error { return p.s.api.exchange(req, &reply) }, func(ctx app.Context, err error) {
		p.delivery.busy = false
		if p.id != id {
			return
		}
		if err != nil {
			p.delivery.err = message(err)
			return
		}
		p.delivery.ok = ok(reply)
		p.loadDelivery(ctx)
	})
}

func (p *productPage) uploadFile(ctx app.Context, e app.Event) {
	if body, ok := chosenFile(ctx, "file"); ok {
		p.sendDelivery(ctx, "POST", "/files", body, func([]byte) string { return fileUploaded })
	}
}

func (p *productPage) uploadKeys(ctx app.Context, e app.Event) {
	body, ok := chosenFile(ctx, "file")
	if !ok {
		return
	}
	p.sendDelivery(ctx, "POST", "/license-keys", body, func(reply []byte) string {
		var got struct{ Added int }
		_ = json.Unmarshal(reply, &got) // the counts reload anyway
		return keysAdded(strconv.Itoa(got.Added))
	})
}

func (p *productPage) deleteFile(ctx app.Context, f *buycard.DeliveryFile) {
	p.sendDelivery(ctx, "DELETE", "/files/"+f.ID, nil, func([]byte) string { return f.Name + " deleted." })
}
