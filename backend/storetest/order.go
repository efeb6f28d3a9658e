package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

func testCreateOrder(t *testing.T, s Store) {
	f := Seed(t, s)
	n := f.NewOrder(1, 2)
	o, err := s.CreateOrder(t.Context(), n)
	must(t, err)
	if !strings.HasPrefix(o.ID, "ord_") || !strings.HasPrefix(o.Number, "BC-") {
		t.Errorf("id %q, number %q: want ord_… and BC-…", o.ID, o.Number)
	}
	wantEqual(t, "order", o, &buycard.Order{
		ID:                o.ID,
		Number:            o.Number,
		Status:            buycard.OrderPending,
		WidgetID:          f.Widget.ID,
		ProductID:         f.Product.ID,
		VariantID:         f.Product.Variants[1].ID,
		MerchantID:        f.Merchant.ID,
		PublisherID:       f.Publisher.ID,
		PlacementID:       f.Placement.ID,
		ProductTitle:      "Field notebook",
		VariantName:       "A4",
		Quantity:          2,
		UnitPrice:         buycard.Money{Amount: 3100, Currency: "USD"},
		Total:             buycard.Money{Amount: 6200, Currency: "USD"},
		OrderPrice:        buycard.OrderPrice{Subtotal: 6200}, // nothing off, nothing added
		PublisherShareBPS: 1000,
		PlatformFeeBPS:    875,
		PlatformFeeFixed:  30,
		CreatedAt:         n.Now,
		ExpiresAt:         n.ExpiresAt,
		HeldUntil:         &n.ExpiresAt, // no hold asked for: the whole session
	})
	found, err := s.FindOrder(t.Context(), o.ID)
	must(t, err)
	wantEqual(t, "found order", found, o)
	if got := f.Stock(t, s, 1); got != 1 {
		t.Errorf("stock = %d, want 3 - 2 = 1", got)
	}
	_, err = s.FindOrder(t.Context(), "ord_unknown")
	wantError(t, err, buycard.ENOTFOUND, `Order "ord_unknown" not found.`)
}

// testCreateOrderWithoutPublisher buys through a card no publisher placed:
// nobody gets a share.
func testCreateOrderWithoutPublisher(t *testing.T, s Store) {
	f := Seed(t, s)
	n := f.NewOrder(0, 1)
	n.Claims.PublisherID, n.Claims.PlacementID = "", ""
	o, err := s.CreateOrder(t.Context(), n)
	must(t, err)
	if o.PublisherID != "" || o.PlacementID != "" || o.PublisherShareBPS != 0 {
		t.Errorf("publisher %q, placement %q, share %d: want none", o.PublisherID, o.PlacementID, o.PublisherShareBPS)
	}
	found, err := s.FindOrder(t.Context(), o.ID)
	must(t, err)
	wantEqual(t, "found order", found, o)
}

// testCreateOrderRejected checks every reason to refuse an order, and that
// a refused order reserves nothing.
func testCreateOrderRejected(t *testing.T, s Store) {
	f, other := Seed(t, s), Seed(t, s)
	noCharges := Seed(t, s, func(f *Fixture) { f.Merchant.ChargesEnabled = false })
	soldOut := Seed(t, s, func(f *Fixture) { f.Product.Variants[0].Stock = 0 })
	fixtures := []Fixture{f, other, noCharges, soldOut}

	const stale = "This card is out of date. Reload the page."
	tests := []struct {
		name          string
		order         buycard.NewOrder
		edit          func(n *buycard.NewOrder)
		code, message string
	}{
		{"zero quantity", f.NewOrder(0, 0), nil, buycard.EINVALID, "Quantity must be at least 1."},
		{"negative quantity", f.NewOrder(0, -1), nil, buycard.EINVALID, "Quantity must be at least 1."},
		{"above the maximum per order", f.NewOrder(0, 6), nil, buycard.EINVALID, "You can buy at most 5 at a time."},
		{"unknown variant", f.NewOrder(0, 1), func(n *buycard.NewOrder) { n.VariantID = "var_unknown" },
			buycard.EINVALID, "Choose one of the listed options."},
		{"variant of another product", f.NewOrder(0, 1), func(n *buycard.NewOrder) { n.VariantID = other.Product.Variants[0].ID },
			buycard.EINVALID, "Choose one of the listed options."},
		{"stale price version", f.NewOrder(0, 1), func(n *buycard.NewOrder) { n.Claims.PriceVersion = 0 },
			buycard.ECONFLICT, "The price changed. Review the new price and try again."},
		{"merchant without charges", noCharges.NewOrder(0, 1), nil,
			buycard.ECONFLICT, "This merchant cannot take payments right now."},
		{"widget and product mismatch", f.NewOrder(0, 1), func(n *buycard.NewOrder) { n.Claims.ProductID = other.Product.ID },
			buycard.EINVALID, stale},
		{"unknown widget", f.NewOrder(0, 1), func(n *buycard.NewOrder) { n.Claims.WidgetID = "wgt_unknown" },
			buycard.ENOTFOUND, stale},
		{"unknown placement", f.NewOrder(0, 1), func(n *buycard.NewOrder) { n.Claims.PlacementID = "plc_unknown" },
			buycard.ENOTFOUND, stale},
		{"more than in stock", f.NewOrder(1, 4), nil, buycard.ECONFLICT, "Only 3 left."},
		{"sold out", soldOut.NewOrder(0, 1), nil, buycard.ECONFLICT, "Sold out."},
		{"unknown code", f.NewOrder(0, 1), func(n *buycard.NewOrder) { n.DiscountCode = "NOSUCH" },
			buycard.ENOTFOUND, "This discount code is not valid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.edit != nil {
				tt.edit(&tt.order)
			}
			o, err := s.CreateOrder(t.Context(), tt.order)
			wantError(t, err, tt.code, tt.message)
			if o != nil {
				t.Errorf("order %+v, want nil", o)
			}
			for _, f := range fixtures {
				wantFixtureUnchanged(t, s, f)
				wantNoOrders(t, s, f)
			}
		})
	}
}

// wantNoOrders checks that no pending order of f's widget exists.
func wantNoOrders(t *testing.T, s Store, f Fixture) {
	t.Helper()
	if orders := pendingOrders(t, s, f); len(orders) > 0 {
		t.Errorf("%d pending orders for %s, want none", len(orders), f.Widget.ID)
	}
}

// pendingOrders returns the pending orders of f's widget, seen as expired
// a year from now.
func pendingOrders(t *testing.T, s Store, f Fixture) []*buycard.Order {
	t.Helper()
	return expiredOrders(t, s, f, time.Now().AddDate(1, 0, 0))
}

// expiredOrders returns the orders of f's widget that ExpiredOrders(at)
// lists.
func expiredOrders(t *testing.T, s Store, f Fixture, at time.Time) []*buycard.Order {
	t.Helper()
	all, err := s.ExpiredOrders(t.Context(), at)
	must(t, err)
	var mine []*buycard.Order
	for _, o := range all {
		if o.WidgetID == f.Widget.ID {
			mine = append(mine, o)
		}
	}
	return mine
}

// testConcurrentBuyers has 100 shoppers race for 5 units: exactly 5 get an
// order and the stock ends at zero, never below.
func testConcurrentBuyers(t *testing.T, s Store) {
	const buyers, stock = 100, 5
	f := Seed(t, s, func(f *Fixture) {
		f.Product.Variants = []buycard.Variant{{Name: "Signed print", Price: 6000, Stock: stock}}
	})
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		numbers = make(map[string]bool)
		refused = make(map[string]int) // code and message → count
	)
	for range buyers {
		wg.Go(func() {
			o, err := s.CreateOrder(t.Context(), f.NewOrder(0, 1))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				refused[buycard.ErrorCode(err)+": "+buycard.ErrorMessage(err)]++
				return
			}
			numbers[o.Number] = true
		})
	}
	wg.Wait()
	if len(numbers) != stock {
		t.Errorf("%d orders with distinct numbers, want %d", len(numbers), stock)
	}
	wantEqual(t, "refusals", refused, map[string]int{buycard.ECONFLICT + ": Sold out.": buyers - stock})
	if got := f.Stock(t, s, 0); got != 0 {
		t.Errorf("stock = %d, want 0", got)
	}
}

// testConcurrentSessions attaches sessions to one order from many
// requests at once: exactly one wins, the others are told why.
func testConcurrentSessions(t *testing.T, s Store) {
	f := Seed(t, s)
	o, err := s.CreateOrder(t.Context(), f.NewOrder(0, 1))
	must(t, err)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results = make(map[string]int)
	)
	for range 20 {
		wg.Go(func() {
			err := s.AttachPaymentSession(t.Context(), o.ID, "sandbox", buycard.NewID("cs"))
			mu.Lock()
			defer mu.Unlock()
			results[buycard.ErrorMessage(err)]++
		})
	}
	wg.Wait()
	wantEqual(t, "results", results, map[string]int{"": 1, "This order already has a payment session.": 19})
}

// OrderNumberTaken checks that a taken order number is drawn again, and
// that a store that cannot find a free one gives up cleanly, without
// keeping the reservation. setNumbers replaces the store's source of
// order numbers, which only the store's own tests can reach.
func OrderNumberTaken(t *testing.T, s Store, setNumbers func(next func() string)) {
	f := Seed(t, s)
	numbers := []string{"BC-AAAA-AAAA", "BC-AAAA-AAAA", "BC-BBBB-BBBB"}
	setNumbers(func() string {
		n := numbers[0]
		numbers = numbers[1:]
		return n
	})
	for _, want := range []string{"BC-AAAA-AAAA", "BC-BBBB-BBBB"} {
		o, err := s.CreateOrder(t.Context(), f.NewOrder(0, 1))
		must(t, err)
		if o.Number != want {
			t.Errorf("number %q, want %q", o.Number, want)
		}
	}

	setNumbers(func() string { return "BC-AAAA-AAAA" })
	_, err := s.CreateOrder(t.Context(), f.NewOrder(0, 1))
	if code := buycard.ErrorCode(err); code != buycard.EINTERNAL {
		t.Errorf("error %v (code %s), want an internal error", err, code)
	}
	if stock := f.Stock(t, s, 0); stock != 8 {
		t.Errorf("stock = %d, want 8: the failed order must not keep its reservation", stock)
	}
}

func testAttachPaymentSession(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	order := func() *buycard.Order {
		o, err := s.CreateOrder(ctx, f.NewOrder(0, 1))
		must(t, err)
		return o
	}
	first, second, canceled := order(), order(), order()
	must(t, s.CancelOrder(ctx, canceled.ID))
	session := buycard.NewID("cs")

	must(t, s.AttachPaymentSession(ctx, first.ID, "sandbox", session))
	got, err := s.FindOrder(ctx, first.ID)
	must(t, err)
	if got.Provider != "sandbox" || got.ProviderSessionID != session {
		t.Fatalf("provider %q, session %q: want sandbox, %q", got.Provider, got.ProviderSessionID, session)
	}

	tests := []struct {
		name                         string
		orderID, provider, sessionID string
		code, message                string
	}{
		{"twice", first.ID, "sandbox", buycard.NewID("cs"),
			buycard.ECONFLICT, "This order already has a payment session."},
		{"session of another order", second.ID, "sandbox", session,
			buycard.ECONFLICT, fmt.Sprintf("Payment session %q belongs to another order.", session)},
		{"canceled order", canceled.ID, "sandbox", buycard.NewID("cs"),
			buycard.ECONFLICT, "This order is canceled, not pending."},
		{"unknown order", "ord_unknown", "sandbox", buycard.NewID("cs"),
			buycard.ENOTFOUND, `Order "ord_unknown" not found.`},
		{"no session id", second.ID, "sandbox", "",
			buycard.EINVALID, "Payment provider and session id are required."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.AttachPaymentSession(ctx, tt.orderID, tt.provider, tt.sessionID)
			wantError(t, err, tt.code, tt.message)
		})
	}
	got, err = s.FindOrder(ctx, second.ID)
	must(t, err)
	wantEqual(t, "second order", got, second)

	// Session ids are unique per provider only.
	must(t, s.AttachPaymentSession(ctx, second.ID, "stripe", session))
}

// testPreparedSession stores an order with the payment session opened
// for it before it was stored, in CreateOrder's one transaction, and
// refuses it, storing nothing, when its charge changed in between or the
// session is another order's.
func testPreparedSession(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	before := f.Stock(t, s, 0)
	prepare := func() (buycard.NewOrder, *buycard.Order) {
		n := f.NewOrder(0, 2)
		n.ID = buycard.NewID("ord")
		prepared, err := s.PrepareOrder(ctx, n)
		must(t, err)
		if prepared.ID != n.ID || prepared.Total.Amount == 0 {
			t.Fatalf("prepared order %s of %v, want id %s and a total", prepared.ID, prepared.Total, n.ID)
		}
		n.Session = &buycard.PreparedSession{Provider: "sandbox", ID: buycard.NewID("cs"), Order: prepared}
		return n, prepared
	}

	n, prepared := prepare()
	o, err := s.CreateOrder(ctx, n)
	must(t, err)
	if o.ID != prepared.ID || o.Provider != "sandbox" || o.ProviderSessionID != n.Session.ID || !o.SameCharge(prepared) {
		t.Fatalf("created %+v, want the prepared order with its session %s", o, n.Session.ID)
	}
	found, err := s.FindPaymentOrder(ctx, "sandbox", n.Session.ID, "")
	must(t, err)
	wantEqual(t, "order of the session", found.ID, o.ID)
	taken := n.Session.ID

	changed, _ := prepare()
	changed.PlatformFee.BPS++ // the operator changed the fee after the session opened
	_, err = s.CreateOrder(ctx, changed)
	wantError(t, err, buycard.ECONFLICT, "The price changed. Review the new price and try again.")
	_, err = s.FindOrder(ctx, changed.ID)
	wantError(t, err, buycard.ENOTFOUND, fmt.Sprintf("Order %q not found.", changed.ID))

	other, _ := prepare()
	other.Session.ID = taken
	_, err = s.CreateOrder(ctx, other)
	wantError(t, err, buycard.ECONFLICT, fmt.Sprintf("Payment session %q belongs to another order.", taken))
	_, err = s.FindOrder(ctx, other.ID)
	wantError(t, err, buycard.ENOTFOUND, fmt.Sprintf("Order %q not found.", other.ID))

	// Only the stored order holds units; preparing and refused orders
	// hold none.
	wantEqual(t, "units on sale", f.Stock(t, s, 0), before-2)
}

// testCancelOrder cancels orders with and without a payment session: each
// puts its units back once, and canceling again, or canceling an order no
// longer pending, changes nothing.
func testCancelOrder(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	o, err := s.CreateOrder(ctx, f.NewOrder(0, 4))
	must(t, err)
	withSession := openOrder(t, s, f, 0, 1)
	paid := openOrder(t, s, f, 0, 2)
	applyEvent(t, s, event(paid, buycard.PaymentSucceeded))
	tests := []struct {
		name, orderID string
		status        buycard.OrderStatus
		stock         int
	}{
		{"pending", o.ID, buycard.OrderCanceled, 7},
		{"twice", o.ID, buycard.OrderCanceled, 7},
		{"with a payment session", withSession.ID, buycard.OrderCanceled, 8},
		{"paid", paid.ID, buycard.OrderPaid, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			must(t, s.CancelOrder(ctx, tt.orderID))
			got, err := s.FindOrder(ctx, tt.orderID)
			must(t, err)
			if got.Status != tt.status || got.Holding() {
				t.Errorf("status %q, holding until %v: want %q, holding nothing", got.Status, got.HeldUntil, tt.status)
			}
			if stock := f.Stock(t, s, 0); stock != tt.stock {
				t.Errorf("stock = %d, want %d", stock, tt.stock)
			}
		})
	}
	wantError(t, s.CancelOrder(ctx, "ord_unknown"), buycard.ENOTFOUND, `Order "ord_unknown" not found.`)
}

func testExpiredOrders(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	now := time.Now().UTC().Truncate(time.Microsecond)
	order := func(expiresIn time.Duration) *buycard.Order {
		n := f.NewOrder(0, 1)
		n.ExpiresAt = now.Add(expiresIn)
		o, err := s.CreateOrder(ctx, n)
		must(t, err)
		return o
	}
	older, old, _ := order(-2*time.Minute), order(-time.Minute), order(time.Minute)
	canceled := order(-3 * time.Minute)
	must(t, s.CancelOrder(ctx, canceled.ID))
	paid := order(-4 * time.Minute)
	payOrder(t, s, paid)
	atNow := order(0)

	// Their holds ended with them: compare the orders by id.
	wantEqual(t, "expired orders", orderIDs(expiredOrders(t, s, f, now)), orderIDs([]*buycard.Order{older, old}))
	wantEqual(t, "expired a second later", orderIDs(expiredOrders(t, s, f, now.Add(time.Second))),
		orderIDs([]*buycard.Order{older, old, atNow}))
}

// orderIDs returns the ids of orders, in their order.
func orderIDs(orders []*buycard.Order) []string {
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	return ids
}
