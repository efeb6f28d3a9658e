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

	// After payment: Amount is what the event moves, ObjectID the
	// provider's refund or dispute id.
	PaymentRefunded PaymentEventType = "payment.refunded" // one full or partial refund
	DisputeOpened   PaymentEventType = "dispute.opened"   // the processor holds Amount
	DisputeWon      PaymentEventType = "dispute.won"      // the held Amount comes back
	DisputeLost     PaymentEventType = "dispute.lost"     // the held Amount goes to the shopper
)

// afterPayment reports whether t is about a paid order's money.
func (t PaymentEventType) afterPayment() bool {
	return t == PaymentRefunded || t == DisputeOpened || t == DisputeWon || t == DisputeLost
}

// PaymentEvent is a provider event translated to Buycard's terms. Stripe
// webhooks and the sandbox provider both produce these, and both go through
// OrderService.ApplyPaymentEvent.
type PaymentEvent struct {
	ID        string           // provider event id; unique per provider
	Provider  string           // "sandbox", "stripe"
	Type      PaymentEventType //
	SessionID string           // provider session the event is about
	// PaymentID is the provider's payment (Stripe: payment intent) id.
	// A payment event records it on the order; later events (refunds,
	// disputes) may name the order by it instead of SessionID.
	PaymentID string
	Amount    Money  // amount captured (PaymentSucceeded), refunded or disputed
	Message   string // shopper-safe decline reason (PaymentFailed)
	ObjectID  string // the provider's refund or dispute id (after payment)
	// Fee is the processor's fee on a payment, as the provider reports it;
	// zero when it reports none.
	Fee Money
	// At payment, what the provider collected or computed, when it did
	// (Stripe Checkout; the sandbox collects nothing): the payer and the
	// address the goods ship to as the shopper confirmed them, and the
	// tax the provider added to the order's total (Stripe Tax), nil when
	// it computed none. Order.Apply stores them on the order.
	Payer      *Buyer
	ShipTo     *Address
	Tax        *TaxQuote
	OccurredAt time.Time
}

// paymentEventTypes are the event types an order knows how to apply.
var paymentEventTypes = []PaymentEventType{PaymentSucceeded, PaymentFailed, SessionExpired,
	PaymentRefunded, DisputeOpened, DisputeWon, DisputeLost}

// Validate checks an event before a store looks for its order.
// Errors: EINVALID.
func (e *PaymentEvent) Validate() error {
	switch {
	case e.ID == "" || e.Provider == "" || e.SessionID == "" && e.PaymentID == "":
		return Errorf(EINVALID, "Payment event id, provider and session or payment id are required.")
	case e.OccurredAt.IsZero():
		return Errorf(EINVALID, "Payment event time is required.")
	case !slices.Contains(paymentEventTypes, e.Type):
		return Errorf(EINVALID, "Unknown payment event type %q.", e.Type)
	case e.Type.afterPayment() && e.ObjectID == "":
		return Errorf(EINVALID, "A %s event needs the provider's refund or dispute id.", e.Type)
	case e.Fee.Amount < 0 || e.Fee.Amount > 0 && e.Fee.Currency != e.Amount.Currency:
		return Errorf(EINVALID, "A processor fee must be positive, in the payment's currency.")
	case (e.Payer != nil || e.ShipTo != nil || e.Tax != nil) && e.Type != PaymentSucceeded:
		return Errorf(EINVALID, "Only a payment carries the payer, the address and the tax.")
	}
	return e.validateDetails()
}

// validateDetails checks the payer, address and tax a payment carries:
// normalized, and a tax of non-negative amounts whose part on shipping
// is at most the whole. Errors: EINVALID.
func (e *PaymentEvent) validateDetails() error {
	if e.Payer != nil {
		p := *e.Payer
		if err := p.Normalize(false); err != nil || p != *e.Payer {
			return Errorf(EINVALID, "The payer must be a normalized buyer.")
		}
	}
	if e.ShipTo != nil {
		a := *e.ShipTo
		if err := a.Normalize(); err != nil || a != *e.ShipTo {
			return Errorf(EINVALID, "The address must be a normalized address.")
		}
	}
	if t := e.Tax; t != nil && (t.Tax < 0 || t.OnShipping < 0 || t.OnShipping > t.Tax) {
		return Errorf(EINVALID, "The tax must be non-negative, its part on shipping at most the whole.")
	}
	return nil
}

// PaymentSession is what a provider returns when asked to collect payment
// for an order.
type PaymentSession struct {
	ID           string    `json:"id"`
	ClientSecret string    `json:"client_secret"`
	ExpiresAt    time.Time `json:"expires_at"`
	// URL is the provider's own payment page, for hosted sessions (the
	// popup checkout); empty for embedded ones.
	URL string `json:"url,omitempty"`
}

// PaymentSessionOptions say how the shopper pays in a session and where they come
// back to.
type PaymentSessionOptions struct {
	// Hosted asks for the provider's own payment page, shown in a window
	// of its own, instead of a form embedded in the overlay.
	Hosted bool
	// Origin is the publisher page's exact origin and Lang the shopper's
	// language. The return from the provider carries them to the receipt,
	// which tells that page (and only that origin) about the purchase.
	// Empty when unknown.
	Origin, Lang string
}

// PaymentProvider opens payment sessions. Its events reach the order
// through the same path whatever the provider.
type PaymentProvider interface {
	// Name is stored on the order ("sandbox", "stripe").
	Name() string
	// CreatePaymentSession opens a session for a pending order. Errors: EPAYMENT.
	CreatePaymentSession(ctx context.Context, o *Order) (*PaymentSession, error)
}
