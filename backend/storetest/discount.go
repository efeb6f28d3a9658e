package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// discountFixture is a fixture with plenty of its first variant, for
// orders to take codes.
func discountFixture(t *testing.T, s Store) Fixture {
	return Seed(t, s, func(f *Fixture) {
		f.Product.Variants = []buycard.Variant{{Name: "Mug", Price: 1999, Stock: 1000}}
	})
}

// newCode stores a code of f's merchant after edit.
func newCode(t *testing.T, s Store, f Fixture, code string, edit func(*buycard.DiscountCode)) *buycard.DiscountCode {
	t.Helper()
	c := &buycard.DiscountCode{MerchantID: f.Merchant.ID, Code: code, PercentBPS: 2500}
	if edit != nil {
		edit(c)
	}
	must(t, s.CreateDiscountCode(t.Context(), c))
	return c
}

// redemption asks for code on a new pending order of quantity units of f's
// first variant by buyer.
func redemption(t *testing.T, s Store, f Fixture, code, buyer string, quantity int) buycard.DiscountRedemption {
	t.Helper()
	o, err := s.CreateOrder(t.Context(), f.NewOrder(0, quantity))
	must(t, err)
	return buycard.DiscountRedemption{OrderID: o.ID, MerchantID: f.Merchant.ID, Code: code, Buyer: buyer,
		Subtotal: o.Total, ProductID: o.ProductID, WidgetID: o.WidgetID, Now: time.Now()}
}

// testDiscountCodes stores, edits, lists and archives codes, and refuses
// another merchant's products, widgets and placements and a code the
// merchant has already.
func testDiscountCodes(t *testing.T, s Store) {
	ctx := t.Context()
	f := discountFixture(t, s)
	other := Seed(t, s)
	ends := time.Now().Add(48 * time.Hour)
	c := newCode(t, s, f, "spring25", func(c *buycard.DiscountCode) {
		c.MinSubtotal, c.EndsAt, c.MaxRedemptions, c.MaxPerBuyer = map[string]int64{"USD": 1000}, &ends, 10, 2
		c.ProductIDs, c.WidgetIDs, c.PlacementID = []string{f.Product.ID}, []string{f.Widget.ID}, f.Placement.ID
	})
	if c.Code != "SPRING25" || c.ID == "" {
		t.Fatalf("created %+v", c)
	}
	got, err := s.FindDiscountCode(ctx, c.ID)
	must(t, err)
	wantEqual(t, "stored code", got, c)
	got, err = s.LookupDiscountCode(ctx, f.Merchant.ID, " Spring25 ")
	must(t, err)
	wantEqual(t, "looked up", got, c)
	for _, code := range []string{"SPRING26", "x", "SPRING25'--"} {
		_, err = s.LookupDiscountCode(ctx, f.Merchant.ID, code)
		wantError(t, err, buycard.ENOTFOUND, "This discount code is not valid.")
	}
	_, err = s.LookupDiscountCode(ctx, other.Merchant.ID, "SPRING25")
	wantError(t, err, buycard.ENOTFOUND, "This discount code is not valid.")

	taken := &buycard.DiscountCode{MerchantID: f.Merchant.ID, Code: "Spring25", PercentBPS: 100}
	wantError(t, s.CreateDiscountCode(ctx, taken), buycard.ECONFLICT, "You have a code SPRING25 already.")
	// Another merchant may have the same code.
	newCode(t, s, other, "SPRING25", nil)
	for name, edit := range map[string]func(*buycard.DiscountCode){
		"product":   func(c *buycard.DiscountCode) { c.ProductIDs = []string{other.Product.ID} },
		"widget":    func(c *buycard.DiscountCode) { c.WidgetIDs = []string{f.Widget.ID, other.Widget.ID} },
		"placement": func(c *buycard.DiscountCode) { c.PlacementID = other.Placement.ID },
	} {
		bad := &buycard.DiscountCode{MerchantID: f.Merchant.ID, Code: "OTHER-" + name, PercentBPS: 100}
		edit(bad)
		if err := s.CreateDiscountCode(ctx, bad); buycard.ErrorCode(err) != buycard.ENOTFOUND {
			t.Errorf("another merchant's %s: %v", name, err)
		}
	}
	wantCode(t, "invalid", s.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: f.Merchant.ID, Code: "A B"}), buycard.EINVALID)

	edited := *c
	edited.Code, edited.PercentBPS, edited.AmountOff, edited.EndsAt, edited.ProductIDs = "SUMMER", 0, map[string]int64{"USD": 500}, nil, nil
	must(t, s.UpdateDiscountCode(ctx, &edited))
	got, err = s.FindDiscountCode(ctx, c.ID)
	must(t, err)
	wantEqual(t, "edited code", got, &edited)
	stolen := edited
	stolen.MerchantID = other.Merchant.ID
	wantCode(t, "another merchant's edit", s.UpdateDiscountCode(ctx, &stolen), buycard.ENOTFOUND)

	second := newCode(t, s, f, "WINTER", nil)
	list, err := s.ListDiscountCodes(ctx, f.Merchant.ID)
	must(t, err)
	if len(list) != 2 || list[0].ID != second.ID || list[1].ID != c.ID {
		t.Fatalf("list = %+v", list)
	}
	_, err = s.ArchiveDiscountCode(ctx, other.Merchant.ID, second.ID, time.Now())
	wantCode(t, "another merchant's archive", err, buycard.ENOTFOUND)
	archived, err := s.ArchiveDiscountCode(ctx, f.Merchant.ID, second.ID, time.Now())
	must(t, err)
	again, err := s.ArchiveDiscountCode(ctx, f.Merchant.ID, second.ID, time.Now().Add(time.Hour))
	must(t, err)
	if archived.ArchivedAt == nil || !again.ArchivedAt.Equal(*archived.ArchivedAt) {
		t.Errorf("archived at %v, then %v", archived.ArchivedAt, again.ArchivedAt)
	}

	placements, err := s.MerchantPlacements(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "merchant placements", placements, []*buycard.MerchantPlacement{{ID: f.Placement.ID, Name: f.Placement.Name,
		WidgetID: f.Widget.ID, PublisherName: f.Publisher.Name}})
	codes, err := s.PlacementCodes(ctx, f.Publisher.ID, time.Now())
	must(t, err)
	wantEqual(t, "placement codes", codes, []*buycard.PlacementCode{{Code: "SUMMER", PlacementID: f.Placement.ID,
		PlacementName: f.Placement.Name, MerchantName: f.Merchant.Name, AmountOff: map[string]int64{"USD": 500}, Active: true}})
	codes, err = s.PlacementCodes(ctx, other.Publisher.ID, time.Now())
	must(t, err)
	wantEqual(t, "another publisher's codes", codes, []*buycard.PlacementCode{})
}

// testRedeemDiscount uses codes on orders: the discount, the limits, a
// second code on an order, and a use given back when its order is
// canceled or expires but not when it is paid.
func testRedeemDiscount(t *testing.T, s Store) {
	ctx := t.Context()
	f := discountFixture(t, s)
	c := newCode(t, s, f, "MUG25", func(c *buycard.DiscountCode) { c.MaxRedemptions, c.MaxPerBuyer = 3, 2 })

	r := redemption(t, s, f, "mug25", "Ann@example.com", 3)
	got, err := s.RedeemDiscount(ctx, r)
	must(t, err)
	if got.Discount != 1499 || got.Code.Redeemed != 1 { // 25% of 59.97
		t.Fatalf("redeemed %+v", got)
	}
	_, err = s.RedeemDiscount(ctx, r)
	wantError(t, err, buycard.ECONFLICT, "This order has a discount code already.")
	stored, err := s.FindDiscountCode(ctx, c.ID)
	must(t, err)
	if stored.Redeemed != 1 {
		t.Fatalf("redeemed %d after the refused second code, want 1", stored.Redeemed)
	}

	_, err = s.RedeemDiscount(ctx, redemption(t, s, f, "MUG25", "", 1))
	wantError(t, err, buycard.EINVALID, "Enter your email to use the code MUG25.")
	_, err = s.RedeemDiscount(ctx, redemption(t, s, f, "MUG25", "not an email", 1))
	wantError(t, err, buycard.EINVALID, "Enter a valid email address.")
	_, err = s.RedeemDiscount(ctx, redemption(t, s, f, "NOPE", "ann@example.com", 1))
	wantError(t, err, buycard.ENOTFOUND, "This discount code is not valid.")

	second := redemption(t, s, f, "MUG25", "ann@example.com", 1)
	_, err = s.RedeemDiscount(ctx, second)
	must(t, err)
	_, err = s.RedeemDiscount(ctx, redemption(t, s, f, "MUG25", "ANN@example.com", 1))
	wantError(t, err, buycard.ECONFLICT, "You have used the code MUG25 as many times as it allows.")

	// Canceling an order gives its use back, to the buyer too.
	must(t, s.CancelOrder(ctx, second.OrderID))
	wantRedeemed(t, s, c.ID, 1)
	third := redemption(t, s, f, "MUG25", "ann@example.com", 1)
	_, err = s.RedeemDiscount(ctx, third)
	must(t, err)
	_, err = s.RedeemDiscount(ctx, redemption(t, s, f, "MUG25", "cy@example.com", 1))
	must(t, err)
	_, err = s.RedeemDiscount(ctx, redemption(t, s, f, "MUG25", "bob@example.com", 1))
	wantError(t, err, buycard.ECONFLICT, "The code MUG25 has been used up.")

	// A paid order keeps its use; an expired one gives it back.
	first, err := s.FindOrder(ctx, r.OrderID)
	must(t, err)
	payOrder(t, s, first)
	wantRedeemed(t, s, c.ID, 3)
	expiring, err := s.FindOrder(ctx, third.OrderID)
	must(t, err)
	attachSession(t, s, expiring)
	if o := applyEvent(t, s, event(expiring, buycard.SessionExpired)); o.Status != buycard.OrderExpired {
		t.Fatalf("order %s after its session expired", o.Status)
	}
	wantRedeemed(t, s, c.ID, 2)
	_, err = s.RedeemDiscount(ctx, redemption(t, s, f, "MUG25", "bob@example.com", 1))
	must(t, err)
	_, err = s.RedeemDiscount(ctx, second)
	wantError(t, err, buycard.ECONFLICT, "This order is canceled: it can no longer take a code.")
	wantRedeemed(t, s, c.ID, 3)
}

// wantRedeemed checks the stored use count of code id.
func wantRedeemed(t *testing.T, s Store, id string, want int) {
	t.Helper()
	c, err := s.FindDiscountCode(t.Context(), id)
	must(t, err)
	if c.Redeemed != want {
		t.Fatalf("redeemed = %d, want %d", c.Redeemed, want)
	}
}

// testConcurrentRedeem has 30 shoppers race for a one-use code, each on
// an order of its own: exactly one gets it, the others are told it is
// used up, and the count is 1.
func testConcurrentRedeem(t *testing.T, s Store) {
	f := discountFixture(t, s)
	c := newCode(t, s, f, "ONCE", func(c *buycard.DiscountCode) { c.MaxRedemptions = 1 })
	requests := make([]buycard.DiscountRedemption, 30)
	for i := range requests {
		requests[i] = redemption(t, s, f, "ONCE", "", 1)
	}
	tries := make([]func() error, len(requests))
	for i, r := range requests {
		tries[i] = func() error {
			_, err := s.RedeemDiscount(t.Context(), r)
			return err
		}
	}
	wins := race(t, tries, "The code ONCE has been used up.")
	if wins != 1 {
		t.Errorf("%d shoppers got the one-use code", wins)
	}
	wantRedeemed(t, s, c.ID, 1)
}

// race runs tries all at once, as far as the scheduler goes, and returns
// how many succeeded; an error other than refusal fails the test.
func race(t *testing.T, tries []func() error, refusal string) int {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	start := make(chan struct{})
	for _, try := range tries {
		wg.Go(func() {
			<-start
			err := try()
			if err != nil && buycard.ErrorMessage(err) != refusal {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			}
		})
	}
	close(start)
	wg.Wait()
	return wins
}
