package console

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
	"github.com/buycard/buycard/storefront"
)

// widgetDesigner is /console/widgets/{id}: a widget's design, who may
// embed it and the publisher's share, with a live preview (the very card
// component publishers' pages show, re-rendered on every change before
// saving), its embed code and its funnel.
type widgetDesigner struct {
	app.Compo
	pageAnchor
	s *session

	loaded   string
	id       string
	widget   *buycard.Widget // as stored
	product  *buycard.Product
	merchant string // the merchant's name, as cards show it
	loadErr  string
	snippet  embedSnippets
	snipErr  string

	edit    widgetForm
	errs    map[string]string
	busy    bool
	err, ok string
	// fill is the form the server refused or saved (or typed before the
	// WASM), which the first load shows over the stored widget.
	fill formFill
}

// embedSnippets is GET /v1/embed/snippet.
type embedSnippets struct {
	Script string `json:"script"`
	Link   string `json:"link"`
}

// widgetForm is a widget as the designer holds it, numbers as typed.
type widgetForm struct {
	CTA, ThemeColor, Radius, Scheme, Layout, Locale string
	Domains, Share, CheckoutMode                    string
	Closed                                          bool // out of the publishers' catalog
	ListedWithoutShare                              bool // in the catalog at 0% too
}

// widgetFormOf is the form of a stored widget.
func widgetFormOf(w *buycard.Widget) widgetForm {
	d := *w
	d.SetDesignDefaults()
	mode := d.CheckoutMode
	if mode == "" {
		mode = buycard.CheckoutOverlay
	}
	return widgetForm{CTA: d.CTA, ThemeColor: strings.ToLower(d.ThemeColor), Radius: strconv.Itoa(d.CornerRadius),
		Scheme: d.ColorScheme, Layout: d.Layout, Locale: d.Locale, Domains: strings.Join(d.AllowedDomains, "\n"),
		Share: ui.PercentField(d.PublisherShareBPS), CheckoutMode: mode, Closed: d.ClosedToPublishers,
		ListedWithoutShare: d.ListedWithoutShare}
}

// request checks the form and makes the PATCH body, or returns the error
// of each field by its input id.
func (f widgetForm) request(productID string) (*buycard.WidgetEdit, map[string]string) {
	errs := map[string]string{}
	cta, locale := strings.TrimSpace(f.CTA), strings.TrimSpace(f.Locale)
	share, err := ui.ParsePercent(f.Share, "Publisher share")
	if err != nil {
		errs["w-share"] = message(err)
	}
	radius, err := ui.ParseCount(f.Radius, 0, "Corner radius")
	if err != nil {
		errs["w-radius"] = message(err)
	} else if radius > buycard.MaxCornerRadius {
		errs["w-radius"] = "Corner radius must be at most " + strconv.Itoa(buycard.MaxCornerRadius) + " pixels."
	}
	switch {
	case cta == "":
		errs["w-cta"] = "Enter the button's text."
	case len(cta) > 40: // as the API counts: bytes
		errs["w-cta"] = "At most 40 characters, so the button stays readable."
	}
	if c := (buycard.Widget{ThemeColor: f.ThemeColor}); f.ThemeColor == "" || c.ValidateDesign() != nil {
		errs["w-color"] = "Choose a colour such as #1d4ed8."
	}
	if locale != "" && !buycard.ValidLocale(locale) {
		errs["w-locale"] = "Choose a language."
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &buycard.WidgetEdit{ProductID: &productID, CTA: &cta, PublisherShareBPS: &share,
		AllowedDomains: buycard.Replace(ui.ParseDomains(f.Domains)...), CheckoutMode: &f.CheckoutMode,
		ClosedToPublishers: &f.Closed, ListedWithoutShare: &f.ListedWithoutShare, ThemeColor: &f.ThemeColor, CornerRadius: &radius,
		ColorScheme: &f.Scheme, Layout: &f.Layout, Locale: &locale}, nil
}

// preview is the draft widget the preview shows: the form as it is, with
// values it cannot show yet replaced by the stored ones.
func (f widgetForm) preview(stored buycard.Widget) buycard.Widget {
	w := stored
	w.CTA = strings.TrimSpace(f.CTA)
	if r, err := ui.ParseCount(f.Radius, 0, ""); err == nil {
		w.CornerRadius = min(r, buycard.MaxCornerRadius)
	}
	w.ThemeColor, w.ColorScheme, w.Layout = f.ThemeColor, f.Scheme, f.Layout
	if l := strings.TrimSpace(f.Locale); l == "" || buycard.ValidLocale(l) {
		w.Locale = l
	}
	return w
}

// followShopper is the locale option of none: go-app drops an empty
// option value.
const followShopper = "shopper"

// cardLocales are the card languages the designer offers; the card
// follows the shopper's browser when none is set.
var cardLocales = []ui.Option{
	{Value: followShopper, Label: "The shopper's browser language"}, {Value: "en", Label: "English"}, {Value: "fr", Label: "Français"}, {Value: "de", Label: "Deutsch"}, {Value: "es", Label: "Español"},
	{Value: "it", Label: "Italiano"}, {Value: "nl", Label: "Nederlands"}, {Value: "pt", Label: "Português"}, {Value: "ja", Label: "日本語"},
}

// EditWidgetFields are the form names of the designer form's fields.
var EditWidgetFields = []string{"w-cta", "w-color", "w-radius", "w-scheme", "w-layout", "w-locale", "w-open", "w-share", "w-zero",
	"w-domains", "w-mode"}

// widgetFormFrom is the stored widget w's form with a posted designer
// form (EditWidgetFields) over it: a checkbox not sent is off.
func widgetFormFrom(v url.Values, w *buycard.Widget) widgetForm {
	f := widgetFormOf(w)
	for name, field := range map[string]*string{"w-cta": &f.CTA, "w-color": &f.ThemeColor, "w-radius": &f.Radius, "w-scheme": &f.Scheme,
		"w-layout": &f.Layout, "w-locale": &f.Locale, "w-share": &f.Share, "w-domains": &f.Domains, "w-mode": &f.CheckoutMode} {
		if v.Has(name) {
			*field = v.Get(name)
		}
	}
	if f.Locale == followShopper {
		f.Locale = ""
	}
	f.ThemeColor, f.Closed, f.ListedWithoutShare = strings.ToLower(f.ThemeColor), !v.Has("w-open"), v.Has("w-zero")
	return f
}

// EditWidgetForm checks a designer form posted before the WASM, over the
// stored widget w, as the page checks it, and returns the PATCH
// /v1/widgets/{id} edit or the error of each field.
func EditWidgetForm(v url.Values, w *buycard.Widget) (*buycard.WidgetEdit, map[string]string) {
	return widgetFormFrom(v, w).request(w.ProductID)
}

func newWidgetDesigner(s *session, args []string) app.UI {
	return &widgetDesigner{s: s, fill: s.takeFill(Base + "/widgets/" + args[0])}
}

func (p *widgetDesigner) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *widgetDesigner) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *widgetDesigner) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *widgetDesigner) load(ctx app.Context) {
	id := pathID(ctx.Page().URL().Path, "/widgets")
	if !p.s.canRead() || id == "" || !onPage(ctx, &p.loaded) {
		return
	}
	p.id, p.widget, p.product, p.merchant, p.loadErr = id, nil, nil, "", ""
	p.snippet, p.snipErr, p.edit, p.errs, p.busy, p.err, p.ok = embedSnippets{}, "", widgetForm{}, nil, false, "", ""
	var w buycard.Widget
	var pr buycard.Product
	ui.Run(ctx, func() error {
		if err := p.s.api.get("/v1/widgets/"+id, &w); err != nil {
			return err
		}
		return p.s.api.get("/v1/products/"+w.ProductID, &pr)
	}, func(ctx app.Context, err error) {
		if p.id != id {
			return
		}
		if err != nil {
			p.loadErr = message(err)
			return
		}
		p.widget, p.product, p.edit = &w, &pr, widgetFormOf(&w)
		p.fill = p.fill.spend(func(v url.Values) { p.edit = widgetFormFrom(v, &w) }, &p.err, &p.ok, "Widget saved.")
		productTitle("Widget for " + pr.Title)
	})
	var snip embedSnippets
	ui.Run(ctx, func() error { return p.s.api.get("/v1/embed/snippet?widget="+url.QueryEscape(id), &snip) }, func(ctx app.Context, err error) {
		if p.id != id {
			return
		}
		if err != nil {
			p.snipErr = message(err)
			return
		}
		p.snippet = snip
	})
	var name string
	ui.Run(ctx, func() error { name = p.merchantName(id); return nil }, func(ctx app.Context, err error) {
		if p.id == id {
			p.merchant = name
		}
	})
}

// merchantName is the merchant's name as its cards show it, read from
// the widget's public offer; "" when it cannot be read.
func (p *widgetDesigner) merchantName(id string) string {
	var cards struct {
		Cards map[string]struct {
			Token string `json:"token"`
		} `json:"cards"`
	}
	if p.s.api.get("/v1/cards?ids="+url.QueryEscape(id), &cards) != nil || cards.Cards[id].Token == "" {
		return ""
	}
	var offer struct {
		Merchant string `json:"merchant"`
	}
	if p.s.api.get("/v1/offers/"+url.PathEscape(id)+"?t="+url.QueryEscape(cards.Cards[id].Token), &offer) != nil {
		return ""
	}
	return offer.Merchant
}

func (p *widgetDesigner) Render() app.UI {
	back := app.P().Class("cs-back").Body(app.A().Href(Base + "/widgets").Text("← All widgets"))
	switch {
	case p.loadErr != "":
		return app.Section().Body(back, app.H1().Text("Widget designer"), ui.Status(p.loadErr, ""))
	case p.widget == nil:
		return app.Section().Body(back, app.H1().Text("Widget designer"), app.P().Class("cs-loading").Aria("busy", "true").Text("Loading…"))
	}
	return app.Section().Body(
		back,
		app.H1().Text("Widget for "+orDefault(p.product.Title, p.product.ID)),
		app.P().Class("cs-hint").Body(app.Text("Widget "), app.Code().Text(p.widget.ID), app.Text(" · product "),
			app.A().Href(Base+"/products/"+p.product.ID).Text(orDefault(p.product.Title, p.product.ID))),
		app.Div().Class("cs-grid").Body(
			p.renderForm(),
			app.Div().Class("cs-sticky").Body(p.renderPreview()),
		),
		p.renderSnippet(),
		newFunnelPanel(p.s, "w", p.widget.ID, ""),
	)
}

func (p *widgetDesigner) renderForm() app.UI {
	f := &p.edit
	locales := cardLocales
	known := false
	locale := orDefault(f.Locale, followShopper)
	for _, o := range locales {
		known = known || o.Value == locale
	}
	if !known {
		locales = append(append([]ui.Option{}, locales...), ui.Option{Value: f.Locale, Label: f.Locale})
	}
	onColor := buycard.ContrastText(f.ThemeColor)
	onColorName := "white"
	if onColor == "#000000" {
		onColorName = "black"
	}
	return ui.PageForm("Widget design", Base+"/widgets/"+p.id, []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.save,
		app.H2().Text("Design"),
		ui.TextInput(ui.Field{Live: true, ID: "w-cta", Label: "Button text", Value: f.CTA, MaxLength: 40, Error: p.errs["w-cta"],
			Required: true, Hint: "Such as Buy, Pre-order or Get it."},
			func(_ app.Context, v string) { f.CTA = v }),
		app.Div().Class("cs-row").Body(
			ui.TextInput(ui.Field{Live: true, ID: "w-color", Label: "Theme colour", Type: "color", Value: f.ThemeColor, Error: p.errs["w-color"],
				Hint: "The button's colour (" + f.ThemeColor + "); its text is " + onColorName + " for contrast."},
				func(_ app.Context, v string) { f.ThemeColor = strings.ToLower(v) }),
			ui.TextInput(ui.Field{Live: true, ID: "w-radius", Label: "Corner radius (pixels)", Type: "number", Min: "0", Max: strconv.Itoa(buycard.MaxCornerRadius),
				Step: "1", Value: f.Radius, Error: p.errs["w-radius"], Hint: "0 to " + strconv.Itoa(buycard.MaxCornerRadius) + "."},
				func(_ app.Context, v string) { f.Radius = v }),
		),
		ui.RadioGroup("w-scheme", "Colours", f.Scheme, []ui.Option{
			{Value: buycard.SchemeAuto, Label: "Auto: follow the page (light or dark)"}, {Value: buycard.SchemeLight, Label: "Light"}, {Value: buycard.SchemeDark, Label: "Dark"},
		}, func(_ app.Context, v string) { f.Scheme = v }),
		ui.RadioGroup("w-layout", "Layout", f.Layout, []ui.Option{
			{Value: buycard.LayoutFull, Label: "Full: image, merchant, title, price"}, {Value: buycard.LayoutCompact, Label: "Compact: a shorter card"},
		}, func(_ app.Context, v string) { f.Layout = v }),
		ui.SelectInput("w-locale", "Language", locale, locales, func(_ app.Context, v string) {
			if v == followShopper {
				v = ""
			}
			f.Locale = v
		}),
		app.If(p.errs["w-locale"] != "", func() app.UI { return app.P().Class("cs-field-error").Text(p.errs["w-locale"]) }),
		app.H2().Text("Publishers"),
		ui.Checkbox("w-open", "Open to publishers: list it in their catalog, where any publisher can make a placement for it", !f.Closed,
			func(_ app.Context, open bool) { f.Closed = !open }),
		ui.TextInput(ui.Field{ID: "w-share", Label: "Publisher share (%)", Value: f.Share, Error: p.errs["w-share"], Autocomplete: "off",
			Hint: "What the publisher earns of each sale, with up to two decimals, such as 7.50. Lowering it leaves existing placements their share for a notice period (30 days by default) and tells their publishers."},
			func(_ app.Context, v string) { f.Share = v }),
		ui.Checkbox("w-zero", "List it in the catalog at a 0% share too (otherwise a widget that shares nothing stays out of it)", f.ListedWithoutShare,
			func(_ app.Context, on bool) { f.ListedWithoutShare = on }),
		ui.TextInput(ui.Field{ID: "w-domains", Label: "Allowed publisher domains", Type: "textarea", Value: f.Domains,
			Hint: "One per line, such as example.com (over https) or *.example.com (its subdomains). On other sites the card reads \"Not available on this site\". Leave empty to let any site embed the card."},
			func(_ app.Context, v string) { f.Domains = v }),
		ui.RadioGroup("w-mode", "Checkout", f.CheckoutMode, []ui.Option{
			{Value: buycard.CheckoutOverlay, Label: "Overlay on the publisher's page"}, {Value: buycard.CheckoutPopup, Label: "Pop-up window"},
		}, func(_ app.Context, v string) { f.CheckoutMode = v }),
		ui.Status(p.err, p.ok),
		ui.SubmitButton("Save widget", p.busy),
	)
}

func (p *widgetDesigner) renderPreview() app.UI {
	lang := "en"
	if !app.IsServer {
		if l := app.Window().Get("navigator").Get("language"); l.Truthy() {
			lang = l.String()
		}
	}
	merchant := orDefault(p.merchant, "Your business")
	view := storefront.PreviewCardView(p.edit.preview(*p.widget), *p.product, merchant, lang)
	scheme := "the page's colours"
	switch p.edit.Scheme {
	case buycard.SchemeLight:
		scheme = "light colours"
	case buycard.SchemeDark:
		scheme = "dark colours"
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "preview-h").Body(
		app.H2().ID("preview-h").Text("Preview"),
		app.P().Class("cs-hint").Text("The card as publishers' pages show it, in "+scheme+". It changes as you edit; save to publish."),
		app.Div().Class("cs-card-preview").DataSet("scheme", p.edit.Scheme).Body(
			app.Div().Class("cs-card-box").Body(storefront.NewCard(view)),
		),
		app.If(!p.product.InStock(), func() app.UI {
			return app.P().Class("cs-hint").Text("The product is sold out, so the card shows it as such.")
		}),
	)
}

func (p *widgetDesigner) renderSnippet() app.UI {
	var body app.UI
	switch {
	case p.snipErr != "":
		body = ui.Status(p.snipErr, "")
	case p.snippet.Script == "":
		body = app.P().Class("cs-loading").Text("Loading…")
	default:
		body = app.Div().Body(
			copyField("w-snippet", "Embed code", p.snippet.Script),
			app.If(p.snippet.Link != "", func() app.UI { return copyField("w-link", "Link (for pages that cannot run scripts)", p.snippet.Link) }),
		)
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "embed-h").Body(
		app.H2().ID("embed-h").Text("Embed code"),
		app.P().Class("cs-hint").Text("Publishers paste this where the card should appear. Publishers who join Buycard get their own code with their placement."),
		body,
	)
}

func (p *widgetDesigner) save(ctx app.Context) {
	ctx = p.own(ctx)
	p.err, p.ok = "", ""
	body, errs := p.edit.request(p.widget.ProductID)
	p.errs = errs
	if body == nil {
		p.err = "Check the fields marked above."
		ui.FocusFirst(ctx, errs, "w-cta", "w-color", "w-radius", "w-locale", "w-share")
		return
	}
	p.busy = true
	id := p.id
	var saved buycard.Widget
	ui.Run(ctx, func() error { return p.s.api.do("PATCH", "/v1/widgets/"+id, body, &saved) }, func(ctx app.Context, err error) {
		p.busy = false
		if p.id != id {
			return
		}
		if err != nil {
			p.err = message(err)
			return
		}
		p.widget, p.edit = &saved, widgetFormOf(&saved)
		p.ok = "Widget saved."
	})
}
