package storetest

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// Orders that price themselves (checkout_price.go): CreateOrder reads the
// code, zones and rates in its transaction and takes the code's use with
// the order, or does nothing at all.

// codeOrder is a new order of quantity mugs of f by buyer (an email, ""
// for none) with code.
func codeOrder(f Fixture, code, buyer string, quantity int) buycard.NewOrder {
	n := f.NewOrder(0, quantity)
	n.DiscountCode = code
	if buyer != "" {
		n.Buyer = &buycard.Buyer{Email: buyer, Name: "Ann Lee"}
	}
	return n
}

// wantNothingHeld checks that f's first variant has stock left and the
// code id has redeemed uses: what refused orders must leave.
func wantNothingHeld(t *testing.T, s Store, f Fixture, stock int, id string, redeemed int) {
	t.Helper()
	if got := f.Stock(t, s, 0); got != stock {
		t.Errorf("stock = %d, want %d: a refused order held some", got, stock)
	}
	wantRedeemed(t, s, id, redeemed)
}

// testOrderCode creates orders with codes: the discount priced in and the
// use taken with the order, the per-buyer limit, and refusals (another
// merchant's code, an ended, expired, used-up or restricted one) that
// write nothing and hold no stock.
func testOrderCode(t *testing.T, s Store) {
	ctx := t.Context()
	f := discountFixture(t, s)
	other := discountFixture(t, s)
	c := newCode(t, s, f, "MUG25", func(c *buycard.DiscountCode) { c.MaxRedemptions, c.MaxPerBuyer = 2, 1 })
	ended := time.Now().Add(-time.Hour)
	old := newCode(t, s, f, "OLD", func(c *buycard.DiscountCode) { c.EndsAt = &ended })
	elsewhere := &buycard.Widget{MerchantID: f.Merchant.ID, ProductID: f.Product.ID, CTA: "Buy"}
	must(t, s.CreateWidget(ctx, elsewhere))
	newCode(t, s, f, "ELSEWHERE", func(c *buycard.DiscountCode) { c.WidgetIDs = []string{elsewhere.ID} })
	newCode(t, s, other, "THEIRS", nil)

	o, err := s.CreateOrder(ctx, codeOrder(f, "mug25", "ann@example.com", 3))
	must(t, err)
	if o.Discount != 1499 || o.DiscountCode != "MUG25" || o.Total.Amount != 5997-1499 { // 25% of 59.97
		t.Fatalf("order with MUG25: %+v", o.OrderPrice)
	}
	wantRedeemed(t, s, c.ID, 1)
	stock := f.Stock(t, s, 0)
	refused := []struct {
		name          string
		n             buycard.NewOrder
		code, message string
	}{
		{"the buyer's second use", codeOrder(f, "MUG25", "ANN@example.com", 1), buycard.ECONFLICT,
			"You have used the code MUG25 as many times as it allows."},
		{"no email for a per-buyer limit", codeOrder(f, "MUG25", "", 1), buycard.EINVALID, "Enter your email to use the code MUG25."},
		{"another merchant's code", codeOrder(f, "THEIRS", "bob@example.com", 1), buycard.ENOTFOUND, "This discount code is not valid."},
		{"expired", codeOrder(f, "OLD", "bob@example.com", 1), buycard.ECONFLICT, "The code OLD has expired."},
		{"for another widget", codeOrder(f, "ELSEWHERE", "bob@example.com", 1), buycard.EINVALID, "The code ELSEWHERE is not for this product."},
		{"malformed", codeOrder(f, "'; DROP TABLE orders; --", "bob@example.com", 1), buycard.ENOTFOUND, "This discount code is not valid."},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateOrder(ctx, tt.n)
			wantError(t, err, tt.code, tt.message)
		})
	}
	wantNothingHeld(t, s, f, stock, c.ID, 1)
	wantRedeemed(t, s, old.ID, 0)

	_, err = s.CreateOrder(ctx, codeOrder(f, "MUG25", "bob@example.com", 1))
	must(t, err)
	stock = f.Stock(t, s, 0)
	_, err = s.CreateOrder(ctx, codeOrder(f, "MUG25", "cy@example.com", 1))
	wantError(t, err, buycard.ECONFLICT, "The code MUG25 has been used up.")
	wantNothingHeld(t, s, f, stock, c.ID, 2)
	// Canceling gives the use back with the stock.
	must(t, s.CancelOrder(ctx, o.ID))
	wantRedeemed(t, s, c.ID, 1)
}

// testConcurrentOrderCode has 30 shoppers race to create an order with a
// one-use code: exactly one order is created, the others are refused and
// hold nothing.
func testConcurrentOrderCode(t *testing.T, s Store) {
	f := discountFixture(t, s)
	c := newCode(t, s, f, "ONCE", func(c *buycard.DiscountCode) { c.MaxRedemptions = 1 })
	stock := f.Stock(t, s, 0)
	tries := make([]func() error, 30)
	for i := range tries {
		tries[i] = func() error {
			_, err := s.CreateOrder(t.Context(), codeOrder(f, "ONCE", "", 1))
			return err
		}
	}
	wins := race(t, tries, "The code ONCE has been used up.")
	if wins != 1 {
		t.Errorf("%d shoppers got the one-use code", wins)
	}
	wantNothingHeld(t, s, f, stock-1, c.ID, 1)
}

// testOrderCodeOwner credits a placement-owned code's placement, whatever
// card the shopper came through: at its widget's share, or at the
// merchant's contract with its publisher.
func testOrderCodeOwner(t *testing.T, s Store) {
	ctx := t.Context()
	f := discountFixture(t, s)
	w := &buycard.Widget{MerchantID: f.Merchant.ID, ProductID: f.Product.ID, CTA: "Buy", PublisherShareBPS: 2500}
	must(t, s.CreateWidget(ctx, w))
	influencer := &buycard.Publisher{Name: "Glaze Talk"}
	must(t, s.CreatePublisher(ctx, influencer))
	p := &buycard.Placement{PublisherID: influencer.ID, WidgetID: w.ID, Name: "Video"}
	must(t, s.CreatePlacement(ctx, p))
	newCode(t, s, f, "GLAZE", func(c *buycard.DiscountCode) { c.PlacementID = p.ID })

	o, err := s.CreateOrder(ctx, codeOrder(f, "glaze", "", 1))
	must(t, err)
	if o.PublisherID != influencer.ID || o.PlacementID != p.ID || o.PublisherShareBPS != 2500 {
		t.Errorf("order credits %s/%s at %d, want the code's placement at its widget's 2500", o.PublisherID, o.PlacementID, o.PublisherShareBPS)
	}
	must(t, s.SetPublisherContract(ctx, &buycard.PublisherContract{MerchantID: f.Merchant.ID, PublisherID: influencer.ID, ShareBPS: 3000}))
	o, err = s.CreateOrder(ctx, codeOrder(f, "GLAZE", "", 1))
	must(t, err)
	if o.PublisherID != influencer.ID || o.PublisherShareBPS != 3000 {
		t.Errorf("order credits %s at %d, want the contract's 3000", o.PublisherID, o.PublisherShareBPS)
	}
	o, err = s.CreateOrder(ctx, f.NewOrder(0, 1))
	must(t, err)
	if o.PublisherID != f.Publisher.ID || o.PublisherShareBPS != 1000 {
		t.Errorf("order without the code credits %s at %d", o.PublisherID, o.PublisherShareBPS)
	}
}

// testOrderShipping refuses a physical order to a country the merchant
// does not ship to, or by a rate for another country, holding nothing,
// and quotes without writing.
func testOrderShipping(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s, func(f *Fixture) { f.Product.Kind = buycard.ProductPhysical })
	de := shipsTo(t, s, f, "DE")
	us := shipsTo(t, s, f, "US")
	stock := f.Stock(t, s, 0)
	n := f.NewOrder(0, 1)
	n.Buyer, n.ShipTo, n.ShippingRateID = testBuyer(), testAddress("FR"), de
	_, err := s.CreateOrder(ctx, n)
	wantError(t, err, buycard.EINVALID, "Northwind Goods doesn't ship to France.")
	n.ShipTo = testAddress("US")
	_, err = s.CreateOrder(ctx, n)
	wantError(t, err, buycard.EINVALID, "Choose one of the shipping options for United States.")
	q, err := s.QuoteOrder(ctx, n)
	wantError(t, err, buycard.EINVALID, "Choose one of the shipping options for United States.")
	n.ShippingRateID = ""
	q, err = s.QuoteOrder(ctx, n)
	must(t, err)
	if q.ShippingRateID != us || q.Price.Shipping != 450 || q.Total().Amount != 2400+450 {
		t.Errorf("quote = %+v", q)
	}
	if got := f.Stock(t, s, 0); got != stock {
		t.Errorf("stock = %d, want %d after refused orders and a quote", got, stock)
	}
	n.ShippingRateID = us
	o, err := s.CreateOrder(ctx, n)
	must(t, err)
	if o.Shipping != 450 || o.ShippingRateName != "Standard (3–5 days)" || o.ShipTo.Country != "US" {
		t.Errorf("order = %+v", o)
	}
}
