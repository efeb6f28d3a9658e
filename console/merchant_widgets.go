package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// widgetsPage is /console/widgets: the merchant's widgets (buy cards)
// and a form to make one for a product; the designer then styles it.
type widgetsPage struct {
	app.Compo
	pageAnchor
	s *session

	loaded   string
	widgets  []buycard.Widget
	products []buycard.Product
	listErr  string

	productID string
	busy      bool
	err       string
}

// NewWidgetProductField is the id and form name of the new-widget form's
// product, which the server reads when the form is posted before the WASM.
const NewWidgetProductField = "w-product"

func newWidgetsPage(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/widgets")
	return &widgetsPage{s: s, err: f.err, productID: f.value(NewWidgetProductField, "")}
}

func (p *widgetsPage) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *widgetsPage) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *widgetsPage) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *widgetsPage) load(ctx app.Context) {
	if !p.s.canRead() || !atPath(ctx, "/widgets") || !onPage(ctx, &p.loaded) {
		return
	}
	p.widgets, p.products, p.listErr, p.busy = nil, nil, "", false
	var ws struct {
		Widgets []buycard.Widget `json:"widgets"`
	}
	var ps struct {
		Products []buycard.Product `json:"products"`
	}
	ui.Run(ctx, func() error {
		if err := p.s.api.get("/v1/products", &ps); err != nil {
			return err
		}
		return p.s.api.get("/v1/widgets", &ws)
	}, func(ctx app.Context, err error) {
		if err != nil {
			p.listErr = message(err)
			return
		}
		p.widgets, p.products = ws.Widgets, ps.Products
		for _, pr := range p.products {
			if pr.ArchivedAt == nil && p.productID == "" {
				p.productID = pr.ID
			}
		}
	})
}

// title is the title of product id, or the id.
func (p *widgetsPage) title(id string) string {
	for _, pr := range p.products {
		if pr.ID == id {
			return orDefault(pr.Title, id)
		}
	}
	return id
}

func (p *widgetsPage) Render() app.UI {
	var options []ui.Option
	for _, pr := range p.products {
		if pr.ArchivedAt == nil {
			options = append(options, ui.Option{Value: pr.ID, Label: orDefault(pr.Title, pr.ID)})
		}
	}
	var create app.UI
	switch {
	case p.products == nil && p.listErr == "":
		create = app.P().Class("cs-loading").Text("Loading…")
	case len(options) == 0 && p.listErr == "":
		create = app.P().Body(app.Text("Widgets sell a product. "), app.A().Href(Base+"/products").Text("Create a product first."))
	case len(options) > 0:
		create = ui.PageForm("New widget", Base+"/widgets", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.create,
			ui.SelectInput(NewWidgetProductField, "Product", p.productID, options, func(_ app.Context, v string) { p.productID = v }),
			ui.Status(p.err, ""),
			ui.SubmitButton("Create widget", p.busy),
		)
	}
	return app.Section().Body(
		app.H1().Text("Widgets"),
		app.P().Text("A widget is a buy card for one of your products. Publishers embed it on their pages; you choose its design and their share of each sale."),
		app.Section().Class("cs-panel").Aria("labelledby", "neww-h").Body(app.H2().ID("neww-h").Text("New widget"), create),
		app.H2().Text("Your widgets"),
		p.renderList(),
	)
}

func (p *widgetsPage) renderList() app.UI {
	switch {
	case p.listErr != "":
		return ui.Status(p.listErr, "")
	case p.widgets == nil:
		return app.P().Class("cs-loading").Text("Loading…")
	case len(p.widgets) == 0:
		return app.P().Text("No widgets yet.")
	}
	return ui.Table("Your widgets", []string{"Widget", "Product", "Button", "Publisher share", "Checkout", "Created"}, map[int]bool{3: true}, len(p.widgets), func(i int) []app.UI {
		w := p.widgets[i]
		mode := "Overlay"
		if w.CheckoutMode == buycard.CheckoutPopup {
			mode = "Pop-up window"
		}
		return []app.UI{
			app.A().Href(Base+"/widgets/"+w.ID).Aria("label", "Design "+w.ID+" ("+p.title(w.ProductID)+")").Body(app.Code().Text(w.ID)),
			app.Text(p.title(w.ProductID)),
			app.Text(w.CTA),
			app.Text(ui.PercentField(w.PublisherShareBPS) + "%"),
			app.Text(mode),
			app.Text(dateText(w.CreatedAt)),
		}
	})
}

func (p *widgetsPage) create(ctx app.Context) {
	ctx = p.own(ctx)
	if p.productID == "" {
		p.err = "Choose a product."
		return
	}
	p.busy, p.err = true, ""
	body := map[string]string{"product_id": p.productID}
	var w buycard.Widget
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/widgets", body, &w) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		ctx.Navigate(Base + "/widgets/" + w.ID)
	})
}
