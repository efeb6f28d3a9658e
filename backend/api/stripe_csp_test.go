package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
)

// Checkout pages' CSP, exactly: the sandbox's is the strict baseline;
// Stripe adds only the origins its Stripe.js and embedded Checkout need.
const (
	sandboxCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
		"img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors *"
	stripeCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' https://js.stripe.com https://*.js.stripe.com https://checkout.stripe.com; style-src 'self'; " +
		"img-src 'self' data: https:; connect-src 'self' https://api.stripe.com https://checkout.stripe.com; " +
		"frame-src https://js.stripe.com https://*.js.stripe.com https://checkout.stripe.com https://hooks.stripe.com; " +
		"base-uri 'none'; form-action 'self' https://checkout.stripe.com; frame-ancestors *"
)

// fakeStripe opens sessions shaped like Stripe's embedded Checkout
// Sessions, without Stripe.
type fakeStripe struct{}

func (fakeStripe) Name() string { return "stripe" }

func (fakeStripe) CreatePaymentSession(_ context.Context, o *buycard.Order) (*buycard.PaymentSession, error) {
	id := "cs_test_" + strings.TrimPrefix(o.ID, "ord_")
	return &buycard.PaymentSession{ID: id, ClientSecret: id + "_secret_fake"}, nil
}

func newStripeServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.StripePublishableKey = "pk_test_api"
		svc.Payments, svc.TestPayments = fakeStripe{}, nil
	})
}

func TestCheckoutCSP(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		ts   *testServer
		want string
	}{
		"sandbox": {newTestServer(t), sandboxCSP},
		"stripe":  {newStripeServer(t), stripeCSP},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := tc.ts.do(t, "GET", "/checkout/wgt_notebook?t="+url.QueryEscape(tc.ts.cardToken(t, "wgt_notebook")), "", "")
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Security-Policy"); got != tc.want {
				t.Errorf("CSP\ngot:  %s\nwant: %s", got, tc.want)
			}
			if got := strings.Contains(body, "/web/stripe-checkout.js"); got != (name == "stripe") {
				t.Errorf("page loads stripe-checkout.js: %v", got)
			}
		})
	}
}

// The no-JS flow with Stripe: the choose form leads to a pay page that
// mounts Stripe's checkout, sent with go-app's wasm=false so the WASM
// cannot replace the mounted form.
func TestStripePayPage(t *testing.T) {
	t.Parallel()
	ts := newStripeServer(t)
	q := ts.formCheckout(t, "1")
	cs := q.Get("cs")
	if q.Get("wasm") != "false" || !strings.HasPrefix(cs, "cs_test_") || !strings.Contains(cs, "_secret_") {
		t.Fatalf("pay page query = %v", q)
	}
	resp, page := ts.do(t, "GET", "/checkout/wgt_notebook/pay?"+q.Encode(), "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("pay page = %d: %s", resp.StatusCode, page)
	}
	if got := resp.Header.Get("Content-Security-Policy"); got != stripeCSP {
		t.Errorf("pay page CSP = %s", got)
	}
	for _, want := range []string{
		`id="bc-stripe-checkout"`, `data-publishable-key="pk_test_api"`, `data-client-secret="` + cs + `"`,
		`src="https://js.stripe.com/v3/"`, `<noscript>`, `>Pay $24.00</h2>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("pay page lacks %s", want)
		}
	}
	if strings.Contains(page, `name="card_number"`) {
		t.Error("the Stripe pay page shows the sandbox's card field")
	}

	// Another session's secret does not open this order's pay page.
	bad := url.Values{}
	for k, v := range q {
		bad[k] = v
	}
	bad.Set("cs", "cs_test_other_secret_fake")
	if resp, _ := ts.do(t, "GET", "/checkout/wgt_notebook/pay?"+bad.Encode(), "", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("pay page with another session's secret = %d, want 403", resp.StatusCode)
	}
}
