package metrics

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/buycard/buycard"
)

// sales are the series of the money's way: checkouts started or refused,
// payment events applied, refunds.
type sales struct {
	created  prometheus.Counter
	refused  *prometheus.CounterVec // code
	payments *prometheus.CounterVec // provider, event
	refunds  *prometheus.CounterVec // currency
	refunded *prometheus.CounterVec // currency
}

// Bounded label values: anything else counts as other.
var (
	errorCodes = []string{buycard.EINVALID, buycard.ENOTFOUND, buycard.ECONFLICT, buycard.EUNAUTHORIZED,
		buycard.EFORBIDDEN, buycard.EPAYMENT, buycard.ERATELIMIT, buycard.EUNAVAILABLE, buycard.EINTERNAL}
	providers    = []string{"sandbox", "stripe"}
	paymentTypes = []buycard.PaymentEventType{buycard.PaymentSucceeded, buycard.PaymentFailed, buycard.SessionExpired,
		buycard.PaymentRefunded, buycard.DisputeOpened, buycard.DisputeWon, buycard.DisputeLost}
)

func newSales(r *prometheus.Registry) sales {
	s := sales{
		created: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "buycard_checkouts_created_total",
			Help: "Checkouts started: an order created with its payment session open.",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "buycard_checkouts_refused_total",
			Help: "Checkouts refused, by error code (invalid, conflict: sold out, payment: the provider refused, internal…); " +
				"the rate limits' refusals are buycard_rate_limited_total.",
		}, []string{"code"}),
		payments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "buycard_payment_events_applied_total",
			Help: "Payment events that changed an order, by provider and event (payment.succeeded, payment.failed, " +
				"session.expired, payment.refunded, dispute.*); a replayed or redundant event counts nothing.",
		}, []string{"provider", "event"}),
		refunds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "buycard_refunds_total",
			Help: "Refunds applied to orders, by currency.",
		}, []string{"currency"}),
		refunded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "buycard_refunded_minor_units_total",
			Help: "Money refunded, in the currency's minor units (cents), by currency.",
		}, []string{"currency"}),
	}
	r.MustRegister(s.created, s.refused, s.payments, s.refunds, s.refunded)
	// Every series of a bounded set exists from the start, at 0, so that
	// a rate and an alert see its first event.
	for _, code := range errorCodes {
		s.refused.WithLabelValues(code)
	}
	for _, p := range providers {
		for _, typ := range paymentTypes {
			s.payments.WithLabelValues(p, string(typ))
		}
	}
	return s
}

// Checkout counts a checkout that was created (err nil) or refused with
// err, by its code.
func (m *Metrics) Checkout(err error) {
	switch {
	case m == nil:
	case err == nil:
		m.sales.created.Inc()
	default:
		m.sales.refused.WithLabelValues(bounded(buycard.ErrorCode(err), errorCodes)).Inc()
	}
}

// PaymentApplied counts e, a payment event that changed its order, once
// the change is stored; a refund also counts its amount.
func (m *Metrics) PaymentApplied(e buycard.PaymentEvent) {
	if m == nil {
		return
	}
	m.sales.payments.WithLabelValues(bounded(e.Provider, providers), bounded(e.Type, paymentTypes)).Inc()
	if e.Type != buycard.PaymentRefunded {
		return
	}
	currency := other
	if buycard.ValidCurrency(e.Amount.Currency) {
		currency = strings.Clone(e.Amount.Currency) // a series keeps it (see bounded)
	}
	m.sales.refunds.WithLabelValues(currency).Inc()
	m.sales.refunded.WithLabelValues(currency).Add(float64(e.Amount.Amount))
}

// WebhookOutcome is what became of one attempt at a webhook delivery.
type WebhookOutcome int

const (
	// WebhookDelivered: the endpoint answered 2xx.
	WebhookDelivered WebhookOutcome = iota
	// WebhookFailed: it did not, and the delivery will be tried again.
	WebhookFailed
	// WebhookGaveUp: it did not, for the last time: the attempts are
	// spent or the endpoint was disabled.
	WebhookGaveUp
	numWebhookOutcomes
)

var webhookOutcomes = [numWebhookOutcomes]string{"delivered", "failed", "gave_up"}

func newWebhookSeries(r *prometheus.Registry) [numWebhookOutcomes]prometheus.Counter {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "buycard_webhook_attempts_total",
		Help: "Attempts at merchants' and publishers' webhook deliveries, by outcome: delivered, failed (to be retried), " +
			"gave_up (the last attempt failed, or the endpoint was disabled).",
	}, []string{"outcome"})
	r.MustRegister(vec)
	var counters [numWebhookOutcomes]prometheus.Counter
	for i, name := range webhookOutcomes {
		counters[i] = vec.WithLabelValues(name)
	}
	return counters
}

// WebhookAttempt counts an attempt at a webhook delivery, once its
// outcome is recorded.
func (m *Metrics) WebhookAttempt(outcome WebhookOutcome) {
	if m == nil || outcome < 0 || outcome >= numWebhookOutcomes {
		return
	}
	m.webhooks[outcome].Inc()
}
