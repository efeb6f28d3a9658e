package stripeconnect

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

// openedSession opens a session for a new order with opts against the
// fake, and returns it with the parameters Stripe received.
func openedSession(t *testing.T, orderID string, opts buycard.PaymentSessionOptions) (*buycard.PaymentSession, url.Values) {
	t.Helper()
	fake := stripetest.NewServer()
	defer fake.Close()
	s, err := newTestProvider(t, fake.URL).CreatePaymentSessionWith(context.Background(), testOrder(orderID), opts)
	if err != nil {
		t.Fatal(err)
	}
	created := fake.Created(sessionsPath)
	if len(created) != 1 {
		t.Fatalf("sessions created = %d, want 1", len(created))
	}
	return s, created[0]
}

// A hosted session (the popup checkout) is the embedded one's request with
// Stripe's page instead: success_url in place of return_url, carrying the
// publisher's origin, the language and wasm=false to the receipt, and an
// idempotency key of its own.
func TestCreateHostedSessionParams(t *testing.T) {
	s, f := openedSession(t, "ord_hosted", hostedOptions)
	want := url.Values{
		"ui_mode":             {"hosted"},
		"success_url":         {"https://buycard.example/checkout/return?session_id={CHECKOUT_SESSION_ID}&lang=en-US&o=https%3A%2F%2Fnews.example&wasm=false"},
		"return_url":          {""},
		"cancel_url":          {""},
		"client_reference_id": {"ord_hosted"},
		"payment_intent_data[application_fee_amount]":     {"405"},
		"payment_intent_data[transfer_data][destination]": {"acct_merchant_mer_1"},
	}
	for k := range want {
		if got := f.Get(k); got != want.Get(k) {
			t.Errorf("%s = %q, want %q", k, got, want.Get(k))
		}
	}
	if s.ID == "" || s.ClientSecret != "" || s.URL != "https://checkout.stripe.com/c/pay/"+s.ID {
		t.Errorf("session = %+v, want a URL and no client secret", s)
	}
}

// The embedded session returns with the origin and language too, so the
// overlay's receipt can tell the page.
func TestEmbeddedReturnURLCarriesOrigin(t *testing.T) {
	_, f := openedSession(t, "ord_embedded", buycard.PaymentSessionOptions{Origin: "http://127.0.0.1:9000", Lang: "fr"})
	got := f.Get("return_url")
	if want := "https://buycard.example/checkout/return?session_id={CHECKOUT_SESSION_ID}&lang=fr&o=http%3A%2F%2F127.0.0.1%3A9000"; got != want {
		t.Errorf("return_url = %q, want %q", got, want)
	}
}

// A lost response and a retry make one hosted session, and calling again
// for the order gets it back. The key is not the embedded session's:
// Stripe refuses one key with other parameters.
func TestHostedSessionCreatedOnceUnderRetry(t *testing.T) {
	fake := stripetest.NewServer()
	defer fake.Close()
	fake.Inject(stripetest.FaultLostResponse, stripetest.Fault503)
	p := newTestProvider(t, fake.URL, func(c *Config) { c.AttemptTimeout = 200 * time.Millisecond })
	o := testOrder("ord_hosted_retry")
	s, err := p.CreatePaymentSessionWith(context.Background(), o, hostedOptions)
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.CreatePaymentSessionWith(context.Background(), o, hostedOptions)
	if err != nil || again.ID != s.ID || again.URL != s.URL {
		t.Errorf("second call = %+v, %v; want session %s", again, err, s.ID)
	}
	if n := len(fake.Created(sessionsPath)); n != 1 {
		t.Errorf("sessions created = %d, want 1", n)
	}
	if n := fake.Requests(); n != 4 {
		t.Errorf("requests = %d, want 4 (lost, 503, replayed, replayed)", n)
	}
	if HostedIdempotencyKey(o.ID) == CheckoutIdempotencyKey(o.ID) {
		t.Error("hosted and embedded sessions share an idempotency key")
	}
}
