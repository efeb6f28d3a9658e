package buycard

import (
	"context"
	"encoding/json"
	"time"
)

// EventType names something that happened that someone is told about:
// by email, and by webhook to the endpoints that subscribed to it.
type EventType string

// The events merchants and publishers may subscribe their webhook
// endpoints to.
const (
	EventOrderPaid      EventType = "order.paid"
	EventOrderRefunded  EventType = "order.refunded"
	EventOrderFulfilled EventType = "order.fulfilled"
	EventOrderCanceled  EventType = "order.canceled"
	EventLowStock       EventType = "product.low_stock"
	EventPayoutPaid     EventType = "payout.paid"
	EventShareChanged   EventType = "share.changed"
	// EventTest is the event a console's "send test event" delivers to
	// one endpoint.
	EventTest EventType = "test.webhook"
)

// Account events are told by email only: no webhook carries them.
const (
	// EventPasswordReset: someone asked for a password link for a user.
	EventPasswordReset EventType = "user.password_reset"
	// EventSignUp: someone signed up with an email address, new or not.
	EventSignUp EventType = "user.sign_up"
	// EventEndpointDisabled: a party's webhook endpoint failed for
	// WebhookDisableAfter and was disabled; its users are emailed.
	EventEndpointDisabled EventType = "webhook.endpoint_disabled"
)

// EventAPIVersion is the version of the shape of the events' data,
// carried in every webhook body: a change that breaks a receiver gets a
// new version.
const EventAPIVersion = "2026-12-01"

// Event is something that happened, recorded in the transaction of the
// change itself, so that it is told once the change commits and never if
// it does not.
type Event struct {
	ID        string    `json:"id"` // "evt_…", stable across retries
	Type      EventType `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	// PartyKind and PartyID are the merchant or publisher whose endpoints
	// receive it; empty for account events.
	PartyKind string `json:"-"`
	PartyID   string `json:"-"`
	// OrderID or UserID is what it is about, where it is about one.
	OrderID string `json:"-"`
	UserID  string `json:"-"`
	// Data is what webhooks carry, as it was when the event happened:
	// {"order": …} for order events.
	Data json.RawMessage `json:"data"`
}

// OrderEventData is the data of an order event.
type OrderEventData struct {
	Order *Order `json:"order"`
	// Refund is the amount the refund of an order.refunded event gave
	// back, in the order's currency.
	Refund *Money `json:"refund,omitempty"`
}

// NewEventID returns the id of an event recorded at t: "evt_", t in
// milliseconds in 9 characters, and 11 random ones (55 bits). Ids sort as
// their events' times, so that the store keeps events in time order by
// their id alone: a relay takes them oldest first, and the cleanup finds
// the old ones by EventIDAt, without an index of their own.
func NewEventID(t time.Time) string { return EventIDAt(t) + randomString(11) }

// EventIDAt is the start of the ids of the events recorded in the
// millisecond of t: the id of every event recorded earlier is smaller.
func EventIDAt(t time.Time) string {
	ms := uint64(max(t.UnixMilli(), 0))
	b := make([]byte, 9) // 45 bits: until the year 3084
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = idAlphabet[ms&31]
		ms >>= 5
	}
	return "evt_" + string(b)
}

// NewOrderEvent returns the event typ of o, as it is now, owned by its
// merchant.
func NewOrderEvent(typ EventType, o *Order, refund *Money) (*Event, error) {
	data, err := json.Marshal(OrderEventData{Order: o, Refund: refund})
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	return &Event{
		ID: NewEventID(now), Type: typ, CreatedAt: now,
		PartyKind: PartyMerchant, PartyID: o.MerchantID, OrderID: o.ID, Data: data,
	}, nil
}

// EventService reads the events recorded with the changes they tell of.
type EventService interface {
	// FindEvent returns an event. Errors: ENOTFOUND.
	FindEvent(ctx context.Context, id string) (*Event, error)
	// PartyUsers returns the ids of the users who act for a merchant or
	// publisher, oldest first.
	PartyUsers(ctx context.Context, partyKind, partyID string) ([]string, error)
	// DeleteOldEvents deletes the events recorded before t whose
	// deliveries are all done, with those deliveries, and returns how
	// many events it deleted.
	DeleteOldEvents(ctx context.Context, t time.Time) (int64, error)
}

// EventRetention is how long events and their webhook deliveries are
// kept: how far back a party may look at its deliveries and resend one.
const EventRetention = 30 * 24 * time.Hour

// OrderEventAfter is the event a change of o from status before tells
// of, payment is the type of the provider's event that changed it ("" for
// none); "" when the change is none the events name.
func OrderEventAfter(before OrderStatus, o *Order, payment PaymentEventType) EventType {
	switch {
	case payment == PaymentRefunded:
		return EventOrderRefunded
	case o.Status == OrderPaid && before != OrderPaid:
		return EventOrderPaid
	case before == OrderPending && (o.Status == OrderExpired || o.Status == OrderCanceled):
		return EventOrderCanceled
	}
	return ""
}

// PayoutEventData is the data of a payout.paid event: money moved to the
// publisher (a transfer into its Stripe account, or a sandbox payout).
type PayoutEventData struct {
	Payout struct {
		ID      string `json:"id"`
		OrderID string `json:"order_id,omitempty"` // the sale a Stripe transfer pays the share of
		Amount  Money  `json:"amount"`
	} `json:"payout"`
}

// ShareChange is the data of a share.changed event: the share of sales a
// publisher earns from a merchant, before and after, for sales from now
// on. WidgetID names the widget whose share changed; empty, the
// publisher's contract with the merchant, which covers all its widgets.
type ShareChange struct {
	MerchantID   string `json:"merchant_id"`
	MerchantName string `json:"merchant_name"`
	WidgetID     string `json:"widget_id,omitempty"`
	ProductTitle string `json:"product_title,omitempty"`
	// BeforeBPS is nil when a first contract replaces each widget's own
	// share.
	BeforeBPS *int `json:"share_bps_before"`
	ShareBPS  int  `json:"share_bps"`
	// KeptUntil is set when the share went down: the publisher's
	// placements that earned more keep what they earned until then
	// (ShareNotice), and share_bps applies to their sales after it.
	KeptUntil *time.Time `json:"kept_until,omitempty"`
}

// LowStockThreshold is the stock at or below which a variant's sale
// tells its merchant (product.low_stock), once until it is restocked
// above it.
const LowStockThreshold = 5

// LowStock is the data of a product.low_stock event.
type LowStock struct {
	Product struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"product"`
	Variant struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Stock int    `json:"stock"`
	} `json:"variant"`
	Threshold int `json:"threshold"`
}
