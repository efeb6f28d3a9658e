package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// Client networks of the hold tests.
const (
	shopperNet = "198.51.100.7"
	otherNet   = "2001:db8:1:2::/64"
)

// dropFixture seeds a limited drop: one variant of 50 units, at most 10
// per order.
func dropFixture(t *testing.T, s Store) Fixture {
	return Seed(t, s, func(f *Fixture) {
		f.Product.Variants = []buycard.Variant{{Name: "Signed print", Price: 6000, Stock: 50}}
		f.Product.MaxPerOrder = 10
	})
}

// heldOrder asks for quantity units of f's first variant from network,
// held for hold.
func heldOrder(f Fixture, network string, quantity int, hold time.Duration) buycard.NewOrder {
	n := f.NewOrder(0, quantity)
	n.ClientNetwork, n.HeldUntil = network, n.Now.Add(hold)
	return n
}

// testHoldCap is the attack: one network starts five checkouts of
// 10 on a 50-unit drop. It holds a fifth of the drop, 10 units; the rest
// stays on sale for everyone else.
func testHoldCap(t *testing.T, s Store) {
	f := dropFixture(t, s)
	capped := "You already hold 10 of these in another checkout, and one shopper can hold at most 10 at a time. " +
		"Finish or close that checkout first."
	tests := []struct {
		name          string
		order         buycard.NewOrder
		code, message string
	}{
		{"first checkout of the network", heldOrder(f, shopperNet, 10, time.Minute), "", ""},
		{"second checkout of the network", heldOrder(f, shopperNet, 10, time.Minute), buycard.ECONFLICT, capped},
		{"one unit more", heldOrder(f, shopperNet, 1, time.Minute), buycard.ECONFLICT, capped},
		{"another network", heldOrder(f, otherNet, 10, time.Minute), "", ""},
		{"a client without a network (tools)", heldOrder(f, "", 10, time.Minute), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.Stock(t, s, 0)
			o, err := s.CreateOrder(t.Context(), tt.order)
			if tt.code == "" {
				must(t, err)
				if got := f.Stock(t, s, 0); got != before-o.Quantity {
					t.Errorf("stock = %d, want %d", got, before-o.Quantity)
				}
				return
			}
			wantError(t, err, tt.code, tt.message)
			if got := f.Stock(t, s, 0); got != before {
				t.Errorf("stock = %d after a refused checkout, want %d", got, before)
			}
		})
	}
}

// testConcurrentHoldCap has two networks race 40 checkouts of one unit
// each on a 50-unit drop: each network gets exactly its cap of 10, never
// more, however the checkouts interleave.
func testConcurrentHoldCap(t *testing.T, s Store) {
	f := dropFixture(t, s)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		held = map[string]int{}
	)
	for i := range 80 {
		network := []string{shopperNet, otherNet}[i%2]
		wg.Go(func() {
			_, err := s.CreateOrder(t.Context(), heldOrder(f, network, 1, time.Minute))
			if err != nil && buycard.ErrorCode(err) != buycard.ECONFLICT {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				held[network]++
			}
		})
	}
	wg.Wait()
	wantEqual(t, "units held", held, map[string]int{shopperNet: 10, otherNet: 10})
	if got := f.Stock(t, s, 0); got != 30 {
		t.Errorf("stock = %d, want 30", got)
	}
}

// testRenewHold renews holds: a renewal moves the end later, never
// earlier nor past the session; a lapsed hold comes back while units are
// left; an order that is no longer pending holds nothing.
func testRenewHold(t *testing.T, s Store) {
	ctx := t.Context()
	f := dropFixture(t, s)
	renew := func(o *buycard.Order, until time.Time) buycard.HoldRenewal {
		return buycard.HoldRenewal{OrderID: o.ID, Until: until, Now: time.Now(), ClientNetwork: shopperNet}
	}
	held, err := s.CreateOrder(ctx, heldOrder(f, shopperNet, 2, time.Minute))
	must(t, err)
	canceled, err := s.CreateOrder(ctx, heldOrder(f, otherNet, 1, time.Minute))
	must(t, err)
	must(t, s.CancelOrder(ctx, canceled.ID))
	lapsed, err := s.CreateOrder(ctx, heldOrder(f, shopperNet, 3, -time.Second))
	must(t, err)
	_, err = s.LapseHolds(ctx, time.Now())
	must(t, err)
	start := *held.HeldUntil
	tests := []struct {
		name          string
		renewal       buycard.HoldRenewal
		until         time.Time
		code, message string
		stock         int
	}{
		{"later", renew(held, start.Add(2*time.Minute)), start.Add(2 * time.Minute), "", "", 48},
		{"never earlier", renew(held, start), start.Add(2 * time.Minute), "", "", 48},
		{"never past the session", renew(held, held.ExpiresAt.Add(time.Hour)), held.ExpiresAt, "", "", 48},
		{"lapsed hold holds again", renew(lapsed, start), start, "", "", 45},
		{"canceled order", renew(canceled, start), time.Time{}, buycard.ECONFLICT, "This order is canceled: it holds nothing.", 45},
		{"unknown order", buycard.HoldRenewal{OrderID: "ord_unknown", Now: time.Now()}, time.Time{},
			buycard.ENOTFOUND, `Order "ord_unknown" not found.`, 45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := s.RenewHold(ctx, tt.renewal)
			if tt.code != "" {
				wantError(t, err, tt.code, tt.message)
			} else {
				must(t, err)
				wantEqual(t, "held until", o.HeldUntil, &tt.until)
				stored, err := s.FindOrder(ctx, o.ID)
				must(t, err)
				wantEqual(t, "stored order", stored, o)
			}
			if got := f.Stock(t, s, 0); got != tt.stock {
				t.Errorf("stock = %d, want %d", got, tt.stock)
			}
		})
	}
}

// testRenewLapsedHoldSoldOut renews a hold that lapsed while others bought
// every unit: the renewal is refused and the order stays as it was,
// pending without a hold, for its session may still be paid.
func testRenewLapsedHoldSoldOut(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s, func(f *Fixture) { f.Product.Variants = []buycard.Variant{{Name: "Last one", Price: 6000, Stock: 1}} })
	lapsed, err := s.CreateOrder(ctx, heldOrder(f, shopperNet, 1, -time.Second))
	must(t, err)
	_, err = s.CreateOrder(ctx, heldOrder(f, otherNet, 1, time.Minute))
	must(t, err)
	_, err = s.RenewHold(ctx, buycard.HoldRenewal{OrderID: lapsed.ID, Until: time.Now().Add(time.Minute), Now: time.Now(), ClientNetwork: shopperNet})
	wantError(t, err, buycard.ECONFLICT, "Sold out.")
	stored, err := s.FindOrder(ctx, lapsed.ID)
	must(t, err)
	if stored.Status != buycard.OrderPending || stored.Holding() {
		t.Errorf("status %q, held until %v: want pending, holding nothing", stored.Status, stored.HeldUntil)
	}
}

// testLapseHolds ends the holds nobody renewed: their units go back on
// sale once, their orders stay pending, and the next checkout of a
// variant does the same for its own due holds.
func testLapseHolds(t *testing.T, s Store) {
	ctx := t.Context()
	f := dropFixture(t, s)
	due, err := s.CreateOrder(ctx, heldOrder(f, shopperNet, 4, -time.Second))
	must(t, err)
	kept, err := s.CreateOrder(ctx, heldOrder(f, otherNet, 3, time.Hour))
	must(t, err)
	// Creating kept ended due's hold already: the next checkout of a
	// variant does not wait for the sweeper.
	if got := f.Stock(t, s, 0); got != 47 {
		t.Errorf("stock after the next checkout = %d, want 47", got)
	}
	late, err := s.CreateOrder(ctx, heldOrder(f, shopperNet, 2, time.Minute))
	must(t, err)
	freed, err := s.LapseHolds(ctx, time.Now().Add(2*time.Minute))
	must(t, err)
	if freed < 2 {
		t.Errorf("freed %d units, want at least late's 2", freed)
	}
	if got := f.Stock(t, s, 0); got != 47 {
		t.Errorf("stock = %d, want 47", got)
	}
	for _, o := range []*buycard.Order{due, late} {
		stored, err := s.FindOrder(ctx, o.ID)
		must(t, err)
		if stored.Status != buycard.OrderPending || stored.Holding() {
			t.Errorf("%s: status %q, held until %v: want pending, holding nothing", o.ID, stored.Status, stored.HeldUntil)
		}
	}
	stored, err := s.FindOrder(ctx, kept.ID)
	must(t, err)
	wantEqual(t, "order still held", stored, kept)
	_, err = s.LapseHolds(ctx, time.Now().Add(2*time.Minute))
	must(t, err)
	if got := f.Stock(t, s, 0); got != 47 {
		t.Errorf("stock after a second sweep = %d, want 47", got)
	}
}

// testCapFollowsHolds checks a network's cap, a fifth of the units unsold
// (in stock or held), as holds start and end every way they can: the
// store counts the held units as it goes rather than summing them on every
// checkout, and the count must follow creations, payments, cancels,
// lapses and a variant turning unlimited and back.
func testCapFollowsHolds(t *testing.T, s Store) {
	ctx := t.Context()
	f := dropFixture(t, s)
	probes := 0
	wantCap := func(step string, limit int) {
		t.Helper()
		probes++
		network := fmt.Sprintf("203.0.113.%d", probes)
		if limit < f.Product.MaxPerOrder {
			_, err := s.CreateOrder(ctx, heldOrder(f, network, limit+1, time.Minute))
			wantError(t, err, buycard.ECONFLICT, fmt.Sprintf("One shopper can hold at most %d of these at a time.", limit))
		}
		o, err := s.CreateOrder(ctx, heldOrder(f, network, limit, time.Minute))
		if err != nil {
			t.Fatalf("%s: a network holding %d: %v", step, limit, err)
		}
		must(t, s.CancelOrder(ctx, o.ID))
	}
	toolHold := func(hold time.Duration) *buycard.Order {
		o, err := s.CreateOrder(ctx, heldOrder(f, "", 10, hold))
		must(t, err)
		return o
	}
	wantCap("a fresh drop of 50", 10)
	var tools []*buycard.Order
	for range 4 {
		tools = append(tools, toolHold(time.Hour))
	}
	wantCap("40 held, 10 in stock", 10)
	payOrder(t, s, tools[0])
	payOrder(t, s, tools[1])
	wantCap("20 sold", 6)
	must(t, s.CancelOrder(ctx, tools[2].ID))
	wantCap("a hold canceled", 6)
	toolHold(-time.Second)
	_, err := s.LapseHolds(ctx, time.Now())
	must(t, err)
	wantCap("a hold lapsed", 6)

	// A hold that ends while the variant is unlimited is not counted off;
	// the count starts again from the holds left when it turns limited.
	kept := toolHold(time.Hour)
	for _, stock := range []int{0, 20} {
		edit, err := s.FindProduct(ctx, f.Product.ID)
		must(t, err)
		edit.Variants[0].Unlimited, edit.Variants[0].Stock = stock == 0, stock
		must(t, s.UpdateProduct(ctx, edit))
		if stock == 0 {
			must(t, s.CancelOrder(ctx, tools[3].ID))
		}
	}
	wantCap("turned unlimited and back, 10 held", 6)
	must(t, s.CancelOrder(ctx, kept.ID))
	wantCap("the last hold canceled", 6)
}

// testHeldCard reads the card of a product whose units are all held: it
// says so, with when the first hold ends, until a hold ends; a product
// with no units left at all is sold out.
func testHeldCard(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s, func(f *Fixture) { f.Product.Variants = []buycard.Variant{{Name: "Only", Price: 6000, Stock: 3}} })
	late, err := s.CreateOrder(ctx, heldOrder(f, shopperNet, 1, 3*time.Minute))
	must(t, err)
	early, err := s.CreateOrder(ctx, heldOrder(f, otherNet, 1, time.Minute))
	must(t, err)
	_, err = s.CreateOrder(ctx, heldOrder(f, "192.0.2.1", 1, 2*time.Minute))
	must(t, err)
	card, err := s.FindCard(ctx, f.Widget.ID)
	must(t, err)
	if card.Availability() != buycard.Held {
		t.Fatalf("availability %q, want held", card.Availability())
	}
	wantEqual(t, "first hold ends", card.Product.HeldUntil(), early.HeldUntil)

	must(t, s.CancelOrder(ctx, early.ID))
	card, err = s.FindCard(ctx, f.Widget.ID)
	must(t, err)
	if card.Availability() != buycard.Buyable {
		t.Errorf("availability after a release %q, want buyable", card.Availability())
	}
	attachSession(t, s, late)
	for _, o := range []*buycard.Order{late, openOrder(t, s, f, 0, 1)} {
		applyEvent(t, s, event(o, buycard.PaymentSucceeded))
	}
	card, err = s.FindCard(ctx, f.Widget.ID)
	must(t, err)
	if card.Availability() != buycard.Held || card.Product.HeldUntil() == nil {
		t.Errorf("availability %q, want held by the one order left", card.Availability())
	}
}

// testPaidAfterRelease pays orders whose holds ended: the sale takes the
// units again when they are left; when others bought them meanwhile the
// order is paid all the same and says how many it oversold. Either way
// the sale journal is appended once.
func testPaidAfterRelease(t *testing.T, s Store) {
	ctx := t.Context()
	tests := []struct {
		name            string
		soldMeanwhile   int
		stock, oversold int
	}{
		{"units left", 0, 1, 0},
		{"some sold meanwhile", 2, 0, 1},
		{"all sold meanwhile", 3, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Seed(t, s, func(f *Fixture) { f.Product.Variants = []buycard.Variant{{Name: "Only", Price: 6000, Stock: 3}} })
			o := openOrder(t, s, f, 0, 2)
			must(t, s.CancelOrder(ctx, o.ID))
			if tt.soldMeanwhile > 0 {
				openOrder(t, s, f, 0, tt.soldMeanwhile)
			}
			paid := applyEvent(t, s, event(o, buycard.PaymentSucceeded))
			if paid.Status != buycard.OrderPaid || paid.Oversold != tt.oversold || paid.Holding() {
				t.Errorf("status %q, oversold %d, held until %v: want paid, oversold %d, holding nothing",
					paid.Status, paid.Oversold, paid.HeldUntil, tt.oversold)
			}
			if got := f.Stock(t, s, 0); got != tt.stock {
				t.Errorf("stock = %d, want %d", got, tt.stock)
			}
			wantSaleJournals(t, s, o.ID, 1)
		})
	}
}

// testReleaseRacesPayment releases orders while their payment arrives, 20
// times: whichever commits first, the order ends paid with one sale
// journal, and its units are sold once.
func testReleaseRacesPayment(t *testing.T, s Store) {
	const rounds = 20
	f := Seed(t, s, func(f *Fixture) {
		f.Product.Variants = []buycard.Variant{{Name: "Drop", Price: 6000, Stock: 2 * rounds}}
	})
	for range rounds {
		o := openOrder(t, s, f, 0, 2)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Go(func() { errs[0] = s.CancelOrder(t.Context(), o.ID) })
		wg.Go(func() { _, errs[1] = s.ApplyPaymentEvent(t.Context(), event(o, buycard.PaymentSucceeded)) })
		wg.Wait()
		must(t, errors.Join(errs...))
		got, err := s.FindOrder(t.Context(), o.ID)
		must(t, err)
		if got.Status != buycard.OrderPaid || got.Oversold != 0 || got.Holding() {
			t.Fatalf("status %q, oversold %d, held until %v: want paid, none oversold, holding nothing",
				got.Status, got.Oversold, got.HeldUntil)
		}
		wantSaleJournals(t, s, o.ID, 1)
	}
	if got := f.Stock(t, s, 0); got != 0 {
		t.Errorf("stock = %d, want 0: every unit sold once", got)
	}
	v, err := s.VerifyLedger(t.Context())
	must(t, err)
	if !v.OK() {
		t.Fatal(v)
	}
}

// wantSaleJournals checks that order orderID has n sale journals.
func wantSaleJournals(t *testing.T, s Store, orderID string, n int) {
	t.Helper()
	journals, err := s.OrderJournals(t.Context(), orderID)
	must(t, err)
	sales := 0
	for _, j := range journals {
		if j.Key == "sale:"+orderID {
			sales++
		}
	}
	if sales != n {
		t.Errorf("%d sale journals for %s, want %d", sales, orderID, n)
	}
}
