package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// publisherAccount is the publisher's payout account at the payment
// provider (GET /v1/payment-account) and the way to set it up: POST
// /v1/payment-account/onboarding answers a link to Stripe's onboarding,
// which the browser then opens. Without Stripe the API says payments run
// in the sandbox; the panel shows that.
type publisherAccount struct {
	app.Compo
	ID string // the id of its heading; unique in the page

	account *buycard.PaymentAccount
	loaded  bool
	busy    bool
	err     string
	note    string // what the API said instead of a link (the sandbox)
}

func newPublisherAccount(id string) *publisherAccount { return &publisherAccount{ID: id} }

func (a *publisherAccount) OnMount(ctx app.Context) { a.load(ctx) }

func (a *publisherAccount) load(ctx app.Context) {
	if app.IsServer {
		return
	}
	a.account, a.loaded, a.err, a.note = nil, false, "", ""
	var got buycard.PaymentAccount
	run(ctx, func() error { return current.api.get("/v1/payment-account", &got) }, func(ctx app.Context, err error) {
		a.loaded = true
		switch {
		case buycard.ErrorCode(err) == buycard.ENOTFOUND:
			// No account yet (or no accounts on this server).
		case err != nil:
			a.err = message(err)
		default:
			a.account = &got
		}
	})
}

// accountState says where the publisher's payouts stand, in words.
func accountState(a *buycard.PaymentAccount) (state, detail string) {
	switch {
	case a == nil:
		return "Not set up", "Set up a Stripe account to receive your share of each sale."
	case a.PayoutsEnabled:
		return "Payouts enabled", "Your share of each sale is paid to your Stripe account."
	}
	return "Setup not finished", "Stripe needs more details before it can pay you. Continue where you left off."
}

func (a *publisherAccount) Render() app.UI {
	state, detail := accountState(a.account)
	label := "Set up payouts with Stripe"
	if a.account != nil {
		label = "Continue with Stripe"
	}
	return app.Section().Class("cs-panel").Aria("labelledby", a.ID+"-h").Body(
		app.H2().ID(a.ID+"-h").Class("cs-panel-title").Text("Payout account"),
		app.If(!a.loaded && a.err == "", func() app.UI { return app.P().Class("cs-loading").Text("Loading…") }).
			Else(func() app.UI {
				return app.Div().Body(
					app.P().Body(app.Span().Class("cs-badge").Text(state), app.Text(" "+detail)),
					app.If(a.account != nil, func() app.UI {
						return app.P().Class("cs-hint").Body(app.Text("Stripe account "), app.Code().Text(a.account.ID))
					}),
					app.If(a.account == nil || !a.account.PayoutsEnabled, func() app.UI {
						b := app.Button().Type("button").Class("cs-primary").Disabled(app.IsServer || a.busy).Text(label).OnClick(a.onboard)
						if a.busy {
							b = b.Aria("busy", "true")
						}
						return b
					}),
				)
			}),
		app.Div().Class("cs-error").Role("alert").Body(app.If(a.err != "", func() app.UI { return app.P().Text(a.err) })),
		app.Div().Class("cs-note").Role("status").Body(app.If(a.note != "", func() app.UI { return app.P().Text(a.note) })),
	)
}

// onboard asks for a link to Stripe's onboarding and opens it.
func (a *publisherAccount) onboard(ctx app.Context, e app.Event) {
	a.busy, a.err, a.note = true, "", ""
	var link buycard.OnboardingLink
	run(ctx, func() error { return current.api.do("POST", "/v1/payment-account/onboarding", nil, &link) }, func(ctx app.Context, err error) {
		a.busy = false
		switch {
		case buycard.ErrorCode(err) == buycard.ECONFLICT:
			a.note = message(err) // the sandbox: nothing to set up
		case err != nil:
			a.err = message(err)
		case link.URL == "":
			a.err = msgUnexpected
		default:
			app.Window().Get("location").Call("assign", link.URL)
		}
	})
}
