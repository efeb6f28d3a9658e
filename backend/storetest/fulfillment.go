package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// physicalOrder seeds a physical product and creates an order of it by a
// buyer, shipping to a US address.
func physicalOrder(t *testing.T, s Store) (Fixture, *buycard.Order) {
	t.Helper()
	f := Seed(t, s, func(f *Fixture) { f.Product.Kind = buycard.ProductPhysical })
	n := f.NewOrder(0, 2)
	n.Buyer = &buycard.Buyer{Email: " Ada@Example.com ", Name: "Ada Lovelace", Phone: "+1 212 555 0100"}
	n.ShipTo = &buycard.Address{Name: "Ada Lovelace", Line1: "1 Main St", Line2: "Apt 2", City: "Springfield",
		Region: "il", PostalCode: "62701", Country: "us"}
	n.ShippingRateID = shipsTo(t, s, f, "US")
	o, err := s.CreateOrder(t.Context(), n)
	must(t, err)
	return f, o
}

// testBuyerAndShipTo stores the buyer and address a new order names,
// normalised, and reads them back; an order without them has neither.
func testBuyerAndShipTo(t *testing.T, s Store) {
	_, o := physicalOrder(t, s)
	wantEqual(t, "buyer", o.Buyer, &buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace", Phone: "+12125550100"})
	wantEqual(t, "ship to", o.ShipTo, &buycard.Address{Name: "Ada Lovelace", Line1: "1 Main St", Line2: "Apt 2",
		City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"})
	stored, err := s.FindOrder(t.Context(), o.ID)
	must(t, err)
	wantEqual(t, "stored order", stored, o)

	plain := Seed(t, s)
	o, err = s.CreateOrder(t.Context(), plain.NewOrder(0, 1))
	must(t, err)
	stored, err = s.FindOrder(t.Context(), o.ID)
	must(t, err)
	if stored.Buyer != nil || stored.ShipTo != nil || stored.Fulfillment != (buycard.Fulfillment{}) {
		t.Fatalf("order without buyer: buyer %v, ship to %v, fulfillment %+v", stored.Buyer, stored.ShipTo, stored.Fulfillment)
	}
}

// testFulfillment records a paid physical order's shipment step by step,
// and lists it as unfulfilled until it is fulfilled.
func testFulfillment(t *testing.T, s Store) {
	ctx := t.Context()
	f, o := physicalOrder(t, s)
	payOrder(t, s, o)
	unfulfilled := func(want ...string) {
		t.Helper()
		list, err := s.UnfulfilledOrders(ctx, f.Merchant.ID)
		must(t, err)
		wantEqual(t, "unfulfilled orders", fmt.Sprint(orderIDs(list)), fmt.Sprint(want))
	}
	unfulfilled(o.ID)

	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	partly, carrier, number := buycard.PartiallyFulfilled, " UPS ", "1Z999"
	got, err := s.UpdateFulfillment(ctx, f.Merchant.ID, o.ID, buycard.FulfillmentEdit{Status: &partly, Carrier: &carrier, TrackingNumber: &number}, now)
	must(t, err)
	wantEqual(t, "partly", got.Fulfillment, buycard.Fulfillment{Status: buycard.PartiallyFulfilled, Carrier: "UPS", TrackingNumber: "1Z999"})
	unfulfilled(o.ID)

	done, link := buycard.Fulfilled, "https://www.ups.com/track?tracknum=1Z999"
	got, err = s.UpdateFulfillment(ctx, f.Merchant.ID, o.ID, buycard.FulfillmentEdit{Status: &done, TrackingURL: &link}, now)
	must(t, err)
	wantEqual(t, "fulfilled", got.Fulfillment, buycard.Fulfillment{Status: buycard.Fulfilled, Carrier: "UPS",
		TrackingNumber: "1Z999", TrackingURL: link, FulfilledAt: &now})
	stored, err := s.FindOrder(ctx, o.ID)
	must(t, err)
	wantEqual(t, "stored fulfillment", stored.Fulfillment, got.Fulfillment)
	unfulfilled()

	// A later edit keeps the first fulfilment time.
	empty := ""
	got, err = s.UpdateFulfillment(ctx, f.Merchant.ID, o.ID, buycard.FulfillmentEdit{Carrier: &empty}, now.Add(time.Hour))
	must(t, err)
	wantEqual(t, "fulfilled at", got.Fulfillment.FulfilledAt, &now)
}

// testFulfillmentRejected refuses another merchant's order, an unpaid
// one, one that ships nothing and a bad field, writing nothing.
func testFulfillmentRejected(t *testing.T, s Store) {
	ctx := t.Context()
	f, o := physicalOrder(t, s)
	done, badURL := buycard.Fulfilled, "http://tracking.example.com/1"
	edit := buycard.FulfillmentEdit{Status: &done}
	_, err := s.UpdateFulfillment(ctx, f.Merchant.ID, o.ID, edit, time.Now())
	wantCode(t, "unpaid", err, buycard.ECONFLICT)
	payOrder(t, s, o)
	other := Seed(t, s)
	_, err = s.UpdateFulfillment(ctx, other.Merchant.ID, o.ID, edit, time.Now())
	wantCode(t, "another merchant's", err, buycard.ENOTFOUND)
	_, err = s.UpdateFulfillment(ctx, f.Merchant.ID, "ord_missing", edit, time.Now())
	wantCode(t, "unknown", err, buycard.ENOTFOUND)
	_, err = s.UpdateFulfillment(ctx, f.Merchant.ID, o.ID, buycard.FulfillmentEdit{Status: &done, TrackingURL: &badURL}, time.Now())
	wantCode(t, "http URL", err, buycard.EINVALID)
	bogus := buycard.FulfillmentStatus("lost")
	_, err = s.UpdateFulfillment(ctx, f.Merchant.ID, o.ID, buycard.FulfillmentEdit{Status: &bogus}, time.Now())
	wantCode(t, "unknown status", err, buycard.EINVALID)
	stored, err := s.FindOrder(ctx, o.ID)
	must(t, err)
	wantEqual(t, "fulfillment after refusals", stored.Fulfillment, buycard.Fulfillment{})

	service, err := s.CreateOrder(ctx, other.NewOrder(0, 1))
	must(t, err)
	payOrder(t, s, service)
	_, err = s.UpdateFulfillment(ctx, other.Merchant.ID, service.ID, edit, time.Now())
	wantCode(t, "service", err, buycard.ECONFLICT)
	list, err := s.UnfulfilledOrders(ctx, other.Merchant.ID)
	must(t, err)
	wantEqual(t, "nothing to ship", list, []*buycard.Order{})

	n := f.NewOrder(0, 1)
	n.Buyer = &buycard.Buyer{Email: "ada@example.com", Name: "Ada"}
	_, err = s.CreateOrder(ctx, n)
	wantCode(t, "physical without address", err, buycard.EINVALID)
}
