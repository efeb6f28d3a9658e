package buycard

import (
	"context"
	"time"
)

// OrderStatus is where an order is in its life.
type OrderStatus string

const (
	// OrderPending holds a stock reservation while the shopper pays.
	OrderPending OrderStatus = "pending"
	// OrderPaid is final for the checkout: the provider confirmed payment.
	OrderPaid OrderStatus = "paid"
	// OrderExpired means the payment session ran out; stock was released.
	OrderExpired OrderStatus = "expired"
	// OrderCanceled means the order was abandoned before a session existed
	// (for example the provider refused to open one); stock was released.
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

	ProductTitle      string `json:"product_title"`
	VariantName       string `json:"variant_name"`
	Quantity          int    `json:"quantity"`
	UnitPrice         Money  `json:"unit_price"`
	Total             Money  `json:"total"`
	PublisherShareBPS int    `json:"publisher_share_bps"`

	Provider          string `json:"provider,omitempty"`
	ProviderSessionID string `json:"-"`
	// PaymentError is the last decline message shown to the shopper.
	PaymentError string `json:"payment_error,omitempty"`

	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	PaidAt    *time.Time `json:"paid_at,omitempty"`
}

// NewOrder is what a checkout asks the store to create. The claims come
// from a verified placement token; the price is read from the store, never
// from the shopper.
type NewOrder struct {
	Claims    PlacementClaims
	VariantID string
	Quantity  int
	Now       time.Time
	ExpiresAt time.Time
}

// OrderService creates orders and moves them through their states.
type OrderService interface {
	// CreateOrder re-reads the product, checks the claims still match it
	// and that the merchant can take payments, validates variant and
	// quantity, reserves stock atomically and stores a pending order.
	// Errors: EINVALID (variant, quantity), ENOTFOUND (widget, product),
	// ECONFLICT (sold out, not enough stock, price changed, merchant cannot
	// take payments).
	CreateOrder(ctx context.Context, n NewOrder) (*Order, error)

	// AttachPaymentSession records the provider session opened for a
	// pending order. Errors: ENOTFOUND, ECONFLICT (order not pending or a
	// session already attached).
	AttachPaymentSession(ctx context.Context, orderID, provider, sessionID string) error

	// CancelOrder releases the reservation of a pending order that never
	// got a payment session. Errors: ENOTFOUND, ECONFLICT (not pending).
	CancelOrder(ctx context.Context, orderID string) error

	// FindOrder returns an order by id. Errors: ENOTFOUND.
	FindOrder(ctx context.Context, id string) (*Order, error)

	// ApplyPaymentEvent applies a provider event to the order owning its
	// session, in one transaction with the event's de-duplication record.
	// Replaying an event id returns the order unchanged. Errors: ENOTFOUND
	// (unknown session), EINVALID (amount or currency mismatch).
	ApplyPaymentEvent(ctx context.Context, e PaymentEvent) (*Order, error)

	// ExpiredOrders lists pending orders whose ExpiresAt is before t.
	ExpiredOrders(ctx context.Context, t time.Time) ([]*Order, error)
}
