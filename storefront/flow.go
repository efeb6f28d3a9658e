package storefront

import (
	"errors"
	"strings"

	"github.com/buycard/buycard"
)

// Messages the checkout shows that do not come from the API.
const (
	msgInvalidLink    = "This checkout link is no longer valid. Close and try again."
	msgNoCardNumber   = "Enter a card number, or use one of the test cards."
	msgNoTestPayments = "Card payments are not available in this checkout yet."
	msgOptionSoldOut  = "This option is sold out."
)

// step is where the shopper is in the checkout.
type step int

const (
	stepLoading step = iota // fetching the offer
	stepFailed              // the offer could not be loaded
	stepChoose              // variant, quantity and total
	stepPay                 // sandbox test payment, or Stripe's embedded checkout
	stepReceipt             // paid
)

// flow is the checkout's state machine. It knows nothing of go-app, so
// the rules are tested on their own; the checkout component renders it
// and feeds it events.
type flow struct {
	step  step
	lang  string
	offer *buycard.Offer

	variantID string
	quantity  int

	session    *checkoutSession // from stepPay on
	cardNumber string
	order      *buycard.Order // the paid order, in stepReceipt

	busy  bool   // a request is in flight
	err   string // inline error of the current step, or why loading failed
	retry bool   // in stepFailed: trying again may work
}

func newFlow(lang string) flow {
	return flow{step: stepLoading, lang: langOrDefault(lang)}
}

// load starts over, waiting for an offer.
func (f *flow) load() {
	*f = newFlow(f.lang)
	f.busy = true
}

// loadFailed records why the offer could not be loaded.
func (f *flow) loadFailed(err error) {
	f.step, f.busy = stepFailed, false
	f.retry = errors.Is(err, errUnreachable)
	f.err = msgInvalidLink
	if f.retry {
		f.err = msgUnreachable
	}
}

// start shows offer from the choose step, with its default variant and a
// quantity of 1.
func (f *flow) start(offer *buycard.Offer) {
	*f = newFlow(f.lang)
	f.step, f.offer, f.quantity = stepChoose, offer, 1
	if v := offer.DefaultVariant(); v != nil {
		f.variantID = v.ID
	}
}

// resume shows an order made before the client ran: its receipt when it
// is paid, else the payment step of its session.
func (f *flow) resume(offer *buycard.Offer, o *buycard.Order, orderToken string, payment paymentSession) {
	f.start(offer)
	// Set directly: the order's variant may have sold out since.
	f.variantID, f.quantity = o.VariantID, o.Quantity
	if o.Status == buycard.OrderPaid {
		f.step, f.order = stepReceipt, o
		return
	}
	f.step = stepPay
	f.session = &checkoutSession{Order: *o, OrderToken: orderToken, Payment: payment}
}

// Payment providers the overlay can pay with (docs/contracts.md).
const (
	providerSandbox = "sandbox"
	providerStripe  = "stripe"
)

// payable reports whether the overlay can pay a session: the sandbox's
// test cards, or Stripe's embedded checkout, which needs the publishable
// key besides the client secret.
func (p paymentSession) payable() bool {
	switch p.Provider {
	case providerSandbox:
		return true
	case providerStripe:
		return p.PublishableKey != "" && p.ClientSecret != ""
	}
	return false
}

func (f *flow) variant() *buycard.OfferVariant {
	return f.offer.Variant(f.variantID)
}

// maxQuantity is the most the shopper may pick for the chosen variant.
func (f *flow) maxQuantity() int {
	if v := f.variant(); v != nil {
		return max(v.Available, 1)
	}
	return 1
}

// selectVariant chooses a variant in stock; others are ignored.
func (f *flow) selectVariant(id string) {
	if v := f.offer.Variant(id); v != nil && v.Available > 0 {
		f.variantID, f.err = id, ""
		f.setQuantity(f.quantity)
	}
}

// setQuantity sets the quantity, clamped to 1..maxQuantity.
func (f *flow) setQuantity(q int) {
	f.quantity = min(max(q, 1), f.maxQuantity())
}

// totalText is the formatted price of the current choice, or "" when the
// choice cannot be bought.
func (f *flow) totalText() string {
	total, err := f.offer.Total(f.variantID, f.quantity)
	if err != nil {
		return ""
	}
	return total.Format(f.lang)
}

// unavailableReason says why the choice cannot be bought, or "".
func (f *flow) unavailableReason() string {
	if note := availabilityNote(f.offer.Availability, f.offer.HeldUntil); note != "" {
		return note
	}
	if v := f.variant(); v == nil || v.Available < 1 {
		return msgOptionSoldOut
	}
	return ""
}

// begin marks a request as in flight. It returns false when one already
// is, so a double click sends nothing twice.
func (f *flow) begin() bool {
	if f.busy {
		return false
	}
	f.busy, f.err = true, ""
	return true
}

// fail ends a request with err shown inline on the current step.
func (f *flow) fail(err error) {
	f.busy, f.err = false, userMessage(err)
}

func (f *flow) checkoutRequest() checkoutRequest {
	return checkoutRequest{Token: f.offer.Token, VariantID: f.variantID, Quantity: f.quantity}
}

// checkoutStarted moves to the payment step with the new session.
func (f *flow) checkoutStarted(s *checkoutSession) {
	f.busy = false
	if !s.Payment.payable() {
		f.err = msgNoTestPayments
		return
	}
	f.step, f.session, f.cardNumber = stepPay, s, ""
}

// payRequest is the test payment to send, or false (with an inline error)
// when no card number was given.
func (f *flow) payRequest() (payRequest, bool) {
	number := strings.TrimSpace(f.cardNumber)
	if number == "" {
		f.err = msgNoCardNumber
		return payRequest{}, false
	}
	return payRequest{ClientSecret: f.session.Payment.ClientSecret, CardNumber: number}, true
}

// paid shows the receipt of the paid order.
func (f *flow) paid(o *buycard.Order) {
	f.busy, f.step, f.order = false, stepReceipt, o
}
