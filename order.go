package buycard

import (
	"cmp"
	"context"
	"strings"
	"time"
)

// OrderStatus is where an order is in its life.
type OrderStatus string

const (
	// OrderPending waits for payment, holding its units while the
	// checkout is open (see hold.go).
	OrderPending OrderStatus = "pending"
	// OrderPaid is final for the checkout: the provider confirmed payment.
	OrderPaid OrderStatus = "paid"
	// OrderExpired means the payment session ran out; stock was released.
	OrderExpired OrderStatus = "expired"
	// OrderCanceled means the shopper left the checkout, or the order was
	// abandoned before a session existed (the provider refused to open
	// one); stock was released.
	OrderCanceled OrderStatus = "canceled"
)

// Order is one purchase attempt through a placement. Prices, names and the
// publisher share are snapshots taken when the order is created, so later
// catalog changes never alter a past order.
type Order struct {
	ID     string      `json:"id"`     // "ord_…"
	Number string      `json:"number"` // shown to shoppers: "BC-7F3K-92QD"
	Status OrderStatus `json:"status"`

	WidgetID    string `json:"widget_id"`
	ProductID   string `json:"product_id"`
	VariantID   string `json:"variant_id"`
	MerchantID  string `json:"merchant_id"`
	PublisherID string `json:"publisher_id,omitempty"`
	PlacementID string `json:"placement_id,omitempty"`

	ProductTitle string `json:"product_title"`
	VariantName  string `json:"variant_name"`
	Quantity     int    `json:"quantity"`
	UnitPrice    Money  `json:"unit_price"`
	// Total is the amount charged; OrderPrice says how it is made up.
	Total Money `json:"total"`
	OrderPrice
	PublisherShareBPS int `json:"publisher_share_bps"`
	// PlatformFeeBPS and PlatformFeeFixed (minor units of Total's
	// currency) are the operator's fee when the order was created.
	PlatformFeeBPS   int   `json:"platform_fee_bps"`
	PlatformFeeFixed int64 `json:"platform_fee_fixed"`

	// After payment, in minor units of Total's currency: what refunds gave
	// back, what an open dispute holds, and what lost disputes took.
	Refunded    int64 `json:"refunded,omitempty"`
	DisputeHeld int64 `json:"dispute_held,omitempty"`
	DisputeLost int64 `json:"dispute_lost,omitempty"`

	Provider          string `json:"provider,omitempty"`
	ProviderSessionID string `json:"-"`
	ProviderPaymentID string `json:"-"` // the provider's payment id, once paid
	// PaymentError is the last decline message shown to the shopper.
	PaymentError string `json:"payment_error,omitempty"`
	// MismatchedPayment is a payment the provider reported that is not
	// the order's total (a tampered or mispriced session): it did not pay
	// the order and nothing was posted, but the shopper's money was taken,
	// for the merchant or the operator to refund. Zero otherwise.
	MismatchedPayment Money `json:"mismatched_payment,omitzero"`

	// HeldUntil is when the units a pending order holds go back on sale
	// unless the checkout renews the hold; nil when it holds none (see
	// hold.go). HoldNetwork is the client network holding them, kept only
	// while it does, for the per-network cap.
	HeldUntil   *time.Time `json:"held_until,omitempty"`
	HoldNetwork string     `json:"-"`
	// Oversold is how many units a payment could not take from stock: its
	// hold had ended and others bought them meanwhile, or (a product that
	// delivers license keys) the pool had no key left for them. The
	// merchant restocks or refunds them.
	Oversold int `json:"oversold,omitempty"`

	// Buyer and ShipTo are who paid and where a physical order ships;
	// nil on orders from checkouts that did not ask. They are the buyer's
	// personal data: only the order's merchant sees them.
	Buyer  *Buyer   `json:"buyer,omitempty"`
	ShipTo *Address `json:"ship_to,omitempty"`
	// Fulfillment is the merchant's shipment of a paid physical order.
	Fulfillment Fulfillment `json:"fulfillment,omitzero"`
	// Lang is the language the shopper checked out in, which the receipt
	// email and the order page speak: a base language subtag ("de") the
	// checkout chose (NewOrder.Lang); "" on orders from before it did
	// and from tools, which read in English.
	Lang string `json:"lang,omitempty"`

	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	PaidAt    *time.Time `json:"paid_at,omitempty"`
}

// NewOrder is what a checkout asks the store to create. The claims come
// from a verified placement token; the price is read from the store, never
// from the shopper.
type NewOrder struct {
	// ID is the order's id, "" for a new one: a checkout that opens its
	// payment session before it stores the order (PrepareOrder) names it
	// first, so that the session and the order agree.
	ID        string
	Claims    PlacementClaims
	VariantID string
	Quantity  int
	Now       time.Time
	ExpiresAt time.Time
	// HeldUntil is when the order's hold on its units ends unless renewed:
	// ExpiresAt when zero or later.
	HeldUntil time.Time
	// ClientNetwork is the shopper's network (an IPv4 address, an IPv6
	// /64), which may hold at most HoldCap of a variant. Empty (tools,
	// tests) is not capped; the API always names it.
	ClientNetwork string
	// PlatformFee is the operator's fee, snapshotted on the order.
	PlatformFee PlatformFee
	// Contract is the merchant's contract with the publisher of Claims,
	// nil when there is none. Its share replaces the widget's.
	Contract *PublisherContract
	// Notices are the share notices of the credited placement: a share
	// one keeps at the order's creation replaces a lower one.
	Notices []ShareNotice
	// Pricing prices the order (Card.Quote): CreateOrder reads it from the
	// store in its transaction, whatever the caller set.
	Pricing Pricing
	// ShippingRateID is the shipping option the shopper chose, which a
	// physical product with a buyer requires among the options for ShipTo.
	ShippingRateID string
	// DiscountCode is the code the shopper typed, "" for none. CreateOrder
	// takes one use of it with the order.
	DiscountCode string
	// Session is the payment session opened for the order PrepareOrder
	// priced, which CreateOrder stores with the order; nil when the
	// session is to be attached later (AttachPaymentSession).
	Session *PreparedSession
	// Sandbox says the sandbox takes the payment: it has no Stripe Tax,
	// so merchants taxing with Stripe are taxed at their own rates.
	Sandbox bool
	// Buyer and ShipTo are what the shopper entered, normalised by
	// Card.Order. Checkouts always name a buyer (the API requires one);
	// tools and tests may not, and an order without a buyer has no
	// address, so no shipping either. With a buyer, a physical product
	// requires ShipTo and any other kind refuses one.
	Buyer  *Buyer
	ShipTo *Address
	// Lang is the shopper's language as the checkout chose it from the
	// languages it speaks (storefront.Language); anything else that is
	// not a language subtag is dropped.
	Lang string
}

// checkBuyer normalises and validates the buyer and ship-to of a new order
// of p, as NewOrder describes, with a phone when the merchant asks for one
// (MerchantSettings.AskPhone). Errors: EINVALID.
func (n *NewOrder) checkBuyer(p *Product) error {
	if n.Buyer == nil {
		if n.ShipTo != nil {
			return Errorf(EINVALID, "Enter your name and email.")
		}
		return nil
	}
	buyer := *n.Buyer
	if err := buyer.Normalize(n.Pricing.Settings != nil && n.Pricing.Settings.AskPhone); err != nil {
		return err
	}
	n.Buyer = &buyer
	switch {
	case p.Kind == ProductPhysical && n.ShipTo == nil:
		return Errorf(EINVALID, "Enter the address to ship to.")
	case p.Kind != ProductPhysical && n.ShipTo != nil:
		return Errorf(EINVALID, "This product is not shipped: it needs no address.")
	case n.ShipTo == nil:
		return nil
	}
	to := *n.ShipTo
	if err := to.Normalize(); err != nil {
		return err
	}
	n.ShipTo = &to
	return nil
}

// Credited is the placement the order credits: the one owning the code
// the shopper used (see CodeOwner), else the one the shopper came
// through. The store loads n.Contract for its publisher.
func (n NewOrder) Credited() PlacementClaims {
	claims := n.Claims
	if owner := n.Pricing.CodeOwner; owner != nil && n.DiscountCode != "" {
		claims.PublisherID, claims.PlacementID = owner.PublisherID, owner.PlacementID
	}
	return claims
}

// publisherShareBPS is the publisher's share the new order created at
// t snapshots: the contract's, else that of the widget carrying the
// credited placement (w's, unless a code's placement is credited),
// unless a notice of the placement keeps a higher one at t.
func (n NewOrder) publisherShareBPS(w *Widget, t time.Time) int {
	bps, _ := EffectiveShare(n.baseShareBPS(w), n.Notices, t)
	return bps
}

// baseShareBPS is the share of the contract or widget publisherShareBPS
// starts from.
func (n NewOrder) baseShareBPS(w *Widget) int {
	switch owner := n.Pricing.CodeOwner; {
	case n.Contract != nil:
		return n.Contract.ShareBPS
	case owner != nil && n.DiscountCode != "":
		return owner.WidgetShareBPS
	}
	return w.PublisherShareBPS
}

// OrderService creates orders and moves them through their states.
type OrderService interface {
	HoldService

	// CreateOrder re-reads the product, checks the claims still match it
	// and that the merchant can take payments, validates variant,
	// quantity, buyer and address, prices the order (Card.Order, with
	// the merchant's settings, zones, rates and code read in the same
	// transaction), holds the units atomically (within the network's
	// cap), stores a pending order and takes a use of its code. Errors:
	// EINVALID (variant, quantity, buyer, address, shipping, code),
	// ENOTFOUND (widget, product, code), ECONFLICT (sold out, not enough
	// stock, over the network's cap, price changed, merchant cannot take
	// payments, code ended or used up, the buyer's uses of it are up;
	// n.Session's order charges otherwise, as when the price changed).
	// With n.Session the order is stored with its payment session.
	CreateOrder(ctx context.Context, n NewOrder) (*Order, error)

	// PrepareOrder returns the order CreateOrder would create for n (its
	// id n.ID), writing and holding nothing, for a payment session to be
	// opened for it before it is stored (NewOrder.Session). Errors: as
	// CreateOrder, but for stock, which only CreateOrder holds.
	PrepareOrder(ctx context.Context, n NewOrder) (*Order, error)

	// QuoteOrder prices n as CreateOrder would (Card.Quote, with the
	// store's Pricing), writing nothing and holding nothing. Errors: as
	// Card.Quote, ENOTFOUND (widget, product).
	QuoteOrder(ctx context.Context, n NewOrder) (*CheckoutQuote, error)

	// AttachPaymentSession records the provider session opened for a
	// pending order. Errors: ENOTFOUND, ECONFLICT (order not pending or a
	// session already attached).
	AttachPaymentSession(ctx context.Context, orderID, provider, sessionID string) error

	// CancelOrder cancels a pending order, with or without a payment
	// session, and puts the units it holds back on sale; an order that is
	// no longer pending is left as it is. A payment that arrives after all
	// still pays it (see Order.Apply). Errors: ENOTFOUND.
	CancelOrder(ctx context.Context, orderID string) error

	// FindOrder returns an order by id. Errors: ENOTFOUND.
	FindOrder(ctx context.Context, id string) (*Order, error)

	// ApplyPaymentEvent applies a provider event to the order owning its
	// session, in one transaction with the event's de-duplication record.
	// Replaying an event id returns the order unchanged. Errors: ENOTFOUND
	// (unknown session), EINVALID (amount or currency mismatch).
	ApplyPaymentEvent(ctx context.Context, e PaymentEvent) (*Order, error)

	// FindPaymentOrder returns the order of a provider's payment session,
	// or of its payment when sessionID is empty: the order an event of
	// the provider is about, if it is ours. Errors: ENOTFOUND.
	FindPaymentOrder(ctx context.Context, provider, sessionID, paymentID string) (*Order, error)

	// FindRefund returns the refund caller made under key. Errors:
	// ENOTFOUND.
	FindRefund(ctx context.Context, caller, key string) (*Refund, error)

	// ApplyRefund applies e, the provider's report of the refund req
	// asked for, as ApplyPaymentEvent does, and records req with its
	// result in the same transaction. When req's key is taken (by the
	// caller, or on req's order by another caller) nothing is applied
	// and the refund holding the key is returned, for the caller to
	// compare with req (Refund.CheckSameRequest). Errors: as
	// ApplyPaymentEvent.
	ApplyRefund(ctx context.Context, req RefundRequest, e PaymentEvent) (*Refund, error)

	// ExpiredOrders lists pending orders whose ExpiresAt is before t.
	ExpiredOrders(ctx context.Context, t time.Time) ([]*Order, error)
}

// PreparedSession is a payment session a provider opened for an order
// PrepareOrder priced, before the order was stored.
type PreparedSession struct {
	Provider string
	ID       string
	// Order is the order the session charges for, as PrepareOrder
	// returned it. CreateOrder stores the session only with an order of
	// the same charge (Order.SameCharge): a price, share or fee that
	// changed in between is refused, and the session is left unused.
	Order *Order
}

// SameCharge reports whether o and p charge the shopper the same for
// the same thing and split it the same: what a payment session opened
// for p takes and pays out is right for o.
func (o *Order) SameCharge(p *Order) bool {
	type charge struct {
		id, merchant, publisher, placement, variant, title, variantName string
		quantity                                                        int
		unit, total                                                     Money
		price                                                           OrderPrice
		shareBPS, feeBPS                                                int
		feeFixed                                                        int64
	}
	of := func(o *Order) charge {
		return charge{o.ID, o.MerchantID, o.PublisherID, o.PlacementID, o.VariantID, o.ProductTitle, o.VariantName,
			o.Quantity, o.UnitPrice, o.Total, o.OrderPrice, o.PublisherShareBPS, o.PlatformFeeBPS, o.PlatformFeeFixed}
	}
	return of(o) == of(p)
}

// StaleCardMessage tells a shopper that the placement token no longer
// matches the catalog (the widget, product or placement is gone or
// changed).
const StaleCardMessage = "This card is out of date. Reload the page."

// CheckClaims checks that the claims of a placement token still describe
// the card. Errors: EINVALID (another product), ECONFLICT (merchant
// cannot take payments, price changed).
func (c *Card) CheckClaims(claims PlacementClaims) error {
	switch {
	case c.Product.ID != claims.ProductID:
		return Errorf(EINVALID, StaleCardMessage)
	case !c.Merchant.ChargesEnabled:
		return Errorf(ECONFLICT, "This merchant cannot take payments right now.")
	case c.Product.PriceVersion != claims.PriceVersion:
		return Errorf(ECONFLICT, "The price changed. Review the new price and try again.")
	}
	return nil
}

// Order prices the pending order n asks for from the card (Quote, with
// a buyer's ShipTo required for a physical product and its shipping rate
// chosen), and returns it with the variant bought, whose stock the store
// is to hold for it until n.HeldUntil (n.ExpiresAt at the latest). A
// placement-owned code credits its placement (n.Credited). The order has
// a fresh id but no number; its times are in UTC, CreatedAt being n.Now or
// now. Errors: as CheckClaims and Quote, EINVALID (buyer, address).
func (c *Card) Order(n NewOrder) (*Order, *Variant, error) {
	if err := c.CheckClaims(n.Claims); err != nil {
		return nil, nil, err
	}
	p := &c.Product
	v, subtotal, err := c.subtotal(n)
	if err != nil {
		return nil, nil, err
	}
	if err := p.CheckLicenseKeys(n.Quantity); err != nil {
		return nil, nil, err
	}
	if err := n.checkBuyer(p); err != nil {
		return nil, nil, err
	}
	q, err := c.price(n, subtotal, n.ShipTo, n.Buyer != nil)
	if err != nil {
		return nil, nil, err
	}
	price := q.Price
	credited := n.Credited()
	created := n.Now
	if created.IsZero() {
		created = time.Now()
	}
	held := n.heldUntil()
	o := &Order{
		ID:           cmp.Or(n.ID, NewID("ord")),
		Status:       OrderPending,
		WidgetID:     c.Widget.ID,
		ProductID:    p.ID,
		VariantID:    v.ID,
		MerchantID:   c.Merchant.ID,
		PublisherID:  credited.PublisherID,
		PlacementID:  credited.PlacementID,
		ProductTitle: p.Title,
		VariantName:  v.Name,
		Quantity:     n.Quantity,
		UnitPrice:    Money{Amount: v.Price, Currency: p.Currency},
		Total:        Money{Amount: price.Charge(), Currency: p.Currency},
		OrderPrice:   price,
		CreatedAt:    created.UTC(),
		ExpiresAt:    n.ExpiresAt.UTC(),
		HeldUntil:    &held,
		HoldNetwork:  n.ClientNetwork,
		Buyer:        n.Buyer,
		ShipTo:       n.ShipTo,
		Lang:         n.lang(),
	}
	o.PlatformFeeBPS, o.PlatformFeeFixed = n.PlatformFee.BPS, n.PlatformFee.Fixed[p.Currency]
	if err := o.setPublisherShare(n.publisherShareBPS(&c.Widget, o.CreatedAt)); err != nil {
		return nil, nil, err
	}
	return o, v, nil
}

// lang is n.Lang when it is a base language subtag, else "".
func (n NewOrder) lang() string {
	if len(n.Lang) < 2 || len(n.Lang) > 3 || strings.Trim(n.Lang, "abcdefghijklmnopqrstuvwxyz") != "" {
		return ""
	}
	return n.Lang
}

// heldUntil is when the new order's hold ends: HeldUntil, or ExpiresAt
// when that is zero or later.
func (n NewOrder) heldUntil() time.Time {
	if n.HeldUntil.IsZero() || n.HeldUntil.After(n.ExpiresAt) {
		return holdTime(n.ExpiresAt)
	}
	return holdTime(n.HeldUntil)
}

// setPublisherShare snapshots the publisher's share on a new order: the
// widget's, or the merchant's contract with the publisher. A sale no
// publisher made shares nothing. Errors: ECONFLICT (the platform fee and
// the share together exceed 100%).
func (o *Order) setPublisherShare(bps int) error {
	if o.PublisherID == "" {
		bps = 0
	}
	if o.PlatformFeeBPS+bps > BPSDenominator {
		return Errorf(ECONFLICT, "This product cannot be sold now: its commission rates exceed 100%%.")
	}
	o.PublisherShareBPS = bps
	return nil
}

// Reversed is what refunds and lost disputes took back of the payment.
func (o *Order) Reversed() int64 { return o.Refunded + o.DisputeLost }

// Refundable is what a refund of the paid order may still give back:
// what is left of the payment, less what a dispute holds.
func (o *Order) Refundable() int64 {
	return max(0, o.Total.Amount-o.Reversed()-o.DisputeHeld)
}

// CheckRefund checks that amount can be refunded now: the order is paid and
// the amount is positive and at most what is left of the payment, less
// what an open dispute holds. Errors: ECONFLICT, EINVALID.
func (o *Order) CheckRefund(amount int64) error {
	switch {
	case o.Status != OrderPaid:
		return Errorf(ECONFLICT, "This order is %s: only a paid order can be refunded or disputed.", o.Status)
	case amount <= 0:
		return Errorf(EINVALID, "The amount must be positive, in the order's currency.")
	case amount > o.Refundable():
		return Errorf(EINVALID, "The refund exceeds what is left of the payment.")
	}
	return nil
}

// applyAfterPayment applies a refund or a dispute event to a paid order.
// Errors: ECONFLICT (not paid, a second open dispute), EINVALID (amount).
func (o *Order) applyAfterPayment(e PaymentEvent) error {
	amount := e.Amount.Amount
	left := o.Total.Amount - o.Reversed()
	switch {
	case o.Status != OrderPaid:
		return Errorf(ECONFLICT, "This order is %s: only a paid order can be refunded or disputed.", o.Status)
	case e.Amount.Currency != o.Total.Currency || amount <= 0:
		return Errorf(EINVALID, "The amount must be positive, in the order's currency.")
	}
	switch e.Type {
	case PaymentRefunded:
		if err := o.CheckRefund(amount); err != nil {
			return err
		}
		o.Refunded += amount
	case DisputeOpened:
		if o.DisputeHeld != 0 {
			return Errorf(ECONFLICT, "This order already has an open dispute.")
		}
		if amount > left {
			return Errorf(EINVALID, "The dispute exceeds what is left of the payment.")
		}
		o.DisputeHeld = amount
	default: // DisputeWon, DisputeLost
		if o.DisputeHeld != amount {
			return Errorf(EINVALID, "The dispute's outcome does not match the open dispute.")
		}
		o.DisputeHeld = 0
		if e.Type == DisputeLost {
			o.DisputeLost += amount
		}
	}
	return nil
}

// CheckOpen checks that o is pending without a payment session, as
// attaching a session or canceling requires. Errors: ECONFLICT.
func (o *Order) CheckOpen() error {
	switch {
	case o.Status != OrderPending:
		return Errorf(ECONFLICT, "This order is %s, not pending.", o.Status)
	case o.ProviderSessionID != "":
		return Errorf(ECONFLICT, "This order already has a payment session.")
	}
	return nil
}

// Apply moves o as the payment event e says. It returns the units to put
// back on the stock of the order's variant (negative: to take off again)
// and whether o changed, which the store then saves. Events that do not
// fit the order's state leave it as it is, except a payment: an order
// that no longer holds its units (it expired, was canceled, or its hold
// lapsed) is paid all the same, for the money was taken, and takes its
// units again; the store records those it cannot take as Oversold.
// Errors: EINVALID (the amount paid is not the total, see pay).
func (o *Order) Apply(e PaymentEvent) (stock int, changed bool, err error) {
	if e.Type.afterPayment() {
		return 0, true, o.applyAfterPayment(e)
	}
	switch {
	case e.Type == PaymentSucceeded:
		return o.pay(e)
	case o.Status != OrderPending:
		return 0, false, nil
	case e.Type == PaymentFailed:
		o.PaymentError = e.Message
		return 0, true, nil
	}
	o.Status = OrderExpired
	return o.endHold(), true, nil
}

// pay applies payment e to o. A paid order stays as it is (the same
// payment reported again, by another event). The amount must be the
// total, or with a tax the provider computed (e.Tax, Stripe Tax) the
// total plus that tax, which only an order without tax of its own takes:
// the tax becomes the order's, and the total grows by it, before the
// sale's journal is built from the order. The payer and the address the
// provider reports are stored as takeContact says. Errors: EINVALID (the
// amount is not the total, ErrPaymentMismatch; nothing changes).
func (o *Order) pay(e PaymentEvent) (stock int, changed bool, err error) {
	if o.Status == OrderPaid {
		if e.Amount != o.Total {
			return 0, false, ErrPaymentMismatch
		}
		return 0, false, nil
	}
	price, total, err := o.priceWith(e.Tax)
	if err != nil {
		return 0, false, err
	}
	if e.Amount != total {
		return 0, false, ErrPaymentMismatch
	}
	o.OrderPrice, o.Total = price, total
	o.takeContact(e.Payer, e.ShipTo, e.Tax != nil)
	if e.PaymentID != "" {
		o.ProviderPaymentID = e.PaymentID
	}
	paidAt := e.OccurredAt.UTC()
	o.Status, o.PaidAt, o.PaymentError = OrderPaid, &paidAt, ""
	// The units held are the sale; those not held must be taken.
	return o.endHold() - o.Quantity, true, nil
}

// ErrPaymentMismatch is Apply's error for a payment that is not the
// order's total. The store then flags the order (FlagMismatch).
var ErrPaymentMismatch = Errorf(EINVALID, "The amount paid does not match the order total.")

// FlagMismatch records on a pending order the payment e that Apply
// refused with ErrPaymentMismatch, as MismatchedPayment, and reports
// whether o changed. A paid order is not flagged: its payment is the
// one that counts, and a second report of it is not money taken twice.
func (o *Order) FlagMismatch(e PaymentEvent) bool {
	if o.Status != OrderPending || e.Type != PaymentSucceeded || o.MismatchedPayment == e.Amount {
		return false
	}
	o.MismatchedPayment = e.Amount
	return true
}

// priceWith is o's price and total with the tax t a provider computed;
// o's own when t is nil. Errors: EINVALID (o has tax of its own, or t
// does not fit the price).
func (o *Order) priceWith(t *TaxQuote) (OrderPrice, Money, error) {
	p := o.OrderPrice
	if t == nil {
		return p, o.Total, nil
	}
	if p.Tax != 0 || p.TaxInclusive {
		return p, o.Total, Errorf(EINVALID, "The payment adds tax to an order that has its own.")
	}
	p.Tax, p.TaxOnShipping = t.Tax, t.OnShipping
	return p, Money{Amount: p.Charge(), Currency: o.Total.Currency}, p.Validate(o.Total.Currency)
}

// takeContact stores who paid and where the goods go as the provider
// reports them. The checkout's buyer is who the shopper said they are:
// the payer only fills in what it lacks (an order whose checkout asked
// nothing, a phone the payment page asked for). The provider's address,
// which the shopper confirmed or corrected at payment, replaces the
// checkout's when the order ships and the price stays right: in the same
// country (shipping was priced for it), and in a country with Regions the
// same region unless the provider computed the tax itself (taxProvided),
// since Buycard's own tax rates differ by region there.
func (o *Order) takeContact(payer *Buyer, to *Address, taxProvided bool) {
	switch {
	case payer == nil:
	case o.Buyer == nil:
		b := *payer
		o.Buyer = &b
	case o.Buyer.Phone == "" && payer.Phone != "":
		b := *o.Buyer
		b.Phone = payer.Phone
		o.Buyer = &b
	}
	if to == nil || o.ShipTo == nil || to.Country != o.ShipTo.Country {
		return
	}
	if _, byRegion := Regions[to.Country]; taxProvided || !byRegion || to.Region == o.ShipTo.Region {
		a := *to
		o.ShipTo = &a
	}
}
