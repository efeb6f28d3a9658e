package metrics

import (
	"errors"
	"testing"

	"github.com/buycard/buycard"
)

// Checkouts count created or refused by code; payment events by
// provider and type, a refund with its amount by currency; a label value
// outside its set counts as other; every series of a set is there at 0
// before its first event.
func TestSales(t *testing.T) {
	t.Parallel()
	m := New()
	m.Checkout(nil)
	m.Checkout(nil)
	m.Checkout(buycard.Errorf(buycard.ECONFLICT, "Sold out."))
	m.Checkout(errors.New("database gone"))
	m.Checkout(buycard.Errorf("made_up", "A code no one knows."))
	usd := func(typ buycard.PaymentEventType, provider string, amount int64) buycard.PaymentEvent {
		return buycard.PaymentEvent{Provider: provider, Type: typ, Amount: buycard.Money{Amount: amount, Currency: "USD"}}
	}
	m.PaymentApplied(usd(buycard.PaymentSucceeded, "stripe", 2400))
	m.PaymentApplied(usd(buycard.PaymentRefunded, "stripe", 600))
	m.PaymentApplied(usd(buycard.PaymentRefunded, "sandbox", 150))
	m.PaymentApplied(buycard.PaymentEvent{Provider: "sandbox", Type: buycard.PaymentRefunded, Amount: buycard.Money{Amount: 100, Currency: "JPY"}})
	m.PaymentApplied(usd("invented", "paypal", 1))
	wantSeries(t, scrape(t, m),
		`buycard_checkouts_created_total 2`,
		`buycard_checkouts_refused_total{code="conflict"} 1`,
		`buycard_checkouts_refused_total{code="internal"} 1`,
		`buycard_checkouts_refused_total{code="other"} 1`,
		`buycard_checkouts_refused_total{code="payment"} 0`,
		`buycard_payment_events_applied_total{event="payment.succeeded",provider="stripe"} 1`,
		`buycard_payment_events_applied_total{event="payment.refunded",provider="stripe"} 1`,
		`buycard_payment_events_applied_total{event="payment.refunded",provider="sandbox"} 2`,
		`buycard_payment_events_applied_total{event="payment.succeeded",provider="sandbox"} 0`,
		`buycard_payment_events_applied_total{event="other",provider="other"} 1`,
		`buycard_refunds_total{currency="USD"} 2`,
		`buycard_refunds_total{currency="JPY"} 1`,
		`buycard_refunded_minor_units_total{currency="USD"} 750`,
		`buycard_refunded_minor_units_total{currency="JPY"} 100`,
	)
}

func TestWebhookAttempts(t *testing.T) {
	t.Parallel()
	m := New()
	for _, o := range []WebhookOutcome{WebhookFailed, WebhookFailed, WebhookDelivered, WebhookGaveUp, -1, numWebhookOutcomes} {
		m.WebhookAttempt(o)
	}
	wantSeries(t, scrape(t, m),
		`buycard_webhook_attempts_total{outcome="delivered"} 1`,
		`buycard_webhook_attempts_total{outcome="failed"} 2`,
		`buycard_webhook_attempts_total{outcome="gave_up"} 1`,
	)
}
