package console

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// catalogPage is /console/catalog: the products merchants opened to
// publishers (GET /v1/catalog), each with its price, its merchant and the
// caller's share of a sale, and a form that makes a placement of one
// (POST /v1/placements), then opens it for its snippet.
type catalogPage struct {
	app.Compo
	s *session

	entries  []*buycard.CatalogEntry
	loaded   bool
	widget   string // the widget of the new placement
	name     string
	busy     bool
	err      string // loading the catalog
	formErr  string // creating a placement
	loadedAt string
}

// The new-placement form's field ids and form names, which the server
// reads when the form is posted before the WASM.
const (
	NewPlacementWidgetField = "placement-widget"
	NewPlacementNameField   = "placement-name"
)

func newCatalogPage(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/catalog")
	return &catalogPage{s: s, formErr: f.err, widget: f.value(NewPlacementWidgetField, ""), name: f.value(NewPlacementNameField, "")}
}

func (p *catalogPage) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *catalogPage) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *catalogPage) OnNav(ctx app.Context)       { p.load(ctx) }

func (p *catalogPage) load(ctx app.Context) {
	if !p.s.canRead() || !onPage(ctx, &p.loadedAt) {
		return
	}
	// The form keeps what it holds: a refused form's fields (takeFill),
	// or the product a row's link picked before the WASM (?widget=).
	p.entries, p.loaded, p.err, p.busy = nil, false, "", false
	if w := ctx.Page().URL().Query().Get("widget"); w != "" && p.widget == "" {
		p.widget = w
	}
	var reply struct {
		Widgets []*buycard.CatalogEntry `json:"widgets"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/catalog", &reply) }, func(ctx app.Context, err error) {
		p.loaded = true
		if err != nil {
			p.err = message(err)
			return
		}
		p.entries = reply.Widgets
		if len(p.entries) > 0 && p.widget == "" {
			p.widget = p.entries[0].WidgetID
		}
	})
}

func (p *catalogPage) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Catalog"),
		app.P().Text("Products merchants offer to publishers. Your share is what you earn from each sale made through your placements."),
		ui.Status(p.err, ""),
		p.renderEntries(),
		app.If(len(p.entries) > 0, p.renderForm),
	)
}

func (p *catalogPage) renderEntries() app.UI {
	switch {
	case !p.loaded:
		return app.P().Class("cs-loading").Text("Loading…")
	case p.err != "":
		return app.Div()
	case len(p.entries) == 0:
		return app.P().Text("No products are open to publishers yet. Check back soon.")
	}
	return ui.Table("Products open to publishers", []string{"Product", "Merchant", "Price", "Your share", ""}, nil, len(p.entries), func(i int) []app.UI {
		e := p.entries[i]
		return []app.UI{
			app.Div().Class("cs-product").Body(
				app.If(e.Image.URL != "", func() app.UI {
					// The title says what the product is; the thumbnail is decoration.
					return app.Img().Class("cs-thumb").Src(e.Image.URL).Role("presentation").Width(40).Height(40).Loading("lazy")
				}),
				app.Span().Text(e.Title),
			),
			app.Text(e.MerchantName),
			app.Span().Class("cs-num").Text(priceRangeText(e.MinPrice, e.MaxPrice, e.Currency)),
			app.Span().Class("cs-num").Text(ui.BPSText(e.ShareBPS)),
			app.If(app.IsServer, func() app.UI {
				return app.A().Class("cs-button").Href(Base+"/catalog?"+url.Values{"widget": {e.WidgetID}}.Encode()+"#new-placement-h").
					Aria("label", "Create placement for "+e.Title).Text("Create placement")
			}).Else(func() app.UI {
				return app.Button().Type("button").Aria("label", "Create placement for "+e.Title).Text("Create placement").
					OnClick(func(ctx app.Context, _ app.Event) { p.pick(ctx, e.WidgetID) })
			}),
		}
	})
}

// pick chooses the widget of the new placement and moves to its name.
func (p *catalogPage) pick(ctx app.Context, widgetID string) {
	p.widget, p.formErr = widgetID, ""
	ctx.Defer(func(app.Context) {
		if el := app.Window().GetElementByID(NewPlacementNameField); el.Truthy() {
			el.Call("focus")
		}
	})
}

func (p *catalogPage) renderForm() app.UI {
	options := make([]ui.Option, len(p.entries))
	for i, e := range p.entries {
		options[i] = ui.Option{Value: e.WidgetID, Label: e.Title + " (" + e.MerchantName + ")"}
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "new-placement-h").Body(
		app.H2().ID("new-placement-h").Class("cs-panel-title").Text("Create a placement"),
		app.P().Class("cs-hint cs-lead").Text("A placement is one spot on your site that shows a card, such as a post or a sidebar. Its sales and funnel are counted on their own."),
		ui.PageForm("Create a placement", Base+"/catalog", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.create,
			ui.SelectInput(NewPlacementWidgetField, "Product", p.widget, options, func(_ app.Context, v string) { p.widget = v }),
			ui.TextInput(ui.Field{ID: NewPlacementNameField, Label: "Placement name", Value: p.name, Required: true, MaxLength: 100,
				Hint: "Where the card goes, such as “Spring gift guide post”."},
				func(_ app.Context, v string) { p.name = v }),
			ui.Status(p.formErr, ""),
			ui.SubmitButton("Create placement", p.busy),
		),
	)
}

func (p *catalogPage) create(ctx app.Context) {
	p.busy, p.formErr = true, ""
	var reply struct {
		Placement buycard.PlacementListing `json:"placement"`
	}
	body := map[string]string{"widget_id": p.widget, "name": p.name}
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/placements", body, &reply) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.formErr = message(err)
			return
		}
		ctx.Navigate(Base + "/placements/" + reply.Placement.ID)
	})
}
