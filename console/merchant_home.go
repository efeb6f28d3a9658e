package console

import (
	"sort"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// merchBalance is one currency of GET /v1/merchant/balances, in minor units.
type merchBalance struct {
	Pending   int64 `json:"pending"`
	Available int64 `json:"available"`
	Paid      int64 `json:"paid"`
}

// merchantHome is a merchant's /console: the funnel of all its widgets,
// what it is owed per currency, and whether its payment account can take
// payments, with the way to set it up at Stripe.
type merchantHome struct {
	app.Compo
	merchAnchor
	s *session

	loaded     string
	balances   map[string]merchBalance
	balanceErr string

	account    *buycard.PaymentAccount
	accountMsg string // why there is no account to show
	accountErr string
	setupBusy  bool
	setupErr   string
	setupNote  string // the API's word when there is nothing to set up (sandbox)
}

func newMerchantHome(s *session) app.UI { return &merchantHome{s: s} }

func (p *merchantHome) OnMount(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *merchantHome) OnNav(ctx app.Context)   { p.anchor(ctx); p.load(ctx) }

func (p *merchantHome) load(ctx app.Context) {
	if app.IsServer || !merchOnPage(ctx, "") || p.loaded == merchPageKey(ctx) {
		return
	}
	p.loaded = merchPageKey(ctx)
	p.balances, p.balanceErr, p.account, p.accountMsg, p.accountErr = nil, "", nil, "", ""
	p.setupBusy, p.setupErr, p.setupNote = false, "", ""
	var reply struct {
		Balances map[string]merchBalance `json:"balances"`
	}
	run(ctx, func() error { return p.s.api.get("/v1/merchant/balances", &reply) }, func(ctx app.Context, err error) {
		if err != nil {
			p.balanceErr = message(err)
			return
		}
		p.balances = reply.Balances
		if p.balances == nil {
			p.balances = map[string]merchBalance{}
		}
	})
	var a buycard.PaymentAccount
	run(ctx, func() error { return p.s.api.get("/v1/payment-account", &a) }, func(ctx app.Context, err error) {
		switch {
		case buycard.ErrorCode(err) == buycard.ENOTFOUND:
			p.accountMsg = "Not set up yet. Set up your Stripe account to take payments."
		case err != nil:
			p.accountErr = message(err)
		default:
			p.account = &a
		}
	})
}

func (p *merchantHome) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Overview"),
		p.renderAccount(),
		p.renderBalances(),
		newFunnelPanel("all", "", ""),
	)
}

func (p *merchantHome) renderAccount() app.UI {
	var state app.UI
	label := "Set up payments with Stripe"
	switch {
	case p.accountErr != "":
		state = app.P().Class("cs-error").Text(p.accountErr)
	case p.account != nil:
		charges, payouts := "Cannot take payments yet", "Payouts not enabled yet"
		if p.account.ChargesEnabled {
			charges = "Takes payments"
		}
		if p.account.PayoutsEnabled {
			payouts = "Payouts enabled"
		}
		state = app.Dl().Class("cs-stats").Body(
			stat("Account", merchAccountName(p.account.ID)),
			stat("Payments", charges),
			stat("Payouts", payouts),
		)
		if p.account.ChargesEnabled && p.account.PayoutsEnabled {
			label = "Review your Stripe account"
		} else {
			label = "Continue Stripe setup"
		}
	case p.accountMsg != "":
		state = app.P().Text(p.accountMsg)
	default:
		state = app.P().Class("cs-loading").Text("Loading…")
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "account-h").Body(
		app.H2().ID("account-h").Text("Payment account"),
		state,
		app.If(p.account == nil || !strings.HasPrefix(p.account.ID, merchSandboxPrefix), func() app.UI {
			return app.Div().Class("cs-actions").Body(
				app.Button().Type("button").Class("cs-primary").Disabled(app.IsServer || p.setupBusy).Text(label).OnClick(p.onboard),
			)
		}),
		app.Div().Class("cs-info").Role("status").Body(app.If(p.setupNote != "", func() app.UI { return app.P().Text(p.setupNote) })),
		app.Div().Class("cs-error").Role("alert").Body(app.If(p.setupErr != "", func() app.UI { return app.P().Text(p.setupErr) })),
	)
}

// merchSandboxPrefix starts the ids of the sandbox's payment accounts
// (backend/api's sandboxAccountPrefix).
const merchSandboxPrefix = "acct_sandbox_"

// merchOnboarding is the answer of POST /v1/payment-account/onboarding:
// a link to Stripe's onboarding, or, on a server without Stripe, the
// sandbox account it connected.
type merchOnboarding struct {
	URL string `json:"url"`
	buycard.PaymentAccount
}

// onboard asks for a Stripe onboarding link and goes there; without
// Stripe, the sandbox connects a test account at once.
func (p *merchantHome) onboard(ctx app.Context, e app.Event) {
	ctx = p.own(ctx)
	p.setupBusy, p.setupErr, p.setupNote = true, "", ""
	var reply merchOnboarding
	run(ctx, func() error { return p.s.api.do("POST", "/v1/payment-account/onboarding", nil, &reply) }, func(ctx app.Context, err error) {
		p.setupBusy = false
		switch {
		case buycard.ErrorCode(err) == buycard.ECONFLICT:
			p.setupNote = message(err) // payments run in the sandbox
		case err != nil:
			p.setupErr = message(err)
		case reply.URL != "":
			p.setupBusy = true
			app.Window().Get("location").Call("assign", reply.URL)
		case reply.ID != "":
			a := reply.PaymentAccount
			p.account, p.accountMsg = &a, ""
			p.setupNote = "Payments run in the sandbox: your test account is connected and your cards take test cards now."
		default:
			p.setupErr = msgUnexpected
		}
	})
}

// merchAccountName names a payment account for its owner.
func merchAccountName(id string) string {
	if strings.HasPrefix(id, merchSandboxPrefix) {
		return "Sandbox (test payments)"
	}
	return "Stripe " + id
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
		body = merchTable("Balances", []string{"Currency", "Pending", "Available", "Paid"}, map[int]bool{1: true, 2: true, 3: true}, len(currencies), func(i int) []app.UI {
			c := currencies[i]
			b := p.balances[c]
			return []app.UI{app.Text(c), app.Text(merchSigned(b.Pending, c)), app.Text(merchSigned(b.Available, c)), app.Text(merchSigned(b.Paid, c))}
		})
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "balances-h").Body(
		app.H2().ID("balances-h").Text("Balances"),
		app.P().Class("cs-hint").Text("Pending is owed to you from sales that Stripe has not settled yet; paid is what has been settled to you."),
		body,
		app.P().Body(app.A().Href(Base+"/statement").Text("See your statement")),
	)
}
