package stripeconnect

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

const sessionsPath = "/v1/checkout/sessions"

func TestCreateSessionParams(t *testing.T) {
	fake := stripetest.NewServer()
	defer fake.Close()
	p := newTestProvider(t, fake.URL, func(c *Config) { c.Locale = "fr" })
	o := testOrder("ord_params")
	s, err := p.CreatePaymentSession(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	created := fake.Created(sessionsPath)
	if len(created) != 1 {
		t.Fatalf("sessions created = %d, want 1", len(created))
	}
	f := created[0]
	want := map[string]string{
		"ui_mode":                                "embedded",
		"mode":                                   "payment",
		"return_url":                             "https://buycard.example/checkout/return?session_id={CHECKOUT_SESSION_ID}",
		"client_reference_id":                    "ord_params",
		"locale":                                 "fr",
		"expires_at":                             strconv.FormatInt(testNow.Add(32*time.Minute).Unix(), 10),
		"line_items[0][price_data][currency]":    "usd",
		"line_items[0][price_data][unit_amount]": "1250",
		"line_items[0][price_data][product_data][name]":   "Mug — Blue",
		"line_items[0][quantity]":                         "2",
		"payment_intent_data[application_fee_amount]":     "405",
		"payment_intent_data[on_behalf_of]":               "acct_merchant_mer_1",
		"payment_intent_data[transfer_data][destination]": "acct_merchant_mer_1",
		"payment_intent_data[metadata][order_id]":         "ord_params",
		"metadata[order_id]":                              "ord_params",
		"metadata[widget_id]":                             "wdg_1",
		"metadata[publisher_id]":                          "pub_1",
		"metadata[placement_id]":                          "plc_1",
	}
	for k, v := range want {
		if got := f.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if s.ID == "" || s.ClientSecret == "" || !s.ExpiresAt.Equal(testNow.Add(32*time.Minute)) {
		t.Errorf("session = %+v", s)
	}
}

func TestCreateSessionRefusedWithoutStripe(t *testing.T) {
	fake := stripetest.NewServer()
	defer fake.Close()
	paid := testOrder("ord_paid")
	paid.Status = buycard.OrderPaid
	bad := testOrder("ord_bad")
	bad.Total.Amount = 999
	unshipped := pricedOrder("ord_unshipped", "mer_1", "USD", 1250, 2, buycard.OrderPrice{Shipping: 450}, buyerAda, nil)
	overDiscounted := pricedOrder("ord_over", "mer_1", "USD", 1250, 2, buycard.OrderPrice{}, buyerAda, nil)
	overDiscounted.Discount = 2600
	for _, tt := range []struct {
		name    string
		enabled bool
		order   *buycard.Order
		code    string
	}{
		{"charges not enabled", false, testOrder("ord_1"), buycard.ECONFLICT},
		{"order not pending", true, paid, buycard.EPAYMENT},
		{"total is not the price's charge", true, bad, buycard.EINTERNAL},
		{"shipping without an address", true, unshipped, buycard.EINTERNAL},
		{"a discount above the subtotal", true, overDiscounted, buycard.EINTERNAL},
		{"Stripe Tax on prices that include tax", true, pricedOrder("ord_incl", "mer_stripe_incl", "EUR", 2500, 1, buycard.OrderPrice{}, buyerAda, nil), buycard.ECONFLICT},
		{"priced with own tax before Stripe Tax was on", true, pricedOrder("ord_twice", "mer_stripe", "USD", 2500, 1, buycard.OrderPrice{Tax: 222}, buyerAda, nil), buycard.ECONFLICT},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestProvider(t, fake.URL, func(c *Config) { c.MerchantAccount, c.MerchantSettings = merchantAccount(tt.enabled), settingsOf })
			_, err := p.CreatePaymentSession(context.Background(), tt.order)
			wantCode(t, err, tt.code)
		})
	}
	if n := fake.Requests(); n != 0 {
		t.Errorf("Stripe received %d requests, want 0", n)
	}
}

// TestCreateSessionFaults: one fault is retried into one session; faults
// on every attempt exhaust the retries with an error and no second
// session.
func TestCreateSessionFaults(t *testing.T) {
	faults := []struct {
		fault   stripetest.Fault
		unknown bool // whether the error after exhausting retries says the session may exist
	}{
		{stripetest.Fault500, true},
		{stripetest.Fault503, true},
		{stripetest.Fault429, false},
		{stripetest.Fault409, true},
		{stripetest.FaultHang, true},
		{stripetest.FaultLostResponse, true},
	}
	for _, tt := range faults {
		t.Run(tt.fault.String()+" once", func(t *testing.T) {
			fake := stripetest.NewServer()
			defer fake.Close()
			fake.Inject(tt.fault)
			p := newTestProvider(t, fake.URL, func(c *Config) { c.AttemptTimeout = 200 * time.Millisecond })
			s, err := p.CreatePaymentSession(context.Background(), testOrder("ord_f"))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(fake.Created(sessionsPath)); n != 1 {
				t.Errorf("sessions = %d, want 1", n)
			}
			if n := fake.Requests(); n != 2 {
				t.Errorf("requests = %d, want 2", n)
			}
			again, err := p.CreatePaymentSession(context.Background(), testOrder("ord_f"))
			if err != nil || again.ID != s.ID {
				t.Errorf("second call = %v, %v; want session %s", again, err, s.ID)
			}
		})
		t.Run(tt.fault.String()+" every attempt", func(t *testing.T) {
			fake := stripetest.NewServer()
			defer fake.Close()
			const retries = 3
			for range retries + 1 {
				fake.Inject(tt.fault)
			}
			p := newTestProvider(t, fake.URL, func(c *Config) { c.MaxRetries = retries; c.AttemptTimeout = 200 * time.Millisecond })
			start := time.Now()
			_, err := p.CreatePaymentSession(context.Background(), testOrder("ord_x"))
			wantCode(t, err, buycard.EPAYMENT)
			if got := OutcomeUnknown(err); got != tt.unknown {
				t.Errorf("OutcomeUnknown = %v, want %v (err: %v)", got, tt.unknown, err)
			}
			if n := fake.Requests(); n != retries+1 {
				t.Errorf("requests = %d, want %d", n, retries+1)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
			sessions := len(fake.Created(sessionsPath))
			if sessions > 1 {
				t.Errorf("sessions = %d, want at most 1", sessions)
			}
			// Later, the same order gets the one session there is.
			s, err := p.CreatePaymentSession(context.Background(), testOrder("ord_x"))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(fake.Created(sessionsPath)); n != 1 {
				t.Errorf("sessions after recovery = %d, want 1", n)
			}
			_ = s
		})
	}
}

// TestCreateSessionDeadline: Stripe hangs longer than the whole call may
// take; the call returns in time, says the outcome is unknown, and a later
// call gets the session.
func TestCreateSessionDeadline(t *testing.T) {
	fake := stripetest.NewServer()
	defer fake.Close()
	fake.Inject(stripetest.FaultHang)
	p := newTestProvider(t, fake.URL, func(c *Config) { c.Timeout = 400 * time.Millisecond; c.AttemptTimeout = 10 * time.Second })
	start := time.Now()
	_, err := p.CreatePaymentSession(context.Background(), testOrder("ord_slow"))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v, want about 400ms", d)
	}
	wantCode(t, err, buycard.EPAYMENT)
	if !OutcomeUnknown(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want outcome unknown and deadline exceeded", err)
	}
	if _, err := p.CreatePaymentSession(context.Background(), testOrder("ord_slow")); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Created(sessionsPath)); n != 1 {
		t.Errorf("sessions = %d, want 1", n)
	}
}

// TestCreateSessionLostResponse: Stripe creates the session but the reply
// is lost; the retry gets the same session.
func TestCreateSessionLostResponse(t *testing.T) {
	fake := stripetest.NewServer()
	defer fake.Close()
	fake.Inject(stripetest.FaultLostResponse)
	p := newTestProvider(t, fake.URL)
	s, err := p.CreatePaymentSession(context.Background(), testOrder("ord_lost"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Created(sessionsPath)); n != 1 {
		t.Fatalf("sessions = %d, want 1", n)
	}
	if want := "cs_test_fake000001"; s.ID != want {
		t.Errorf("session = %s, want the one created before the connection dropped (%s)", s.ID, want)
	}
}

func TestCreateSessionConcurrent(t *testing.T) {
	fake := stripetest.NewServer()
	defer fake.Close()
	fake.Delay = 100 * time.Millisecond
	p := newTestProvider(t, fake.URL, func(c *Config) { c.MaxRetries = 8; c.RetryBackoff = 20 * time.Millisecond })
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		ids = map[string]int{}
	)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := p.CreatePaymentSession(context.Background(), testOrder("ord_race"))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			ids[s.ID]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(ids) != 1 {
		t.Errorf("session ids = %v, want one", ids)
	}
	if n := len(fake.Created(sessionsPath)); n != 1 {
		t.Errorf("sessions created = %d, want 1", n)
	}
}

// TestCreateSessionKeyReuse: the same order with other parameters (here a
// changed locale) is refused by Stripe's idempotency layer; that is
// definite, not retried, and shown as a payment error.
func TestCreateSessionKeyReuse(t *testing.T) {
	fake := stripetest.NewServer()
	defer fake.Close()
	if _, err := newTestProvider(t, fake.URL).CreatePaymentSession(context.Background(), testOrder("ord_k")); err != nil {
		t.Fatal(err)
	}
	p := newTestProvider(t, fake.URL, func(c *Config) { c.Locale = "de" })
	_, err := p.CreatePaymentSession(context.Background(), testOrder("ord_k"))
	wantCode(t, err, buycard.EPAYMENT)
	if OutcomeUnknown(err) || fake.Requests() != 2 {
		t.Errorf("err = %v, requests = %d; want a definite error after one request", err, fake.Requests())
	}
}

func TestRefundAndTransferReplay(t *testing.T) {
	fake := stripetest.NewServer()
	defer fake.Close()
	p := newTestProvider(t, fake.URL)
	ctx := context.Background()
	fake.Inject(stripetest.FaultLostResponse)
	r, err := p.Refund(ctx, "pi_123", 500, "buycard-refund-ord_1-1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.Refund(ctx, "pi_123", 500, "buycard-refund-ord_1-1")
	if err != nil || again.ID != r.ID || len(fake.Created("/v1/refunds")) != 1 {
		t.Errorf("refund replay = %v, %v; refunds = %d", again, err, len(fake.Created("/v1/refunds")))
	}
	f := fake.Created("/v1/refunds")[0]
	if f.Get("refund_application_fee") != "true" || f.Get("reverse_transfer") != "true" || f.Get("payment_intent") != "pi_123" {
		t.Errorf("refund params = %v", f)
	}
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"refund without key", func() error { _, err := p.Refund(ctx, "pi_1", 1, ""); return err }()},
		{"refund of nothing", func() error { _, err := p.Refund(ctx, "pi_1", 0, "k"); return err }()},
		{"refund of a session", func() error { _, err := p.Refund(ctx, "cs_1", 1, "k"); return err }()},
	} {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, buycard.EINVALID) })
	}
}

func TestSessionPayment(t *testing.T) {
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	p := newTestProvider(t, fake.URL)
	ctx := context.Background()
	o := testOrder("ord_return")
	s, err := p.CreatePaymentSession(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := p.SessionPayment(ctx, s.ID); err != nil || ok {
		t.Fatalf("open session: ok %v, %v; want no payment yet", ok, err)
	}
	fake.PaySession(s.ID, "pi_return")
	e, ok, err := p.SessionPayment(ctx, s.ID)
	if err != nil || !ok {
		t.Fatalf("paid session: ok %v, %v", ok, err)
	}
	want := buycard.PaymentEvent{ID: "session_paid:" + s.ID, Provider: Name, Type: buycard.PaymentSucceeded,
		SessionID: s.ID, PaymentID: "pi_return", Amount: o.Total, OccurredAt: e.OccurredAt}
	if e != want {
		t.Errorf("event = %+v, want %+v", e, want)
	}
	if _, _, err := p.SessionPayment(ctx, "cs_test_unknown"); err == nil {
		t.Error("an unknown session must be an error")
	}
}

// TestExpireSession ends the sessions of released orders: an open one
// expires (once, however often the request is retried or repeated), an
// expired one is fine, and a complete one is being paid: ECONFLICT.
func TestExpireSession(t *testing.T) {
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	p := newTestProvider(t, fake.URL)
	ctx := context.Background()
	session := func(name string) *buycard.Order {
		o := testOrder(name)
		s, err := p.CreatePaymentSession(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		o.Provider, o.ProviderSessionID = Name, s.ID
		return o
	}
	open, lost, expired, paid := session("ord_open"), session("ord_lost"), session("ord_expired"), session("ord_paid")
	fake.ExpireSession(expired.ProviderSessionID)
	fake.PaySession(paid.ProviderSessionID, "pi_paid")
	tests := []struct {
		name   string
		order  *buycard.Order
		faults []stripetest.Fault
		code   string
		status string
	}{
		{"open", open, nil, "", "expired"},
		{"open, again", open, nil, "", "expired"},
		{"response lost, retried", lost, []stripetest.Fault{stripetest.FaultLostResponse}, "", "expired"},
		{"expired already", expired, nil, "", "expired"},
		{"paid", paid, nil, buycard.ECONFLICT, "complete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.Inject(tt.faults...)
			err := p.ExpireSession(ctx, tt.order)
			if tt.code == "" && err != nil {
				t.Fatal(err)
			}
			if tt.code != "" {
				wantCode(t, err, tt.code)
			}
			if got := fake.SessionStatus(tt.order.ProviderSessionID); got != tt.status {
				t.Errorf("session %s, want %s", got, tt.status)
			}
		})
	}
}

func TestSessionEventsSince(t *testing.T) {
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	p := newTestProvider(t, fake.URL)
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"ord_paid", "ord_expired", "ord_open"} {
		s, err := p.CreatePaymentSession(ctx, testOrder(name))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	fake.PaySession(ids[0], "pi_paid")
	fake.ExpireSession(ids[1])
	events, err := p.SessionEventsSince(ctx, testNow.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]buycard.PaymentEventType{}
	for _, e := range events {
		got[e.ID] = e.Type
	}
	want := map[string]buycard.PaymentEventType{"session_paid:" + ids[0]: buycard.PaymentSucceeded, "session_expired:" + ids[1]: buycard.SessionExpired}
	if len(got) != len(want) || got["session_paid:"+ids[0]] != want["session_paid:"+ids[0]] || got["session_expired:"+ids[1]] != want["session_expired:"+ids[1]] {
		t.Errorf("events = %v, want %v (the open session implies none)", got, want)
	}
}

func TestCheckoutLocale(t *testing.T) {
	for lang, want := range map[string]string{
		"fr": "fr", "fr-CA": "fr-CA", "fr-BE": "fr", "en-US": "en", "en-gb": "en-GB", "pt-BR": "pt-BR", "pt-PT": "pt",
		"zh-TW": "zh-TW", "es-419": "es-419", "es-MX": "es", "ja": "ja", "tlh": "", "": "",
	} {
		if got := CheckoutLocale(lang); got != want {
			t.Errorf("CheckoutLocale(%q) = %q, want %q", lang, got, want)
		}
	}
}
