package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// publisherHome is a publisher's /console: its earnings per currency, its
// payout account, and the funnel of all its placements.
type publisherHome struct {
	app.Compo
	s *session

	earnings earnings
	loaded   bool
	err      string
	notices  []*buycard.PlacementListing // placements whose share is going down
	loadedAt string                      // the path loaded, so OnMount and OnNav load once
}

func newPublisherHome(s *session) app.UI { return &publisherHome{s: s} }

func (p *publisherHome) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *publisherHome) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *publisherHome) OnNav(ctx app.Context)       { p.load(ctx) }

func (p *publisherHome) load(ctx app.Context) {
	if !p.s.canRead() || !onPage(ctx, &p.loadedAt) {
		return
	}
	p.earnings, p.loaded, p.err = nil, false, ""
	var reply struct {
		Earnings earnings `json:"earnings"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/earnings", &reply) }, func(ctx app.Context, err error) {
		p.loaded = true
		if err != nil {
			p.err = message(err)
			return
		}
		p.earnings = reply.Earnings
	})
	p.notices = nil
	var placements struct {
		Placements []*buycard.PlacementListing `json:"placements"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/placements", &placements) }, func(ctx app.Context, err error) {
		for _, pl := range placements.Placements {
			if err == nil && pl.Share.KeptUntil != nil {
				p.notices = append(p.notices, pl)
			}
		}
	})
}

func (p *publisherHome) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Overview"),
		app.P().Body(
			app.Text("Pick products in the "), app.A().Href(Base+"/catalog").Text("catalog"),
			app.Text(", paste their snippets on your site from "), app.A().Href(Base+"/placements").Text("placements"),
			app.Text(", and earn a share of every sale."),
		),
		app.Range(p.notices).Slice(func(i int) app.UI { return shareNotice(p.notices[i]) }),
		app.Section().Class("cs-panel").Aria("labelledby", "earn-h").Body(
			app.Div().Class("cs-panel-head").Body(
				app.H2().ID("earn-h").Text("Earnings"),
				app.A().Href(Base+"/earnings").Text("Earnings and payouts"),
			),
			ui.Status(p.err, ""),
			earningsSummary(p.earnings, p.loaded),
		),
		newAccountPanel(p.s, "acct", false),
		newFunnelPanel(p.s, "all", "", ""),
	)
}

// earningsSummary is the publisher's balances, one row per currency.
func earningsSummary(e earnings, loaded bool) app.UI {
	if !loaded {
		return app.P().Class("cs-loading").Text("Loading…")
	}
	curs := e.currencies()
	if len(curs) == 0 {
		return app.P().Text("No earnings yet. Your share of a sale shows here as pending, then available once the refund window closes.")
	}
	head := []string{"Currency"}
	for _, k := range earningKinds {
		head = append(head, k.label)
	}
	return ui.Table("Earnings per currency", head, nil, len(curs), func(i int) []app.UI {
		cur := curs[i]
		cells := []app.UI{app.Text(cur)}
		for _, k := range earningKinds {
			cells = append(cells, app.Span().Class("cs-num").Text(ui.MoneyText(e[cur][k.key], cur)))
		}
		return cells
	})
}
