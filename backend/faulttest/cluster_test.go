package faulttest

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/cluster"
	"github.com/buycard/buycard/backend/redisstore/redistest"
	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/ledger"
)

// The size of TestCluster: purchases in lanes, each lane a shopper of
// its own network, and the checkouts one network may start a minute.
const (
	clusterPurchases = 24
	clusterLanes     = 4
	clusterPerIP     = 8
)

// TestCluster runs three nodes behind Caddy (package cluster), sharing a
// PostgreSQL database, Redis (BUYCARD_TEST_REDIS_URL) and Stripe (the
// fake), as `make cluster` does, and checks what a cluster must keep:
//
//   - purchases through Caddy land on more than one node, and each order
//     is paid once although Stripe's webhook reaches one node and the
//     shopper's return from checkout another, at once;
//   - the sweeper and the share transfers, run on every node at once, do
//     each thing once;
//   - a network's checkouts are limited across the nodes (Redis), by the
//     address Caddy saw, whatever X-Forwarded-For the client sent;
//   - the beacons' per-network bound and de-duplication hold across the
//     nodes;
//   - a price change shows on every node within the card cache's TTL.
func TestCluster(t *testing.T) {
	scenario(t)
	redisURL := redistest.URL(t)
	shop := newStripeShop(t, 1000)
	err := shop.db.LinkPaymentAccount(t.Context(), &buycard.PaymentAccount{
		ID: "acct_faulttest_publisher", PartyKind: buycard.PartyPublisher, PartyID: shop.fixture.Publisher.ID, ChargesEnabled: true, PayoutsEnabled: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(shop.env, map[string]string{
		"BUYCARD_REDIS_URL":        redisURL,
		"BUYCARD_CHECKOUTS_PER_IP": strconv.Itoa(clusterPerIP),
		// Shares are due at once, for the transfers.
		"BUYCARD_PUBLISHER_HOLD": "0s",
	})
	c := startCluster(t, shop.env)
	s := newShopper(t, c.URL, shop.fixture)
	// One after another: parallel subtests would wait for the slots of
	// the package's other scenarios (-parallel), and the cluster with
	// them. The beacons first: the funnel counts a checkout as seen and
	// tapped too (FunnelDay.Nested), which would hide the impressions.
	t.Run("beacons", func(t *testing.T) { clusterBeacons(t, c, shop, s.token) })
	t.Run("purchases", func(t *testing.T) { clusterPurchase(t, c, shop, s) })
	t.Run("checkout limit", func(t *testing.T) { clusterLimit(t, c, s) })
	t.Run("upkeep", func(t *testing.T) { clusterUpkeep(t, shop, c.URL) })
	t.Run("price change", func(t *testing.T) { clusterPriceChange(t, c, shop) })
	shop.db.wantLedgerOK(t)
}

// clusterPurchase buys through Caddy in lanes, each lane a shopper of its
// own network. Each order is paid at Stripe and its payment delivered at
// once as Stripe's webhook to one node and as the shopper's return to
// another; it must be paid once. The checkouts must have been answered by
// more than one node.
func clusterPurchase(t *testing.T, c *cluster.Cluster, shop *stripeShop, s *shopper) {
	for lane := range clusterLanes {
		ls := s.fromLoopback(randomLoopback())
		for i := lane; i < clusterPurchases; i += clusterLanes {
			purchaseAcross(t, c, shop, ls, i)
		}
	}
	var answered []string
	for _, n := range c.Nodes {
		if created := requests(t, n, http.MethodPost, "/v1/checkout")[http.StatusCreated]; created > 0 {
			answered = append(answered, fmt.Sprintf("%s: %v", n.Name, created))
		}
	}
	t.Logf("checkouts made by node: %v", answered)
	if len(answered) < 2 {
		t.Errorf("checkouts through Caddy were made by %v, want more than one node", answered)
	}
}

// purchaseAcross buys one unit through Caddy and pays it at Stripe; the
// payment is delivered at once as Stripe's webhook to one node and as the
// shopper's return to another, which of them depending on i. The order
// must be paid once.
func purchaseAcross(t *testing.T, c *cluster.Cluster, shop *stripeShop, s *shopper, i int) {
	t.Helper()
	started, status, err := s.checkout(t.Context(), c.URL, 1)
	if status != http.StatusCreated || err != nil {
		t.Fatalf("checkout through Caddy: %d, %v", status, err)
	}
	shop.fake.PaySession(started.Payment.SessionID, "pi_"+started.Order.ID)
	p := payment{eventID: "evt_" + started.Order.ID, created: time.Now().Truncate(time.Second)}
	webhook, back := c.Nodes[i%len(c.Nodes)].URL, c.Nodes[(i+1)%len(c.Nodes)].URL
	p.deliver(t, shop.fake, started, []string{webhook}, []string{back})
	wantPaidOnce(t, shop.db, started, p.eventID)
}

// clusterLimit starts twice the per-network limit of checkouts through
// Caddy, one after the other, from one network: the nodes share the count
// in Redis, so exactly the limit is made and the rest refused, the
// refusals coming from more than one node. Half the checkouts claim
// another network in X-Forwarded-For, which Caddy replaces with the
// address it saw.
func clusterLimit(t *testing.T, c *cluster.Cluster, s *shopper) {
	before := make([]float64, len(c.Nodes))
	for i, n := range c.Nodes {
		before[i] = requests(t, n, http.MethodPost, "/v1/checkout")[http.StatusTooManyRequests]
	}
	ls := s.fromLoopback(randomLoopback())
	spoofing := ls.from("203.0.113.7")
	var made, refused int
	for i := range 2 * clusterPerIP {
		who := ls
		if i%2 == 1 {
			who = spoofing
		}
		_, status, err := who.checkout(t.Context(), c.URL, 1)
		switch {
		case status == http.StatusCreated && err == nil:
			made++
		case status == http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("checkout %d: %d, %v", i, status, err)
		}
	}
	if made != clusterPerIP || refused != clusterPerIP {
		t.Errorf("%d checkouts made and %d refused from one network, want %d each", made, refused, clusterPerIP)
	}
	var refusing int
	for i, n := range c.Nodes {
		if requests(t, n, http.MethodPost, "/v1/checkout")[http.StatusTooManyRequests] > before[i] {
			refusing++
		}
	}
	if refusing < 2 {
		t.Errorf("%d nodes refused checkouts, want the refusals spread over more than one", refusing)
	}
}

// clusterBeacons sends impressions of the card through Caddy, one beacon
// each, so that they reach every node: from one network, more than the
// per-network bound of distinct page views; from another, one page view's
// impression three times. Once the nodes have flushed them, the funnel
// must have counted the bound and one, and discarded the rest as over the
// limit and as duplicates.
func clusterBeacons(t *testing.T, c *cluster.Cluster, shop *stripeShop, token string) {
	const over = 15
	flood, repeat := loopbackClient(randomLoopback()), loopbackClient(randomLoopback())
	wantSameMinute(t)
	for i := range analytics.PerNetwork + over {
		beacon(t, flood, c.URL, fmt.Sprintf("floodpage%013d", i), token)
	}
	for range 3 {
		beacon(t, repeat, c.URL, "repeatpage000000000000", token)
	}
	want := buycard.FunnelDay{Impressions: analytics.PerNetwork + 1, Discarded: buycard.FunnelDiscards{OverLimit: over, Duplicate: 2}}
	day := time.Now().UTC().Format(buycard.DayLayout)
	q := buycard.FunnelQuery{WidgetID: shop.fixture.Widget.ID, From: day, To: day}
	var got buycard.FunnelDay
	waitFor(t, 20*time.Second, func() bool {
		days, err := shop.db.FunnelDays(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		got = buycard.FunnelDay{}
		for _, d := range days {
			got.Impressions += d.Impressions
			got.Discarded.Add(d.Discarded)
		}
		return got.Impressions+got.Discarded.Total() >= want.Impressions+want.Discarded.Total()
	})
	if got.Impressions != want.Impressions || got.Discarded != want.Discarded {
		t.Errorf("funnel: %d impressions, discarded %+v; want %d, %+v", got.Impressions, got.Discarded, want.Impressions, want.Discarded)
	}
}

// wantSameMinute waits, when the minute is about to turn, until it has:
// the beacons' bound is per minute, and clusterBeacons sends its flood
// within one.
func wantSameMinute(t *testing.T) {
	t.Helper()
	if left := time.Until(time.Now().Truncate(time.Minute).Add(time.Minute)); left < 5*time.Second {
		<-time.After(left) // the event waited for is the minute's turn
	}
}

// beacon sends one impression of the card of token, as page view page
// (22 characters), through the client c to base.
func beacon(t *testing.T, c *http.Client, base, page, token string) {
	t.Helper()
	body := fmt.Sprintf(`{"v":1,"page":%q,"events":[{"type":"impression","token":%q,"at":%d}]}`, page, token, time.Now().UnixMilli())
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/v1/events", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	req.Header.Set("User-Agent", "Mozilla/5.0 Chrome/131.0")
	if status, err := sendWith(c, req, nil); status != http.StatusNoContent {
		t.Fatalf("beacon: %d, %v", status, err)
	}
}

// clusterUpkeep runs the upkeep (the sweeper) and the share transfers on
// three nodes of the cluster at publicURL at once, twice, with orders
// left pending past their expiry to cancel and the purchases' shares due:
// each expired order is cancelled once (its unit back in stock once),
// each share released once and transferred once. The nodes are opened in
// this process, so that the test decides when they run their upkeep.
func clusterUpkeep(t *testing.T, shop *stripeShop, publicURL string) {
	const expired = 5
	stock := shop.fixture.Stock(t, shop.db, 0)
	for range expired {
		o := shop.fixture.NewOrder(0, 1)
		o.ExpiresAt = o.Now.Add(-time.Minute)
		if _, err := shop.db.CreateOrder(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	env := maps.Clone(shop.env)
	env["BUYCARD_PUBLIC_URL"] = publicURL
	var nodes []*server.Main
	for range 3 {
		m, err := openNode(t.Context(), env)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		nodes = append(nodes, m)
	}
	for range 2 {
		upkeepEverywhere(t, nodes)
	}
	if got := shop.fixture.Stock(t, shop.db, 0); got != stock {
		t.Errorf("stock = %d after the expired orders were cancelled, want %d as before them", got, stock)
	}
	paid := len(shop.db.saleJournals(t))
	releases := shop.db.column(t, `SELECT order_id FROM ledger_journals WHERE kind = $1`, string(ledger.KindPublisherRelease))
	transfers := make(map[string]int)
	for _, tr := range shop.fake.Created("/v1/transfers") {
		transfers[tr.Get("source_transaction")]++
	}
	if len(releases) != paid || len(transfers) != paid {
		t.Errorf("%d paid orders, %d share releases, transfers from %d charges; want one each", paid, len(releases), len(transfers))
	}
	for charge, n := range transfers {
		if n != 1 {
			t.Errorf("%d transfers from charge %s, want one", n, charge)
		}
	}
}

// upkeepEverywhere runs the sweeper and the share transfers on every
// node at once.
func upkeepEverywhere(t *testing.T, nodes []*server.Main) {
	t.Helper()
	var wg sync.WaitGroup
	now := time.Now()
	for _, m := range nodes {
		w := m.Workflows()
		wg.Go(func() {
			if err := w.Sweep(t.Context(), now); err != nil {
				t.Errorf("sweep: %v", err)
			}
		})
		wg.Go(func() {
			if _, err := w.RunStripePayouts(t.Context(), now); err != nil {
				t.Errorf("share transfers: %v", err)
			}
		})
	}
	wg.Wait()
}

// clusterPriceChange reads the card from every node, changes its price
// in the database, and waits for every node to show the new price: each
// must within the card cache's TTL (api.Config.ResponseCacheTTL, 5 s).
func clusterPriceChange(t *testing.T, c *cluster.Cluster, shop *stripeShop) {
	const ttl, price = 5 * time.Second, 2718 // shows as 27.18
	ref := shop.fixture.Widget.ID + ":" + shop.fixture.Placement.ID
	for _, n := range c.Nodes {
		if html := cardHTML(t, n.URL, ref); strings.Contains(html, "27.18") {
			t.Fatalf("%s shows the new price before the change", n.Name)
		}
	}
	p, err := shop.db.FindProduct(t.Context(), shop.fixture.Product.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Variants {
		p.Variants[i].Price = price
	}
	if err := shop.db.UpdateProduct(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	changed := time.Now()
	for _, n := range c.Nodes {
		waitFor(t, 2*ttl, func() bool { return strings.Contains(cardHTML(t, n.URL, ref), "27.18") })
		if took := time.Since(changed); took > ttl+time.Second {
			t.Errorf("%s showed the new price after %v, past the cache's %v", n.Name, took, ttl)
		}
	}
}

// cardHTML reads the card ref's HTML from the node at base.
func cardHTML(t *testing.T, base, ref string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/v1/cards?ids="+ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	var cards struct {
		Cards map[string]struct{ HTML string }
	}
	if status, err := send(req, &cards); status != http.StatusOK || err != nil {
		t.Fatalf("GET %s/v1/cards: %d, %v", base, status, err)
	}
	return cards.Cards[ref].HTML
}

// waitFor polls done until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		select {
		case <-ctx.Done():
			t.Fatalf("not done after %v", timeout)
		case <-tick.C:
		}
	}
}
