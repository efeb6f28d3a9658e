package buycard

import (
	"context"
	"slices"
	"time"
)

// PaymentEventType names what happened at the payment provider.
type PaymentEventType string

const (
	PaymentSucceeded PaymentEventType = "payment.succeeded"
	PaymentFailed    PaymentEventType = "payment.failed"
	SessionExpired   PaymentEventType = "session.expired"
)

// PaymentEvent is a provider event translated to Buycard's terms. Stripe
// webhooks and the sandbox provider both produce these, and both go through
// OrderService.ApplyPaymentEvent.
type PaymentEvent struct {
	ID         string           // provider event id; unique per provider
	Provider   string           // "sandbox", "stripe"
	Type       PaymentEventType //
	SessionID  string           // provider session the event is about
	Amount     Money            // amount captured (PaymentSucceeded)
	Message    string           // shopper-safe decline reason (PaymentFailed)
	OccurredAt time.Time
}

// paymentEventTypes are the event types an order knows how to apply.
var paymentEventTypes = []PaymentEventType{PaymentSucceeded, PaymentFailed, SessionExpired}

// Validate checks an event before a store looks for its order.
// Errors: EINVALID.
func (e *PaymentEvent) Validate() error {
	switch {
	case e.ID == "" || e.Provider == "" || e.SessionID == "":
		return Errorf(EINVALID, "Payment event id, provider and session id are required.")
	case e.OccurredAt.IsZero():
		return Errorf(EINVALID, "Payment event time is required.")
	case !slices.Contains(paymentEventTypes, e.Type):
		return Errorf(EINVALID, "Unknown payment event type %q.", e.Type)
	}
	return nil
}

// PaymentSession is what a provider returns when asked to collect payment
// for an order.
type PaymentSession struct {
	ID           string    `json:"id"`
	ClientSecret string    `json:"client_secret"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// PaymentProvider opens payment sessions. Its events reach the order
// through the same path whatever the provider.
type PaymentProvider interface {
	// Name is stored on the order ("sandbox", "stripe").
	Name() string
	// CreateSession opens a session for a pending order. Errors: EPAYMENT.
	CreateSession(ctx context.Context, o *Order) (*PaymentSession, error)
}
