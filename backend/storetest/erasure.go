package storetest

import (
	"testing"

	"github.com/buycard/buycard"
)

// testEraseBuyer erases a buyer who paid for a physical order with a
// code limited to one use per buyer: the order keeps its money, its
// country and region and its ledger, loses the buyer and the street;
// erasing again changes nothing; another buyer's order is untouched; the
// code's per-buyer limit forgets the buyer.
func testEraseBuyer(t *testing.T, s Store) {
	ctx := t.Context()
	f, o := physicalOrder(t, s)
	n := f.NewOrder(0, 1)
	n.Buyer = &buycard.Buyer{Email: "grace@example.com", Name: "Grace Hopper"}
	n.ShipTo = o.ShipTo
	zones, err := s.ShippingZones(ctx, f.Merchant.ID)
	must(t, err)
	n.ShippingRateID = zones[0].Rates[0].ID
	other, err := s.CreateOrder(ctx, n)
	must(t, err)
	newCode(t, s, f, "ONCE", func(c *buycard.DiscountCode) { c.MaxPerBuyer = 1 })
	redeem := func() error {
		o, err := s.CreateOrder(ctx, f.NewOrder(0, 1))
		must(t, err)
		_, err = s.RedeemDiscount(ctx, buycard.DiscountRedemption{OrderID: o.ID, MerchantID: f.Merchant.ID, Code: "ONCE",
			Buyer: "ada@example.com", Subtotal: o.Total, ProductID: o.ProductID, WidgetID: o.WidgetID, Now: o.CreatedAt})
		return err
	}
	must(t, redeem())
	wantError(t, redeem(), buycard.ECONFLICT, "You have used the code ONCE as many times as it allows.")
	payOrder(t, s, o)
	paid, err := s.FindOrder(ctx, o.ID)
	must(t, err)

	_, err = s.EraseBuyer(ctx, "not an email")
	wantError(t, err, buycard.EINVALID, "Enter a valid email address.")
	got, err := s.EraseBuyer(ctx, " ADA@example.com")
	must(t, err)
	wantEqual(t, "erasure", got, buycard.Erasure{Orders: 1, Redemptions: 1, Events: 1})
	erased, err := s.FindOrder(ctx, o.ID)
	must(t, err)
	want := *paid
	want.Buyer, want.ShipTo = nil, &buycard.Address{Region: "IL", Country: "US"}
	wantEqual(t, "erased order", erased, &want)
	wantLedgerVerifies(t, s)

	got, err = s.EraseBuyer(ctx, "ada@example.com")
	must(t, err)
	wantEqual(t, "second erasure", got, buycard.Erasure{})
	untouched, err := s.FindOrder(ctx, other.ID)
	must(t, err)
	wantEqual(t, "another buyer's order", untouched, other)
	must(t, redeem()) // the per-buyer limit no longer knows the buyer
}
