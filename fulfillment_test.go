package buycard

import (
	"testing"
	"time"
)

func TestFulfillmentEdit(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	paid := &Order{Status: OrderPaid}
	status := func(s FulfillmentStatus) *FulfillmentStatus { return &s }
	text := func(s string) *string { return &s }
	tests := []struct {
		name    string
		order   *Order
		kind    ProductKind
		edit    FulfillmentEdit
		want    Fulfillment
		code    string
		message string
	}{
		{name: "ok", order: paid, kind: ProductPhysical,
			edit: FulfillmentEdit{Status: status(Fulfilled), Carrier: text(" DHL "), TrackingURL: text("https://dhl.example/t/1")},
			want: Fulfillment{Status: Fulfilled, Carrier: "DHL", TrackingURL: "https://dhl.example/t/1", FulfilledAt: &now}},
		{name: "no status yet reads unfulfilled", order: paid, kind: ProductPhysical,
			edit: FulfillmentEdit{TrackingNumber: text("42")}, want: Fulfillment{Status: Unfulfilled, TrackingNumber: "42"}},
		{name: "back to unfulfilled clears the time",
			order: &Order{Status: OrderPaid, Fulfillment: Fulfillment{Status: Fulfilled, FulfilledAt: &now}}, kind: ProductPhysical,
			edit: FulfillmentEdit{Status: status(Unfulfilled)}, want: Fulfillment{Status: Unfulfilled}},
		{name: "digital", order: paid, kind: ProductDigital, edit: FulfillmentEdit{Status: status(Fulfilled)},
			code: ECONFLICT, message: "This order has nothing to ship: only orders of physical products are fulfilled."},
		{name: "pending", order: &Order{Status: OrderPending}, kind: ProductPhysical, edit: FulfillmentEdit{Status: status(Fulfilled)},
			code: ECONFLICT, message: "This order is pending: only a paid order can be fulfilled."},
		{name: "unknown status", order: paid, kind: ProductPhysical, edit: FulfillmentEdit{Status: status("shipped")},
			code: EINVALID, message: "The status must be unfulfilled, partially_fulfilled or fulfilled."},
		{name: "http URL", order: paid, kind: ProductPhysical, edit: FulfillmentEdit{TrackingURL: text("http://dhl.example/t/1")},
			code: EINVALID, message: "The tracking URL must be an https:// link to the carrier's page."},
		{name: "script URL", order: paid, kind: ProductPhysical, edit: FulfillmentEdit{TrackingURL: text("javascript:alert(1)")},
			code: EINVALID, message: "The tracking URL must be an https:// link to the carrier's page."},
		{name: "control character", order: paid, kind: ProductPhysical, edit: FulfillmentEdit{Carrier: text("UPS\x00")},
			code: EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.edit.Apply(tt.order, tt.kind, now)
			if tt.code != "" {
				if ErrorCode(err) != tt.code || (tt.message != "" && ErrorMessage(err) != tt.message) {
					t.Fatalf("error = %v, want %s %q", err, tt.code, tt.message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.want.Status || got.Carrier != tt.want.Carrier || got.TrackingNumber != tt.want.TrackingNumber ||
				got.TrackingURL != tt.want.TrackingURL || (got.FulfilledAt == nil) != (tt.want.FulfilledAt == nil) ||
				(got.FulfilledAt != nil && !got.FulfilledAt.Equal(*tt.want.FulfilledAt)) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
