package buycard

import (
	"context"
	"strings"
	"time"
)

// FulfillmentStatus is how far the merchant has shipped a paid order of a
// physical product.
type FulfillmentStatus string

const (
	// Unfulfilled: nothing shipped yet. A paid physical order starts here.
	Unfulfilled FulfillmentStatus = "unfulfilled"
	// PartiallyFulfilled: some of the units shipped.
	PartiallyFulfilled FulfillmentStatus = "partially_fulfilled"
	// Fulfilled: every unit shipped.
	Fulfilled FulfillmentStatus = "fulfilled"
)

// Valid reports whether s is a known status.
func (s FulfillmentStatus) Valid() bool {
	return s == Unfulfilled || s == PartiallyFulfilled || s == Fulfilled
}

// The fields of a shipment the merchant types.
var (
	CarrierText        = TextField{Name: "The carrier", MaxLength: 60}
	TrackingNumberText = TextField{Name: "The tracking number", MaxLength: 100}
	TrackingURLText    = TextField{Name: "The tracking URL", MaxLength: 2048}
)

// Fulfillment is what the merchant recorded of an order's shipment. The
// zero value (no status) is an order with nothing to ship or not yet
// touched: a paid physical order without a status is unfulfilled.
type Fulfillment struct {
	Status         FulfillmentStatus `json:"status,omitempty"`
	Carrier        string            `json:"carrier,omitempty"`
	TrackingNumber string            `json:"tracking_number,omitempty"`
	// TrackingURL is an https link to the carrier's tracking page.
	TrackingURL string `json:"tracking_url,omitempty"`
	// FulfilledAt is when the status first became fulfilled; nil before,
	// and again if the merchant moves it back.
	FulfilledAt *time.Time `json:"fulfilled_at,omitempty"`
}

// FulfillmentEdit is a merchant's edit of an order's fulfilment, the one
// shape it has on both sides of the HTTP boundary: the body of PATCH
// /v1/merchant/orders/{id}/fulfillment, which the console's form sends
// too. A nil field leaves the value it edits; "" clears a text field.
type FulfillmentEdit struct {
	Status         *FulfillmentStatus `json:"status,omitempty"`
	Carrier        *string            `json:"carrier,omitempty"`
	TrackingNumber *string            `json:"tracking_number,omitempty"`
	TrackingURL    *string            `json:"tracking_url,omitempty"`
}

// Apply returns the fulfilment of o after the edit, at now, normalised and
// validated; kind is the kind of o's product. Only a paid order of a
// physical product has one. Errors: ECONFLICT (not paid, not physical),
// EINVALID (a field).
func (e *FulfillmentEdit) Apply(o *Order, kind ProductKind, now time.Time) (Fulfillment, error) {
	switch {
	case kind != ProductPhysical:
		return Fulfillment{}, Errorf(ECONFLICT, "This order has nothing to ship: only orders of physical products are fulfilled.")
	case o.Status != OrderPaid:
		return Fulfillment{}, Errorf(ECONFLICT, "This order is %s: only a paid order can be fulfilled.", o.Status)
	}
	f := o.Fulfillment
	if f.Status == "" {
		f.Status = Unfulfilled
	}
	set(&f.Status, e.Status)
	set(&f.Carrier, e.Carrier)
	set(&f.TrackingNumber, e.TrackingNumber)
	set(&f.TrackingURL, e.TrackingURL)
	f.Carrier, f.TrackingNumber, f.TrackingURL = strings.TrimSpace(f.Carrier), strings.TrimSpace(f.TrackingNumber), strings.TrimSpace(f.TrackingURL)
	switch {
	case f.Status != Fulfilled:
		f.FulfilledAt = nil
	case f.FulfilledAt == nil:
		at := now.UTC()
		f.FulfilledAt = &at
	}
	return f, f.Validate()
}

// Validate checks a normalised fulfilment. Errors: EINVALID.
func (f *Fulfillment) Validate() error {
	if !f.Status.Valid() {
		return Errorf(EINVALID, "The status must be unfulfilled, partially_fulfilled or fulfilled.")
	}
	for _, t := range []struct {
		field TextField
		text  string
	}{{CarrierText, f.Carrier}, {TrackingNumberText, f.TrackingNumber}, {TrackingURLText, f.TrackingURL}} {
		if err := t.field.Check(t.text); err != nil {
			return err
		}
	}
	if f.TrackingURL != "" && !isHTTPSURL(f.TrackingURL) {
		return Errorf(EINVALID, "The tracking URL must be an https:// link to the carrier's page.")
	}
	return nil
}

// FulfillmentService records how merchants ship their orders.
type FulfillmentService interface {
	// UpdateFulfillment applies e to merchantID's order orderID at now
	// (see FulfillmentEdit.Apply) and returns the order. Errors:
	// ENOTFOUND (no such order of the merchant), ECONFLICT (not paid, not
	// a physical product), EINVALID.
	UpdateFulfillment(ctx context.Context, merchantID, orderID string, e FulfillmentEdit, now time.Time) (*Order, error)
	// UnfulfilledOrders lists merchantID's paid orders of physical
	// products not yet fulfilled (unfulfilled or partially), oldest
	// first: the ones to pack.
	UnfulfilledOrders(ctx context.Context, merchantID string) ([]*Order, error)
}
