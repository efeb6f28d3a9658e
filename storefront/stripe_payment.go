package storefront

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Ids of the Stripe pay step that web/stripe-checkout.js works on.
const (
	stripeMountID  = "bc-stripe-checkout"
	stripeStatusID = "bc-stripe-status"
)

// stripeStepServerHTML closes the prerendered Stripe pay step: a note for
// browsers without JavaScript, and Stripe.js, which Stripe requires to be
// loaded from js.stripe.com, never bundled or self-hosted. It is deferred
// so that stripe-checkout.js, deferred before it, sees its load events.
const stripeStepServerHTML = `<div><noscript><p class="bc-note">Paying by card needs JavaScript. ` +
	`Turn it on and reload this page.</p></noscript><script src="https://js.stripe.com/v3/" defer></script></div>`

// stripeStep is the pay step when the provider is Stripe: Stripe's
// embedded checkout, mounted inside the overlay by web/stripe-checkout.js
// into the container this renders. The script, not the WASM, mounts it,
// so paying works before the WASM has arrived.
//
// go-app never touches what the script puts in the page: the container
// and the status line have no children in go-app's tree, and on a
// re-render go-app only patches what changed in its own tree, so the
// mounted iframe stays. The script mounts each container once.
type stripeStep struct {
	app.Compo
	Total          string // formatted, as the order's total
	Lang           string
	PublishableKey string
	ClientSecret   string
}

func newStripeStep(total, lang, publishableKey, clientSecret string) *stripeStep {
	return &stripeStep{Total: total, Lang: lang, PublishableKey: publishableKey, ClientSecret: clientSecret}
}

func (s *stripeStep) Render() app.UI {
	return el("div", attrs{{"class", "bc-stripe"}},
		stepTitle("h2", tr(s.Lang, msgPay, s.Total)),
		// Loading, or why the form could not load with a retry: the
		// script writes it.
		el("div", attrs{{"id", stripeStatusID}, {"class", "bc-stripe-status"}}),
		el("div", attrs{{"id", stripeMountID}, {"class", "bc-stripe-mount"},
			{"data-publishable-key", s.PublishableKey}, {"data-client-secret", s.ClientSecret}}),
		// Server-only, as raw HTML: go-app's script and noscript element
		// types would cost the WASM kilobytes. Stripe.js starts loading
		// with the prerendered page; when the WASM renders this step,
		// stripe-checkout.js adds it.
		app.If(app.IsServer, func() app.UI {
			return app.Raw(stripeStepServerHTML)
		}),
	)
}
