package faulttest

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/pgtest"
	"github.com/buycard/buycard/backend/postgres"
	"github.com/buycard/buycard/backend/storetest"
	"github.com/buycard/buycard/ledger"
)

// postgresTemplate is the store's migrated database, made once (by this or
// another test process); each test gets a copy.
var postgresTemplate = pgtest.NewTemplate(postgres.Migrations(), postgres.MigrateDatabase)

// shoppers is how many shoppers buy at once in TestDatabaseFaults.
const shoppers = 4

// TestDatabaseFaults runs shoppers against a node whose connections to
// PostgreSQL go through a faultProxy, and breaks the database under them
// in phases: healthy, slow, connections reset again and again, down, and
// back up. Every checkout and payment the node acknowledged (2xx) must be
// in the database afterwards; the node must sell again by itself once the
// database is back, without a restart; and nothing may be half-written:
// an order is paid exactly when it has its payment record and its sale and
// fee journals, the stock taken is what the pending and paid orders hold,
// and the ledger verifies. The status of a refused request is not checked:
// any non-2xx answer is a refusal.
func TestDatabaseFaults(t *testing.T) {
	scenario(t)
	databaseURL := postgresTemplate.Database(t)
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.Addr()
	node := startNode(t, nodeEnv(u.String()))
	db := openDirect(t, databaseURL)
	f := storetest.Seed(t, db, withStock(1000))
	stock := f.Stock(t, db, 0)

	outcomes := conduct(t, proxyPhases(proxy), newShopper(t, node.Config.PublicURL, f), node.Config.PublicURL)
	wantAcknowledged(t, db, outcomes)
	wantWhole(t, db, f, stock)
}

// outcome is how one shopper's request ended.
type outcome struct {
	phase  string
	pay    bool     // POST /v1/sandbox/pay; else POST /v1/checkout
	status int      // 0: no answer
	err    error    // reading the answer
	c      checkout // the checkout made, or paid; empty if refused
}

// acknowledged reports whether the node said the request succeeded.
func (o outcome) acknowledged() bool { return o.status/100 == 2 && o.err == nil }

// phase is one state of the system under the shoppers, kept until
// enough of their requests ended in it.
type phase struct {
	name string
	// enter breaks or mends something when the phase begins; after, when
	// not nil, runs after each request that ends in it.
	enter, after func()
	// The phase lasts until so many requests ended in it, and so many of
	// them were purchases (acknowledged payments).
	requests, purchases int
}

// proxyPhases break the database behind p.
func proxyPhases(p *faultProxy) []phase {
	return []phase{
		{name: "healthy", purchases: 5},
		{name: "slow", enter: func() { p.SetLatency(5 * time.Millisecond) }, requests: 20},
		{name: "connections reset", enter: func() { p.SetLatency(0) }, after: p.Reset, requests: 30},
		{name: "down", enter: func() { p.SetDown(true) }, requests: 30},
		{name: "back up", enter: func() { p.SetDown(false) }, purchases: 5},
	}
}

// phaseTimeout bounds how long a phase may wait for its requests: a node
// that hangs, or never recovers, fails the test instead of stalling it.
const phaseTimeout = time.Minute

// conduct runs the shoppers, buying at base (a node, or a proxy in front
// of nodes), through the phases and returns the outcome of every request
// they made. It logs how each phase went and how long the first purchase
// took in each.
func conduct(t *testing.T, phases []phase, s *shopper, base string) (all []outcome) {
	t.Helper()
	results := make(chan outcome)
	stop := make(chan struct{})
	var current atomic.Value // the name of the phase requests end in
	current.Store(phases[0].name)
	phaseOf := func() string { return current.Load().(string) }
	var wg sync.WaitGroup
	for range shoppers {
		wg.Go(func() { shop(s, base, stop, phaseOf, results) })
	}
	defer func() { // the shoppers finish their last requests, which count too
		close(stop)
		go func() { wg.Wait(); close(results) }()
		for o := range results {
			all = append(all, o)
		}
	}()
	for _, p := range phases {
		current.Store(p.name)
		if p.enter != nil {
			p.enter()
		}
		all = append(all, runPhase(t, p, results)...)
	}
	return all
}

// runPhase collects the outcomes of requests until p is done.
func runPhase(t *testing.T, p phase, results <-chan outcome) []outcome {
	t.Helper()
	start := time.Now()
	timeout := time.NewTimer(phaseTimeout)
	defer timeout.Stop()
	var got []outcome
	var acknowledged, purchases int
	for len(got) < p.requests || purchases < p.purchases {
		select {
		case o := <-results:
			got = append(got, o)
			if o.acknowledged() {
				acknowledged++
			}
			if o.acknowledged() && o.pay {
				if purchases++; purchases == 1 {
					t.Logf("%s: first purchase after %v", p.name, time.Since(start).Round(time.Millisecond))
				}
			}
			if p.after != nil {
				p.after()
			}
		case <-timeout.C:
			t.Fatalf("%s: %d requests and %d purchases in %v", p.name, len(got), purchases, phaseTimeout)
		}
	}
	t.Logf("%s: %d requests, %d acknowledged, %d purchases", p.name, len(got), acknowledged, purchases)
	return got
}

// shop buys one unit after another at base until stop is closed, and
// reports how each request ended, in the phase phaseOf names then.
func shop(s *shopper, base string, stop <-chan struct{}, phaseOf func() string, report chan<- outcome) {
	ctx := context.Background()
	for {
		select {
		case <-stop:
			return
		default:
		}
		c, status, err := s.checkout(ctx, base, 1)
		report <- outcome{phase: phaseOf(), status: status, err: err, c: c}
		if status != http.StatusCreated || err != nil {
			continue
		}
		status, err = s.pay(ctx, base, c)
		report <- outcome{phase: phaseOf(), pay: true, status: status, err: err, c: c}
	}
}

// wantAcknowledged checks that what the node acknowledged is in the
// database: each checkout's order with its session, holding its unit or
// paid since; each payment's order paid, with its sale journal.
func wantAcknowledged(t *testing.T, db *direct, outcomes []outcome) {
	t.Helper()
	sales := db.saleJournals(t)
	for _, o := range outcomes {
		if !o.acknowledged() {
			continue
		}
		stored, err := db.FindOrder(t.Context(), o.c.Order.ID)
		switch {
		case err != nil:
			t.Errorf("%s: acknowledged order %s: %v", o.phase, o.c.Order.ID, err)
		case !o.pay && (stored.ProviderSessionID != o.c.Payment.SessionID || !holdsStock(stored)):
			t.Errorf("%s: acknowledged checkout of order %s: stored %s with session %q, want %q holding its unit",
				o.phase, stored.ID, stored.Status, stored.ProviderSessionID, o.c.Payment.SessionID)
		case o.pay && (stored.Status != buycard.OrderPaid || sales[stored.ID] != 1):
			t.Errorf("%s: acknowledged payment of order %s: stored %s with %d sale journals, want paid with one",
				o.phase, stored.ID, stored.Status, sales[stored.ID])
		}
	}
}

// holdsStock reports whether o holds its units: pending (reserved) or
// paid (sold).
func holdsStock(o *buycard.Order) bool {
	return o.Status == buycard.OrderPending || o.Status == buycard.OrderPaid
}

// wantWhole checks that nothing is half-written: each order is paid
// exactly when it has a payment record and its two journals (sale and
// processor fee) and no other order has any; the stock taken since the
// scenario began is what the orders holding stock hold; the ledger
// verifies and holds no other journal.
func wantWhole(t *testing.T, db *direct, f storetest.Fixture, stockBefore int) {
	t.Helper()
	recorded := make(map[string]bool)
	for _, id := range db.column(t, `SELECT order_id FROM payment_events WHERE type = 'payment.succeeded'`) {
		recorded[id] = true
	}
	var held, paid int
	statuses := make(map[string]int)
	for _, id := range db.column(t, `SELECT id FROM orders`) {
		o, err := db.FindOrder(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		statuses[orderState(o)]++
		journals, err := db.OrderJournals(t.Context(), id)
		isPaid := o.Status == buycard.OrderPaid
		if err != nil || isPaid != recorded[id] || isPaid != isSale(journals) || !isPaid && len(journals) > 0 {
			t.Errorf("order %s is %s, with payment record %v and journals %+v (%v)", id, o.Status, recorded[id], journals, err)
		}
		if isPaid {
			paid++
		}
		if holdsStock(o) {
			held += o.Quantity
		}
	}
	if stock := f.Stock(t, db, 0); stockBefore-stock != held {
		t.Errorf("stock %d → %d, but the orders holding stock hold %d", stockBefore, stock, held)
	}
	if v := db.wantLedgerOK(t); v.Journals != 2*paid {
		t.Errorf("%d journals for %d paid orders, want a sale and a fee each", v.Journals, paid)
	}
	t.Logf("orders by status: %v", statuses)
}

// orderState is o's status, and for a pending order whether it got its
// payment session: a checkout that failed after creating its order leaves
// it pending without one, holding its units until the sweeper cancels it
// at its expiry.
func orderState(o *buycard.Order) string {
	if o.Status == buycard.OrderPending && o.ProviderSessionID == "" {
		return "pending without a session"
	}
	return string(o.Status)
}

// isSale reports whether journals are a paid order's: its sale and the
// processor's fee.
func isSale(journals []ledger.Journal) bool {
	return len(journals) == 2 && journals[0].Kind == ledger.KindSale && journals[1].Kind == ledger.KindProcessorFee
}
