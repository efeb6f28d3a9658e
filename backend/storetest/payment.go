package storetest

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// declined is the message of every PaymentFailed event in the suite.
const declined = "Your card was declined."

// openOrder creates an order for quantity units of the variant at index
// variant, with a sandbox payment session.
func openOrder(t *testing.T, s Store, f Fixture, variant, quantity int) *buycard.Order {
	t.Helper()
	o, err := s.CreateOrder(t.Context(), f.NewOrder(variant, quantity))
	must(t, err)
	attachSession(t, s, o)
	return o
}

// attachSession attaches a fresh sandbox session to o.
func attachSession(t *testing.T, s Store, o *buycard.Order) {
	t.Helper()
	o.Provider, o.ProviderSessionID = "sandbox", buycard.NewID("cs")
	must(t, s.AttachPaymentSession(t.Context(), o.ID, o.Provider, o.ProviderSessionID))
}

// payOrder attaches a session to o and pays it.
func payOrder(t *testing.T, s Store, o *buycard.Order) {
	t.Helper()
	attachSession(t, s, o)
	_, err := s.ApplyPaymentEvent(t.Context(), event(o, buycard.PaymentSucceeded))
	must(t, err)
}

// event is a new provider event of type typ about o's session, for the
// order's total.
func event(o *buycard.Order, typ buycard.PaymentEventType) buycard.PaymentEvent {
	e := buycard.PaymentEvent{
		ID:         buycard.NewID("evt"),
		Provider:   o.Provider,
		Type:       typ,
		SessionID:  o.ProviderSessionID,
		Amount:     o.Total,
		OccurredAt: time.Now().UTC().Truncate(time.Microsecond),
	}
	if typ == buycard.PaymentFailed {
		e.Message = declined
	}
	return e
}

// applyEvent applies e and checks that the order returned is the one
// stored.
func applyEvent(t *testing.T, s Store, e buycard.PaymentEvent) *buycard.Order {
	t.Helper()
	o, err := s.ApplyPaymentEvent(t.Context(), e)
	must(t, err)
	stored, err := s.FindOrder(t.Context(), o.ID)
	must(t, err)
	wantEqual(t, "stored order", stored, o)
	return o
}

// testPaymentEvents applies sequences of events to an order for 2 of the
// 10 units in stock.
func testPaymentEvents(t *testing.T, s Store) {
	const (
		paid, failed, expired = buycard.PaymentSucceeded, buycard.PaymentFailed, buycard.SessionExpired
	)
	tests := []struct {
		name         string
		events       []buycard.PaymentEventType
		status       buycard.OrderStatus
		paymentError string
		stock        int
	}{
		{"paid", []buycard.PaymentEventType{paid}, buycard.OrderPaid, "", 8},
		{"failed keeps pending", []buycard.PaymentEventType{failed}, buycard.OrderPending, declined, 8},
		{"paid after a failure", []buycard.PaymentEventType{failed, paid}, buycard.OrderPaid, "", 8},
		{"expired releases stock", []buycard.PaymentEventType{expired}, buycard.OrderExpired, "", 10},
		{"paid after expiry takes stock again", []buycard.PaymentEventType{expired, paid}, buycard.OrderPaid, "", 8},
		{"expired after paid", []buycard.PaymentEventType{paid, expired}, buycard.OrderPaid, "", 8},
		{"failed after paid", []buycard.PaymentEventType{paid, failed}, buycard.OrderPaid, "", 8},
		{"paid by two events", []buycard.PaymentEventType{paid, paid}, buycard.OrderPaid, "", 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Seed(t, s)
			o := openOrder(t, s, f, 0, 2)
			var firstPaid *time.Time
			for i, typ := range tt.events {
				e := event(o, typ)
				e.OccurredAt = e.OccurredAt.Add(time.Duration(i) * time.Second)
				if typ == paid && firstPaid == nil {
					firstPaid = &e.OccurredAt
				}
				o = applyEvent(t, s, e)
			}
			if o.Status != tt.status || o.PaymentError != tt.paymentError {
				t.Errorf("status %q, payment error %q; want %q, %q", o.Status, o.PaymentError, tt.status, tt.paymentError)
			}
			wantEqual(t, "PaidAt", o.PaidAt, firstPaid)
			if stock := f.Stock(t, s, 0); stock != tt.stock {
				t.Errorf("stock = %d, want %d", stock, tt.stock)
			}
		})
	}
}

// testPaymentEventReplayed applies events twice: the second time changes
// nothing.
func testPaymentEventReplayed(t *testing.T, s Store) {
	for _, typ := range []buycard.PaymentEventType{buycard.PaymentSucceeded, buycard.SessionExpired} {
		t.Run(string(typ), func(t *testing.T) {
			f := Seed(t, s)
			o := openOrder(t, s, f, 0, 2)
			e := event(o, typ)
			first := applyEvent(t, s, e)
			stock := f.Stock(t, s, 0)
			e.OccurredAt = e.OccurredAt.Add(time.Minute)
			wantEqual(t, "replayed", applyEvent(t, s, e), first)
			if got := f.Stock(t, s, 0); got != stock {
				t.Errorf("stock = %d after the replay, want %d", got, stock)
			}
		})
	}
	t.Run("failure after a later failure", func(t *testing.T) {
		o := openOrder(t, s, Seed(t, s), 0, 1)
		first, second := event(o, buycard.PaymentFailed), event(o, buycard.PaymentFailed)
		second.Message = "Insufficient funds."
		applyEvent(t, s, first)
		latest := applyEvent(t, s, second)
		wantEqual(t, "replayed", applyEvent(t, s, first), latest)
	})
}

// testPaidAfterStockWasSoldAgain pays an expired order whose units were
// sold to someone else meanwhile: the order is paid and oversold, stock
// stays at zero.
func testPaidAfterStockWasSoldAgain(t *testing.T, s Store) {
	f := Seed(t, s)
	first := openOrder(t, s, f, 1, 3)
	applyEvent(t, s, event(first, buycard.SessionExpired))
	openOrder(t, s, f, 1, 3)
	o := applyEvent(t, s, event(first, buycard.PaymentSucceeded))
	if o.Status != buycard.OrderPaid || o.Oversold != 3 {
		t.Errorf("status %q, oversold %d: want paid, 3 oversold", o.Status, o.Oversold)
	}
	if stock := f.Stock(t, s, 1); stock != 0 {
		t.Errorf("stock = %d, want 0", stock)
	}
}

// testPaymentEventRejected checks that a bad event changes nothing, not
// even the record of its id: the corrected event then applies. A payment
// that is not the total only flags the order with what was taken
// (MismatchedPayment), for a refund; the flag stays.
func testPaymentEventRejected(t *testing.T, s Store) {
	f := Seed(t, s)
	o := openOrder(t, s, f, 0, 2)
	good := event(o, buycard.PaymentSucceeded)
	tests := []struct {
		name          string
		edit          func(e *buycard.PaymentEvent)
		code, message string
		flagged       bool
	}{
		{"wrong amount", func(e *buycard.PaymentEvent) { e.Amount.Amount-- },
			buycard.EINVALID, "The amount paid does not match the order total.", true},
		{"wrong currency", func(e *buycard.PaymentEvent) { e.Amount.Currency = "EUR" },
			buycard.EINVALID, "The amount paid does not match the order total.", true},
		{"unknown session", func(e *buycard.PaymentEvent) { e.SessionID = "cs_unknown" },
			buycard.ENOTFOUND, `No order has payment session "cs_unknown".`, false},
		{"session of another provider", func(e *buycard.PaymentEvent) { e.Provider = "stripe" },
			buycard.ENOTFOUND, `No order has payment session "` + o.ProviderSessionID + `".`, false},
		{"unknown type", func(e *buycard.PaymentEvent) { e.Type = "payment.maybe" },
			buycard.EINVALID, `Unknown payment event type "payment.maybe".`, false},
		{"no event id", func(e *buycard.PaymentEvent) { e.ID = "" },
			buycard.EINVALID, "Payment event id, provider and session or payment id are required.", false},
		{"no time", func(e *buycard.PaymentEvent) { e.OccurredAt = time.Time{} },
			buycard.EINVALID, "Payment event time is required.", false},
	}
	want := *o
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good
			tt.edit(&e)
			got, err := s.ApplyPaymentEvent(t.Context(), e)
			wantError(t, err, tt.code, tt.message)
			if got != nil {
				t.Errorf("order %+v, want nil", got)
			}
			if tt.flagged {
				want.MismatchedPayment = e.Amount
			}
			stored, err := s.FindOrder(t.Context(), o.ID)
			must(t, err)
			wantEqual(t, "order", stored, &want)
			if stock := f.Stock(t, s, 0); stock != 8 {
				t.Errorf("stock = %d, want 8", stock)
			}
		})
	}
	if paid := applyEvent(t, s, good); paid.Status != buycard.OrderPaid {
		t.Errorf("status %q after the corrected event, want paid", paid.Status)
	}
}
