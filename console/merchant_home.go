package console

import (
	"sort"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/console/ui"
)

// currencyBalance is one currency of GET /v1/merchant/balances, in minor units.
type currencyBalance struct {
	Pending   int64 `json:"pending"`
	Available int64 `json:"available"`
	Paid      int64 `json:"paid"`
}

// merchantHome is a merchant's /console: the funnel of all its widgets,
// what it is owed per currency, and whether its payment account can take
// payments, with the way to set it up at Stripe.
type merchantHome struct {
	app.Compo
	s *session

	loaded     string
	balances   map[string]currencyBalance
	balanceErr string
}

func newMerchantHome(s *session) app.UI { return &merchantHome{s: s} }

func (p *merchantHome) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *merchantHome) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *merchantHome) OnNav(ctx app.Context)       { p.load(ctx) }

func (p *merchantHome) load(ctx app.Context) {
	if !p.s.canRead() || !atPath(ctx, "") || !onPage(ctx, &p.loaded) {
		return
	}
	p.balances, p.balanceErr = nil, ""
	var reply struct {
		Balances map[string]currencyBalance `json:"balances"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/merchant/balances", &reply) }, func(ctx app.Context, err error) {
		if err != nil {
			p.balanceErr = message(err)
			return
		}
		p.balances = reply.Balances
		if p.balances == nil {
			p.balances = map[string]currencyBalance{}
		}
	})
}

func (p *merchantHome) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Overview"),
		newAccountPanel(p.s, "acct", true),
		p.renderBalances(),
		newFunnelPanel(p.s, "all", "", ""),
	)
}

func (p *merchantHome) renderBalances() app.UI {
	var body app.UI
	currencies := make([]string, 0, len(p.balances))
	for c := range p.balances {
		currencies = append(currencies, c)
	}
	sort.Strings(currencies)
	switch {
	case p.balanceErr != "":
		body = app.P().Class("cs-error").Text(p.balanceErr)
	case p.balances == nil:
		body = app.P().Class("cs-loading").Text("Loading…")
	case len(currencies) == 0:
		body = app.P().Text("No sales yet. What your sales earn shows here.")
	default:
		body = ui.Table("Balances", []string{"Currency", "Pending", "Available", "Paid"}, map[int]bool{1: true, 2: true, 3: true}, len(currencies), func(i int) []app.UI {
			c := currencies[i]
			b := p.balances[c]
			return []app.UI{app.Text(c), app.Text(ui.SignedMoney(b.Pending, c)), app.Text(ui.SignedMoney(b.Available, c)), app.Text(ui.SignedMoney(b.Paid, c))}
		})
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "balances-h").Body(
		app.H2().ID("balances-h").Text("Balances"),
		app.P().Class("cs-hint").Text("Pending is owed to you from sales that Stripe has not settled yet; paid is what has been settled to you."),
		body,
		app.P().Body(app.A().Href(Base+"/statement").Text("See your statement")),
	)
}
