package console

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// sandboxAccountPrefix starts the ids of the sandbox's payment accounts
// (backend/api's sandboxAccountPrefix).
const sandboxAccountPrefix = "acct_sandbox_"

// accountPanel is the signed-in party's account at the payment provider
// (GET /v1/payment-account) and the way to set it up: POST
// /v1/payment-account/onboarding answers a link to Stripe's onboarding,
// which the browser then opens, or, on a server without Stripe, the
// sandbox account it connected at once.
//
// Before the WASM its button is a form posting to OnboardingAction with
// the page it is on (OnboardingFromField): the server answers with
// Stripe's onboarding, or with that page again, the sandbox account
// connected.
type accountPanel struct {
	app.Compo
	S        *session
	ID       string // the id of its heading; unique in the page
	Merchant bool   // a merchant's account takes payments; a publisher's receives payouts

	account *buycard.PaymentAccount
	loaded  bool
	from    string // the console path of the page it is on
	busy    bool
	err     string
	note    string // what the API said instead of a link
}

// OnboardingAction is where the account panel's button posts before the
// WASM, with OnboardingFromField.
const OnboardingAction = Base + "/payment-account"

// OnboardingFromField names the console page the onboarding form was
// sent from, which the server shows again after connecting a sandbox
// account.
const OnboardingFromField = "from"

func newAccountPanel(s *session, id string, merchant bool) *accountPanel {
	return &accountPanel{S: s, ID: id, Merchant: merchant}
}

func (a *accountPanel) OnMount(ctx app.Context)     { a.load(ctx) }
func (a *accountPanel) OnPreRender(ctx app.Context) { a.load(ctx) }

func (a *accountPanel) load(ctx app.Context) {
	if !a.S.canRead() {
		return
	}
	a.account, a.loaded, a.err, a.note, a.from = nil, false, "", "", ctx.Page().URL().Path
	a.S.takeFill(OnboardingAction).spend(func(url.Values) {}, &a.err, &a.note, sandboxConnected)
	var got buycard.PaymentAccount
	ui.Run(ctx, func() error { return a.S.api.get("/v1/payment-account", &got) }, func(ctx app.Context, err error) {
		a.loaded = true
		switch {
		case buycard.ErrorCode(err) == buycard.ENOTFOUND:
			// No account yet.
		case err != nil:
			a.err = message(err)
		default:
			a.account = &got
		}
	})
}

// accountState says where a party's account stands, in words.
func accountState(a *buycard.PaymentAccount, merchant bool) (state, detail string) {
	switch {
	case a == nil && merchant:
		return "Not set up", "Set up a Stripe account to take payments: until then your cards cannot be bought."
	case a == nil:
		return "Not set up", "Set up a Stripe account to receive your share of each sale."
	case strings.HasPrefix(a.ID, sandboxAccountPrefix):
		return "Sandbox", "Payments run in the sandbox: your test account takes the test cards."
	case merchant && a.ChargesEnabled:
		return "Takes payments", "Shoppers can buy from your cards; Stripe pays you out."
	case !merchant && a.PayoutsEnabled:
		return "Payouts enabled", "Your share of each sale is paid to your Stripe account."
	}
	return "Setup not finished", "Stripe needs more details. Continue where you left off."
}

func (a *accountPanel) Render() app.UI {
	state, detail := accountState(a.account, a.Merchant)
	title, label := "Payout account", "Set up payouts with Stripe"
	if a.Merchant {
		title, label = "Payment account", "Set up payments with Stripe"
	}
	if a.account != nil {
		label = "Continue with Stripe"
	}
	done := a.account != nil && (strings.HasPrefix(a.account.ID, sandboxAccountPrefix) || a.account.ChargesEnabled && a.account.PayoutsEnabled)
	return app.Section().Class("cs-panel").Aria("labelledby", a.ID+"-h").Body(
		app.H2().ID(a.ID+"-h").Class("cs-panel-title").Text(title),
		app.If(!a.loaded && a.err == "", func() app.UI { return app.P().Class("cs-loading").Text("Loading…") }).
			Else(func() app.UI {
				return app.Div().Body(
					app.P().Body(app.Span().Class("cs-badge").Text(state), app.Text(" "+detail)),
					app.If(a.account != nil, func() app.UI {
						return app.P().Class("cs-hint").Body(app.Text("Account "), app.Code().Text(a.account.ID))
					}),
					app.If(!done, func() app.UI {
						return ui.PageForm("", OnboardingAction, []ui.Hidden{{Name: CSRFField, Value: a.S.csrf()}, {Name: OnboardingFromField, Value: a.from}},
							a.onboard, ui.SubmitButton(label, a.busy))
					}),
				)
			}),
		app.Div().Class("cs-error").Role("alert").Body(app.If(a.err != "", func() app.UI { return app.P().Text(a.err) })),
		app.Div().Class("cs-note").Role("status").Body(app.If(a.note != "", func() app.UI { return app.P().Text(a.note) })),
	)
}

// onboarding is the answer of POST /v1/payment-account/onboarding: a
// link to Stripe's onboarding, or the sandbox account it connected.
type onboarding struct {
	URL string `json:"url"`
	buycard.PaymentAccount
}

// sandboxConnected says a sandbox account was connected.
const sandboxConnected = "Your sandbox account is connected."

// onboard asks for a link to Stripe's onboarding and opens it; in the
// sandbox it shows the account connected at once.
func (a *accountPanel) onboard(ctx app.Context) {
	a.busy, a.err, a.note = true, "", ""
	var reply onboarding
	ui.Run(ctx, func() error { return a.S.api.do("POST", "/v1/payment-account/onboarding", nil, &reply) }, func(ctx app.Context, err error) {
		a.busy = false
		switch {
		case err != nil:
			a.err = message(err)
		case reply.URL != "":
			a.busy = true
			app.Window().Get("location").Call("assign", reply.URL)
		case reply.ID != "":
			a.account = &reply.PaymentAccount
			a.note = sandboxConnected
		default:
			a.err = msgUnexpected
		}
	})
}
