package console

import (
	"net/url"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// placementsPage is /console/placements: the publisher's placements
// (GET /v1/placements), each linking to its page.
type placementsPage struct {
	app.Compo
	s *session

	list     []*buycard.PlacementListing
	loaded   bool
	err      string
	loadedAt string
}

func newPlacementsPage(s *session, _ []string) app.UI { return &placementsPage{s: s} }

func (p *placementsPage) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *placementsPage) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *placementsPage) OnNav(ctx app.Context)       { p.load(ctx) }

func (p *placementsPage) load(ctx app.Context) {
	if !p.s.canRead() || !onPage(ctx, &p.loadedAt) {
		return
	}
	p.list, p.loaded, p.err = nil, false, ""
	var reply struct {
		Placements []*buycard.PlacementListing `json:"placements"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/placements", &reply) }, func(ctx app.Context, err error) {
		p.loaded = true
		if err != nil {
			p.err = message(err)
			return
		}
		p.list = reply.Placements
	})
}

func (p *placementsPage) Render() app.UI {
	return app.Section().Body(
		app.Div().Class("cs-panel-head").Body(
			app.H1().Text("Placements"),
			app.A().Href(Base+"/catalog").Text("Create a placement from the catalog"),
		),
		app.P().Text("Each placement is one spot on your site showing a card. Open one for its embed code, a live preview and its funnel."),
		ui.Status(p.err, ""),
		p.renderList(),
		newPlacementCodes(p.s),
	)
}

func (p *placementsPage) renderList() app.UI {
	switch {
	case !p.loaded:
		return app.P().Class("cs-loading").Text("Loading…")
	case p.err != "":
		return app.Div()
	case len(p.list) == 0:
		return app.P().Body(app.Text("No placements yet. "), app.A().Href(Base+"/catalog").Text("Pick a product in the catalog"), app.Text(" to make your first."))
	}
	return ui.Table("Your placements", []string{"Placement", "Product", "Your share", "Created", "Id"}, nil, len(p.list), func(i int) []app.UI {
		pl := p.list[i]
		return []app.UI{
			app.A().Href(Base + "/placements/" + pl.ID).Text(orDefault(pl.Name, pl.ID)),
			app.Text(pl.WidgetName),
			app.Span().Class("cs-num").Text(ui.BPSText(pl.Share.ShareBPS)),
			app.Text(pl.CreatedAt.Format(time.DateOnly)),
			app.Code().Text(pl.ID),
		}
	})
}

// placementPage is /console/placements/{id}: one placement's embed code
// in its three forms (GET /v1/embed/snippet), the card running in a live
// preview (the server's /embed/preview page, framed), and its funnel.
type placementPage struct {
	app.Compo
	s *session

	placement *buycard.PlacementListing
	snippets  snippets
	loaded    bool
	err       string
	loadedAt  string
}

func newPlacementPage(s *session, _ []string) app.UI { return &placementPage{s: s} }

func (p *placementPage) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *placementPage) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *placementPage) OnNav(ctx app.Context)       { p.load(ctx) }

// load reads the placement of the current path: a navigation from one
// placement to another reuses this component, so the id comes from the
// URL, not from when it was made.
func (p *placementPage) load(ctx app.Context) {
	if !p.s.canRead() || !onPage(ctx, &p.loadedAt) {
		return
	}
	p.placement, p.snippets, p.loaded, p.err = nil, snippets{}, false, ""
	_, args, ok := match(ctx.Page().URL().Path)
	if !ok || len(args) != 1 {
		p.loaded, p.err = true, "There is no placement here."
		return
	}
	id := args[0]
	var reply struct {
		Placement *buycard.PlacementListing `json:"placement"`
	}
	var got snippets
	ui.Run(ctx, func() error {
		if err := p.s.api.get("/v1/placements/"+url.PathEscape(id), &reply); err != nil {
			return err
		}
		if reply.Placement == nil {
			return buycard.Errorf(buycard.EINTERNAL, msgUnexpected)
		}
		return p.s.api.get(snippetPath(reply.Placement.WidgetID, reply.Placement.ID), &got)
	}, func(ctx app.Context, err error) {
		if p.loadedAt != ctx.Page().URL().Path+"?"+ctx.Page().URL().RawQuery {
			return // the user went on to another placement
		}
		p.loaded = true
		if err != nil {
			p.err = message(err)
			return
		}
		p.placement, p.snippets = reply.Placement, got
	})
}

// snippets are GET /v1/embed/snippet's forms of embed code.
type snippets struct {
	Script    string `json:"script"`     // the versioned card stylesheet and loader with SRI, and the card element
	Link      string `json:"link"`       // a link to the product page that the loader upgrades
	Latest    string `json:"latest"`     // the always-latest stylesheet and loader, and the card element
	LoaderURL string `json:"loader_url"` // where Script loads the loader from
}

// cspHint says what a publisher's Content-Security-Policy must allow for
// the snippets, loaded from loaderURL's origin.
func cspHint(loaderURL string) string {
	origin := "Buycard's origin"
	if u, err := url.Parse(loaderURL); err == nil && u.Host != "" {
		origin = u.Scheme + "://" + u.Host
	}
	return "The stylesheet keeps the card's space from the start, so your page does not move when the card arrives; keep it before the card. " +
		"If your site sends a Content-Security-Policy, allow " + origin + " in style-src, script-src, connect-src, img-src and frame-src: " +
		"no 'unsafe-inline' is needed."
}

// snippetPath is the API path of a placement's embed code.
func snippetPath(widgetID, placementID string) string {
	return "/v1/embed/snippet?" + previewQuery(widgetID, placementID)
}

// previewPath is the server's page running a placement's snippet.
func previewPath(widgetID, placementID string) string {
	return "/embed/preview?" + previewQuery(widgetID, placementID)
}

func previewQuery(widgetID, placementID string) string {
	q := url.Values{}
	q.Set("widget", widgetID)
	q.Set("placement", placementID)
	return q.Encode()
}

func (p *placementPage) Render() app.UI {
	back := app.P().Body(app.A().Href(Base + "/placements").Text("All placements"))
	switch {
	case !p.loaded:
		return app.Section().Body(back, app.H1().Text("Placement"), app.P().Class("cs-loading").Text("Loading…"))
	case p.err != "":
		return app.Section().Body(back, app.H1().Text("Placement"), ui.Status(p.err, ""))
	}
	pl := p.placement
	return app.Section().Body(
		back,
		app.H1().Text(orDefault(pl.Name, pl.ID)),
		app.P().Body(
			app.Text("Shows "), app.Strong().Text(pl.WidgetName),
			app.Text(". Created "+pl.CreatedAt.Format(time.DateOnly)+". Id "), app.Code().Text(pl.ID), app.Text("."),
		),
		app.P().ID("placement-share").Text(shareText(pl.Share)),
		app.If(pl.Share.KeptUntil != nil, func() app.UI { return shareNotice(pl) }),
		app.Div().Class("cs-grid").Body(
			app.Section().Aria("labelledby", "embed-h").Body(
				app.H2().ID("embed-h").Text("Embed code"),
				app.P().Class("cs-hint cs-lead").Text("Paste one of these where the card should appear on your site."),
				copyField("snippet-script", "Stylesheet, script and card (recommended: these versions, checked by the browser)", p.snippets.Script),
				app.P().Class("cs-hint").ID("snippet-csp").Text(cspHint(p.snippets.LoaderURL)),
				copyField("snippet-link", "Link (a card where the loader runs, a plain link elsewhere; the page moves when it becomes a card)", p.snippets.Link),
				copyField("snippet-latest", "Stylesheet, script and card, always the latest versions (no integrity check)", p.snippets.Latest),
			),
			app.Section().Aria("labelledby", "preview-h").Body(
				app.H2().ID("preview-h").Text("Live preview"),
				app.P().Class("cs-hint cs-lead").Body(
					app.Text("The script form running on a blank page, as your readers will see it. "),
					app.A().Href(previewPath(pl.WidgetID, pl.ID)).Target("_blank").Rel("noopener").Text("Open the preview in a new tab"),
				),
				app.Div().Class("cs-preview").Body(
					app.IFrame().Title("Live preview of the card").Src(previewPath(pl.WidgetID, pl.ID)).Loading("lazy"),
				),
			),
		),
		newFunnelPanel(p.s, "p", pl.WidgetID, pl.ID),
		feedsPanel(p.s, pl.ID, "This product for your own ads: the feeds' links credit this placement."),
	)
}

// shareSources word where a placement's share comes from.
var shareSources = map[string]string{
	buycard.ShareFromWidget:   "the share the merchant set on this product's widget",
	buycard.ShareFromContract: "your contract with the merchant, which covers all its products",
}

// shareText says what a placement earns and where that comes from.
func shareText(s buycard.PlacementShare) string {
	from := orDefault(shareSources[s.Source], s.Source)
	if s.KeptUntil != nil {
		return "You earn " + ui.BPSText(s.ShareBPS) + " of each sale, kept after the merchant lowered " + from + " to " + ui.BPSText(s.BaseBPS) + "."
	}
	return "You earn " + ui.BPSText(s.ShareBPS) + " of each sale: " + from + "."
}

// shareNotice tells a publisher that a placement's share is going down,
// and when.
func shareNotice(pl *buycard.PlacementListing) app.UI {
	s := pl.Share
	return app.P().Class("cs-note").Role("status").Body(
		app.Strong().Text("Share going down: "),
		app.Text(orDefault(pl.Name, pl.ID)+" ("+pl.WidgetName+") keeps "+ui.BPSText(s.ShareBPS)+" until "+
			s.KeptUntil.UTC().Format(time.DateOnly)+", then earns "+ui.BPSText(*s.NextBPS)+"."),
	)
}
