package console

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// productsPage is /console/products: the merchant's products, and a short
// form for a new one (title, currency, price, stock); the product page
// then edits the rest.
type productsPage struct {
	app.Compo
	pageAnchor
	s *session

	loaded   string
	products []buycard.Product
	loading  bool
	listErr  string

	confirming string // the product whose archiving awaits confirmation
	archiving  bool
	archiveErr string
	archiveOK  string

	draft   newProductDraft
	errs    map[string]string
	busy    bool
	err, ok string
}

// newProductDraft is what the create form holds, as typed.
type newProductDraft struct {
	Title, Currency, Price, Stock string
	// Kind is "" for the API's default (a service); the form starts new
	// products as physical.
	Kind      string
	Unlimited bool
}

// request checks the form and makes the POST /v1/products body, or
// returns the error of each field by its id.
func (f newProductDraft) request() (*buycard.ProductEdit, map[string]string) {
	errs := map[string]string{}
	if strings.TrimSpace(f.Title) == "" {
		errs["new-title"] = "Enter a title."
	}
	price, err := ui.ParsePrice(f.Price, f.Currency, "Price")
	if err != nil {
		errs["new-price"] = message(err)
	}
	stock := 0
	if !f.Unlimited {
		if stock, err = ui.ParseCount(f.Stock, 0, "Stock"); err != nil {
			errs["new-stock"] = message(err)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	edit := &buycard.ProductEdit{Title: new(strings.TrimSpace(f.Title)), Currency: &f.Currency, MaxPerOrder: new(10),
		Variants: buycard.Replace(buycard.Variant{Name: "Standard", Price: price, Stock: stock, Unlimited: f.Unlimited})}
	if f.Kind != "" {
		edit.Kind = new(buycard.ProductKind(f.Kind))
	}
	return edit, nil
}

// NewProductFields are the ids (and form names) of the new-product
// form's fields, in the order the form shows them.
var NewProductFields = []string{"new-title", "new-currency", "new-price", "new-stock", "new-kind", "new-unlimited"}

// draftOf is the draft a posted new-product form holds, or a new one.
func draftOf(f formFill) newProductDraft {
	return newProductDraft{
		Title: f.value("new-title", ""), Currency: f.value("new-currency", "USD"), Price: f.value("new-price", ""),
		Stock: f.value("new-stock", "0"), Kind: f.value("new-kind", string(buycard.ProductPhysical)), Unlimited: f.value("new-unlimited", "") != "",
	}
}

// NewProductForm checks a posted new-product form as the page checks it
// before sending it: the product to create, or each field's error in
// form order.
func NewProductForm(form url.Values) (*buycard.ProductEdit, []string) {
	edit, errs := draftOf(formFill{values: form}).request()
	var msgs []string
	for _, id := range NewProductFields {
		if msg, ok := errs[id]; ok {
			msgs = append(msgs, msg)
		}
	}
	return edit, msgs
}

func newProductsPage(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/products")
	return &productsPage{s: s, draft: draftOf(f), err: f.err}
}

func (p *productsPage) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *productsPage) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *productsPage) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *productsPage) load(ctx app.Context) {
	revisit := p.loaded != ""
	if !p.s.canRead() || !atPath(ctx, "/products") || !onPage(ctx, &p.loaded) {
		return
	}
	if revisit { // the first visit keeps what the prerendered form held
		p.draft, p.errs, p.busy, p.err, p.ok = draftOf(formFill{}), nil, false, "", ""
	}
	p.reload(ctx)
}

func (p *productsPage) reload(ctx app.Context) {
	p.loading, p.listErr = true, ""
	var reply struct {
		Products []buycard.Product `json:"products"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/products", &reply) }, func(ctx app.Context, err error) {
		p.loading = false
		if err != nil {
			p.listErr = message(err)
			return
		}
		p.products = reply.Products
		for _, pr := range p.products {
			if p.s.takeFill(ProductArchiveAction(pr.ID)).spendRow(&p.archiveErr, &p.archiveOK, productArchived) {
				p.confirming = pr.ID
			}
		}
	})
}

// ProductArchiveAction is where the Archive button of the product id
// posts before the WASM, and its confirmation.
func ProductArchiveAction(id string) string {
	return Base + "/products/" + url.PathEscape(id) + "/archive"
}

// productArchived says a product was archived.
const productArchived = "Product archived."

func (p *productsPage) Render() app.UI {
	exp := ui.Exponent(p.draft.Currency)
	priceHint := "In " + p.draft.Currency + ", such as " + ui.DecimalText(1250*pow10(exp)/100, p.draft.Currency) + "."
	return app.Section().Body(
		app.H1().Text("Products"),
		app.Section().Class("cs-panel").Aria("labelledby", "new-h").Body(
			app.H2().ID("new-h").Text("New product"),
			ui.PageForm("New product", Base+"/products", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.create,
				app.Div().Class("cs-row").Body(
					ui.TextInput(ui.Field{ID: "new-title", Label: "Title", Value: p.draft.Title, Required: true, MaxLength: 200, Error: p.errs["new-title"]},
						func(_ app.Context, v string) { p.draft.Title = v }),
					ui.SelectInput("new-currency", "Currency", p.draft.Currency, ui.Currencies, func(_ app.Context, v string) { p.draft.Currency = v }),
				),
				app.Div().Class("cs-row").Body(
					ui.TextInput(ui.Field{ID: "new-price", Label: "Price", Value: p.draft.Price, Required: true, Hint: priceHint, Error: p.errs["new-price"],
						Autocomplete: "off"}, func(_ app.Context, v string) { p.draft.Price = v }),
					app.If(!p.draft.Unlimited, func() app.UI {
						return ui.TextInput(ui.Field{ID: "new-stock", Label: "Stock", Type: "number", Min: "0", Step: "1", Value: p.draft.Stock, Error: p.errs["new-stock"]},
							func(_ app.Context, v string) { p.draft.Stock = v })
					}),
				),
				productKindInput("new-kind", p.draft.Kind, func(v string) { p.draft.Kind = v }),
				ui.Checkbox("new-unlimited", "Unlimited stock (downloads, made to order)", p.draft.Unlimited, func(_ app.Context, v bool) { p.draft.Unlimited = v }),
				ui.Status(p.err, p.ok),
				ui.SubmitButton("Create product", p.busy),
			),
		),
		p.renderList(),
	)
}

func pow10(n int) int64 {
	r := int64(1)
	for ; n > 0; n-- {
		r *= 10
	}
	return r
}

func (p *productsPage) renderList() app.UI {
	var body app.UI
	switch {
	case p.listErr != "":
		body = ui.Status(p.listErr, "")
	case p.products == nil:
		body = app.P().Class("cs-loading").Text("Loading…")
	case len(p.products) == 0:
		body = app.P().Text("No products yet. Create your first one above.")
	default:
		body = ui.Table("Your products", []string{"Product", "Price", "Variants", "Stock", "State", ""}, map[int]bool{1: true, 2: true}, len(p.products), func(i int) []app.UI {
			pr := p.products[i]
			state := app.UI(app.Span().Class("cs-badge cs-badge-ok").Text("On sale"))
			if pr.ArchivedAt != nil {
				state = app.Span().Class("cs-badge").Text("Archived " + dateText(*pr.ArchivedAt))
			}
			return []app.UI{
				app.A().Href(Base + "/products/" + pr.ID).Text(orDefault(pr.Title, pr.ID)),
				app.Text(priceRange(&pr)),
				app.Text(strconv.Itoa(len(pr.Variants))),
				app.Text(stockText(&pr)),
				state,
				p.renderArchive(&pr),
			}
		})
	}
	return app.Section().Aria("labelledby", "list-h").Body(app.H2().ID("list-h").Text("Your products"), ui.Status(p.archiveErr, p.archiveOK), body)
}

// renderArchive is a product's Archive button, then its confirmation.
func (p *productsPage) renderArchive(pr *buycard.Product) app.UI {
	switch {
	case pr.ArchivedAt != nil:
		return app.Text("")
	case p.confirming == pr.ID && app.IsServer:
		return p.s.confirmForm("archive-"+pr.ID, archiveQuestion(pr), "Archive", ProductArchiveAction(pr.ID), Base+"/products")
	case p.confirming == pr.ID:
		id := pr.ID
		return confirmBox("archive-"+id, archiveQuestion(pr), "Archive", p.archiving,
			func(ctx app.Context) { p.archive(ctx, id) },
			func(ctx app.Context) { p.confirming = ""; ui.Focus(ctx, "archive-btn-"+id) })
	}
	id := pr.ID
	return p.s.rowAction(ProductArchiveAction(id), rowButton("Archive", "Archive "+pr.Title).ID("archive-btn-"+id).Class("cs-danger"),
		func(ctx app.Context) {
			p.confirming, p.archiveErr, p.archiveOK = id, "", ""
			ui.Focus(ctx, "archive-"+id+"-q")
		})
}

// archiveQuestion asks to confirm archiving pr.
func archiveQuestion(pr *buycard.Product) string {
	return "Archive " + pr.Title + "? Its cards can no longer be bought."
}

func (p *productsPage) archive(ctx app.Context, id string) {
	ctx = p.own(ctx)
	p.archiving = true
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/products/"+id+"/archive", nil, nil) }, func(ctx app.Context, err error) {
		p.archiving, p.confirming = false, ""
		if err != nil {
			p.archiveErr = message(err)
			return
		}
		p.archiveOK = productArchived
		p.reload(ctx)
	})
}

// priceRange is "$12.00" or "$12.00 – $18.00" over a product's variants.
func priceRange(pr *buycard.Product) string {
	if len(pr.Variants) == 0 {
		return ""
	}
	lo, hi := pr.Variants[0].Price, pr.Variants[0].Price
	for _, v := range pr.Variants {
		lo, hi = min(lo, v.Price), max(hi, v.Price)
	}
	return priceRangeText(lo, hi, pr.Currency)
}

// stockText sums a product's stock: "12 in stock", "Unlimited", "Sold out".
func stockText(pr *buycard.Product) string {
	total, unlimited := 0, false
	for _, v := range pr.Variants {
		unlimited = unlimited || v.Unlimited
		total += v.Stock
	}
	switch {
	case unlimited && total == 0:
		return "Unlimited"
	case unlimited:
		return strconv.Itoa(total) + " + unlimited"
	case total == 0:
		return "Sold out"
	}
	return strconv.Itoa(total) + " in stock"
}

func (p *productsPage) create(ctx app.Context) {
	ctx = p.own(ctx)
	p.err, p.ok = "", ""
	body, errs := p.draft.request()
	p.errs = errs
	if body == nil {
		p.err = "Check the fields marked above."
		ui.FocusFirst(ctx, errs, "new-title", "new-price", "new-stock")
		return
	}
	p.busy = true
	var created buycard.Product
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/products", body, &created) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		ctx.Navigate(Base + "/products/" + created.ID)
	})
}
