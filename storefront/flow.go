package storefront

import (
	"errors"
	"strings"

	"github.com/buycard/buycard"
)

// step is where the shopper is in the checkout.
type step int

const (
	stepLoading step = iota // fetching the offer
	stepFailed              // the offer could not be loaded
	stepChoose              // variant, quantity and total
	stepDetails             // buyer, address, shipping, code: the running breakdown
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

	details Details
	// quote prices the details as the step shows them; nil before the
	// first answer. rateName is the shipping option to choose again when
	// the next quote lists it (Change from an order, which names it).
	quote    *Quote
	code     string // the code the quote priced in
	rateName string

	session    *checkoutSession // from stepPay on
	cardNumber string
	order      *buycard.Order // the paid order, in stepReceipt
	orderPage  string         // the link to its order page

	busy     bool   // a request is in flight
	err      string // inline error of the current step, or why loading failed
	errField string // the details field err is about, "" for the step
	retry    bool   // in stepFailed: trying again may work
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
	f.err = tr(f.lang, msgInvalidLink)
	if f.retry {
		f.err = tr(f.lang, msgUnreachable)
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

// resume shows an order made before the client ran: its receipt, with the
// link to its page, when it is paid, else the payment step of its session.
func (f *flow) resume(offer *buycard.Offer, o *buycard.Order, orderToken string, payment paymentSession, pageURL string) {
	f.start(offer)
	// Set directly: the order's variant may have sold out since.
	f.variantID, f.quantity = o.VariantID, o.Quantity
	if o.Status == buycard.OrderPaid {
		f.step, f.order, f.orderPage = stepReceipt, o, pageURL
		return
	}
	f.details, f.code, f.rateName = DetailsOf(o), o.DiscountCode, o.ShippingRateName
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
	if note := availabilityNote(f.offer.Availability, f.offer.HeldUntil, cardWordsFor(f.lang)); note != "" {
		return note
	}
	if v := f.variant(); v == nil || v.Available < 1 {
		return tr(f.lang, msgOptionSoldOut)
	}
	return ""
}

// begin marks a request as in flight. It returns false when one already
// is, so a double click sends nothing twice.
func (f *flow) begin() bool {
	if f.busy {
		return false
	}
	f.busy, f.err, f.errField = true, "", ""
	return true
}

// fail ends a request with err shown inline on the current step.
func (f *flow) fail(err error) {
	f.busy, f.err = false, userMessage(err, f.lang)
}

// toDetails moves on from the choose step, whose choice can be bought.
func (f *flow) toDetails() {
	if f.unavailableReason() == "" {
		f.step, f.err, f.errField = stepDetails, "", ""
		f.setDetails(f.details)
	}
}

// setDetails shows d, in the one country the offer ships to when d names
// none: the country select then has nothing else to choose.
func (f *flow) setDetails(d Details) {
	if c := f.offer.Checkout.ShipCountries; d.Country == "" && len(c) == 1 {
		d.Country = c[0]
	}
	f.details = d
}

// physical reports whether the offer ships, and so asks for an address.
func (f *flow) physical() bool {
	return f.offer.Checkout.Kind == buycard.ProductPhysical
}

// setDetail records what the shopper typed into a details field. A new
// country has other shipping options: the chosen one no longer applies.
func (f *flow) setDetail(name, value string) {
	if name == fieldCountry && value != f.details.Country {
		f.details.ShippingRateID = ""
	}
	f.details.Set(name, value)
	if name == f.errField {
		f.err, f.errField = "", ""
	}
}

// quoteRequest is the request pricing the details so far, with the code
// priced in last rather than the one in the code field.
func (f *flow) quoteRequest() CheckoutRequest {
	r := f.applyRequest()
	r.DiscountCode = f.code
	return r
}

// applyRequest prices the details with the code in the code field.
func (f *flow) applyRequest() CheckoutRequest {
	return f.details.Request(f.choice(), f.offer.Checkout, false)
}

func (f *flow) choice() CheckoutRequest {
	return CheckoutRequest{Token: f.offer.Token, VariantID: f.variantID, Quantity: f.quantity}
}

// quoted shows a quote's answer. It returns true when the quote should be
// asked again, for the shipping option the order had (see rateName).
func (f *flow) quoted(q *Quote, applying bool) (again bool) {
	f.quote, f.code = q, q.Price.DiscountCode
	if quoteAnswers(f.errField, applying) {
		f.err, f.errField = "", ""
	}
	f.details.ShippingRateID = q.ShippingRateID
	if f.rateName == "" {
		return false
	}
	id := q.RateNamed(f.rateName)
	if len(q.ShippingOptions) > 0 {
		f.rateName = ""
	}
	if id == "" || id == q.ShippingRateID {
		return false
	}
	f.details.ShippingRateID = id
	return true
}

// quoteAnswers reports whether a quote that priced answers the error about
// field name, which then goes: one about the address or shipping it
// priced or about the step as a whole, and the code's when the quote
// applied the code. An error about the buyer stays until the buyer's
// fields are checked again.
func quoteAnswers(name string, applying bool) bool {
	switch name {
	case "", fieldLine1, fieldLine2, fieldCity, fieldCountry, fieldRegion, fieldPostalCode, fieldRate:
		return true
	}
	return applying && name == FieldDiscountCode
}

// quoteFailed shows why the details could not be priced; applying says
// the code field was being applied, whose fault it then is. The
// breakdown stays as last priced. Quotes run beside the step's own
// request, so they leave busy alone.
func (f *flow) quoteFailed(err error, applying bool) {
	f.err, f.errField = userMessage(err, f.lang), ""
	if applying && buycard.ErrorCode(err) != buycard.EINTERNAL && !errors.Is(err, errUnreachable) {
		f.errField = FieldDiscountCode
	}
}

// needsQuote reports whether a change to field name changes the price:
// the shipping option, the country or region the tax depends on, or
// the address becoming complete (or no longer), which adds (or takes
// away) shipping.
func (f *flow) needsQuote(name string) bool {
	if name == fieldRate {
		return true
	}
	if !f.physical() || name == FieldDiscountCode {
		return false
	}
	complete := f.details.addressComplete()
	priced := f.quote != nil && len(f.quote.ShippingOptions) > 0
	return complete != priced || complete && (name == fieldCountry || name == fieldRegion)
}

// checkAddress ties what is wrong with the address to its field before
// shipping is priced; false when something is.
func (f *flow) checkAddress() bool {
	if e := f.details.CheckAddress(f.offer.Checkout, f.lang); e != nil {
		f.err, f.errField = e.Message, e.Field
		return false
	}
	return true
}

// checkoutRequest is the order to make of the details, or false (with
// the error tied to its field) when the details need fixing first.
func (f *flow) checkoutRequest() (CheckoutRequest, bool) {
	if e := f.details.Check(f.offer.Checkout, f.lang); e != nil {
		f.err, f.errField = e.Message, e.Field
		return CheckoutRequest{}, false
	}
	return f.details.Request(f.choice(), f.offer.Checkout, true), true
}

// checkoutStarted moves to the payment step with the new session.
func (f *flow) checkoutStarted(s *checkoutSession) {
	f.busy = false
	if !s.Payment.payable() {
		f.err = tr(f.lang, msgNoTestPayments)
		return
	}
	f.step, f.session, f.cardNumber = stepPay, s, ""
}

// change goes back from the payment step to the details, as they were
// typed, and returns the order to release.
func (f *flow) change() *checkoutSession {
	s := f.session
	f.step, f.session, f.busy, f.err, f.errField = stepDetails, nil, false, "", ""
	return s
}

// payRequest is the test payment to send, or false (with an inline error)
// when no card number was given.
func (f *flow) payRequest() (payRequest, bool) {
	number := strings.TrimSpace(f.cardNumber)
	if number == "" {
		f.err = tr(f.lang, msgNoCardNumber)
		return payRequest{}, false
	}
	return payRequest{ClientSecret: f.session.Payment.ClientSecret, CardNumber: number, Lang: f.lang}, true
}

// paid shows the receipt of the paid order, which links to its page.
func (f *flow) paid(o *buycard.Order, pageURL string) {
	f.busy, f.step, f.order, f.orderPage = false, stepReceipt, o, pageURL
}
