package analytics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/failover"
)

const browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// net1 is the client network of most tests.
const net1 = "198.51.100.7"

var t0 = time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)

// memStore sums what flushes add, and fails while fail is set.
type memStore struct {
	mu     sync.Mutex
	counts map[buycard.FunnelKey]buycard.FunnelCounts
	fail   bool
}

func (m *memStore) AddFunnelCounts(_ context.Context, counts map[buycard.FunnelKey]buycard.FunnelCounts) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return errors.New("database down")
	}
	if m.counts == nil {
		m.counts = map[buycard.FunnelKey]buycard.FunnelCounts{}
	}
	for k, c := range counts {
		cur := m.counts[k]
		cur.Add(c)
		m.counts[k] = cur
	}
	return nil
}

func newSigner(t *testing.T) *buycard.TokenSigner {
	t.Helper()
	tokens, err := buycard.NewTokenSigner("k1", map[string][]byte{"k1": []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

func newTestIngestor(t *testing.T, opts Options) (*Ingestor, *memStore, *buycard.TokenSigner) {
	t.Helper()
	tokens, store := newSigner(t), &memStore{}
	return New(tokens, store, opts), store, tokens
}

// claims are those of a token card data served at t0 for widget w on
// placement p of pub_1.
func claims(w, p string) buycard.PlacementClaims {
	return buycard.PlacementClaims{WidgetID: w, ProductID: "prd_1", PublisherID: "pub_1", PlacementID: p, PriceVersion: 1,
		ExpiresAt: t0.Add(24 * time.Hour), ServedAt: t0}
}

// token signs claims(w, p).
func token(s *buycard.TokenSigner, w, p string) string { return s.SignPlacement(claims(w, p)) }

// body is a batch of page with one event per "type:token" pair, at t0.
func body(page string, events ...[2]string) []byte {
	var list []string
	for _, e := range events {
		list = append(list, fmt.Sprintf(`{"type":%q,"token":%q,"at":%d}`, e[0], e[1], t0.UnixMilli()))
	}
	return []byte(`{"v":1,"page":"` + page + `","events":[` + strings.Join(list, ",") + `]}`)
}

// page is a valid page-view id ending in c.
func page(c string) string { return strings.Repeat("p", pageIDLength-len(c)) + c }

// add ingests b at t0 from a browser on net1.
func add(t *testing.T, in *Ingestor, b []byte) {
	t.Helper()
	addFrom(t, in, b, t0, browserUA, net1)
}

func addFrom(t *testing.T, in *Ingestor, b []byte, now time.Time, ua, network string) {
	t.Helper()
	if err := in.Add(t.Context(), b, now, ua, network); err != nil {
		t.Fatalf("Add: %v", err)
	}
}

// flushed flushes in and returns what the store holds.
func flushed(t *testing.T, in *Ingestor, store *memStore) map[buycard.FunnelKey]buycard.FunnelCounts {
	t.Helper()
	if err := in.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	return store.counts
}

func key(w, p string) buycard.FunnelKey {
	return buycard.FunnelKey{Day: "2026-12-01", WidgetID: w, PlacementID: p, PublisherID: "pub_1"}
}

func wantCounts(t *testing.T, got map[buycard.FunnelKey]buycard.FunnelCounts, want map[buycard.FunnelKey]buycard.FunnelCounts) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("counts:\n got %v\nwant %v", got, want)
	}
}

func TestAddCountsOncePerPageView(t *testing.T) {
	t.Parallel()
	in, store, s := newTestIngestor(t, Options{})
	a, b := token(s, "wgt_a", "plc_1"), token(s, "wgt_b", "")
	imp, click := buycard.EventImpression, buycard.EventClick
	add(t, in, body(page("1"), [2]string{imp, a}, [2]string{imp, a}, [2]string{click, a}, [2]string{imp, b}))
	add(t, in, body(page("1"), [2]string{imp, a}, [2]string{click, a}, [2]string{click, b})) // a again: duplicates
	add(t, in, body(page("2"), [2]string{imp, a}))                                           // another page view
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{
		key("wgt_a", "plc_1"): {Impressions: 2, Clicks: 1, Discarded: buycard.FunnelDiscards{Duplicate: 3}},
		key("wgt_b", ""):      {Impressions: 1, Clicks: 1},
	})
	if st := in.Stats(); st.Counted != 5 || st.Discarded.Duplicate != 3 || st.Batches != 3 {
		t.Fatalf("stats %+v, want 5 counted, 3 duplicates, 3 batches", st)
	}
}

// TestEntryCountsALinkVisit: a checkout opened from a link counts as a
// view and a tap, once per network and token, not for bots or over the
// bound, and nothing for a token that does not verify.
func TestEntryCountsALinkVisit(t *testing.T) {
	t.Parallel()
	in, store, s := newTestIngestor(t, Options{})
	a, b := token(s, "wgt_a", "plc_1"), token(s, "wgt_b", "")
	in.Entry(t.Context(), a, t0, browserUA, net1)
	in.Entry(t.Context(), a, t0.Add(time.Second), browserUA, net1)                   // a reload
	in.Entry(t.Context(), a, t0, browserUA, "2001:db8:1:2::/64")                     // another shopper
	in.Entry(t.Context(), b, t0, "Googlebot/2.1", net1)                              // a crawler
	in.Entry(t.Context(), "not a token", t0, browserUA, net1)                        // counts nothing
	in.Entry(t.Context(), a, t0.Add(ProofTTL+time.Minute), browserUA, "203.0.113.9") // a stale link
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{
		key("wgt_a", "plc_1"): {Impressions: 2, Clicks: 2, Discarded: buycard.FunnelDiscards{Duplicate: 2, Unproven: 2}},
		key("wgt_b", ""):      {Discarded: buycard.FunnelDiscards{Bot: 2}},
	})
	if st := in.Stats(); st.BadToken != 2 {
		t.Fatalf("stats %+v, want 2 bad tokens", st)
	}
}

func TestAddDiscardsBots(t *testing.T) {
	t.Parallel()
	in, store, s := newTestIngestor(t, Options{})
	b := body(page("1"), [2]string{buycard.EventImpression, token(s, "wgt_a", "")})
	bots := []string{"", "  ", "Googlebot/2.1 (+http://www.google.com/bot.html)", "facebookexternalhit/1.1",
		"curl/8.5.0", "Wget/1.21", "python-requests/2.31", "Go-http-client/1.1", "Mozilla/5.0 (compatible; bingbot/2.0)",
		"Mozilla/5.0 (compatible; Yahoo! Slurp)", "Baiduspider", "AhrefsCrawler"}
	for _, ua := range bots {
		addFrom(t, in, b, t0, ua, net1)
	}
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{
		key("wgt_a", ""): {Discarded: buycard.FunnelDiscards{Bot: int64(len(bots))}},
	})
	headless := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"
	addFrom(t, in, b, t0, headless, net1)
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{
		key("wgt_a", ""): {Impressions: 1, Discarded: buycard.FunnelDiscards{Bot: int64(len(bots))}},
	})
}

func TestAddDropsEventsItCannotAttribute(t *testing.T) {
	t.Parallel()
	in, store, s := newTestIngestor(t, Options{})
	other, _ := buycard.NewTokenSigner("k2", map[string][]byte{"k2": []byte(strings.Repeat("x", 32))})
	expired := claims("wgt_old", "")
	expired.ExpiresAt = t0
	imp := buycard.EventImpression
	events := [][2]string{
		{imp, "bc1.p.k1.garbage.sig"},
		{imp, other.SignPlacement(claims("wgt_forged", ""))},
		{imp, s.SignPlacement(expired)},
		{imp, s.SignOrder(buycard.OrderClaims{OrderID: "ord_1", ExpiresAt: t0.Add(time.Hour)})},
		{"purchase", token(s, "wgt_type", "")},
		{imp, token(s, "wgt_ok", "")},
	}
	b := body(page("1"), events...)
	stale := []byte(fmt.Sprintf(`{"v":1,"page":%q,"events":[{"type":"click","token":%q,"at":%d}]}`, page("2"), token(s, "wgt_ok", ""), t0.Add(-48*time.Hour).UnixMilli()))
	add(t, in, b)
	add(t, in, stale)
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{key("wgt_ok", ""): {Impressions: 1}})
	if st := in.Stats(); st.BadToken != 4 || st.BadEvent != 2 || st.Counted != 1 {
		t.Fatalf("stats %+v, want 4 bad tokens, 2 bad events, 1 counted", st)
	}
}

// TestAddNeedsAServedCard: a token counts only while the card response
// that served it is recent; the rest is reported as unproven.
func TestAddNeedsAServedCard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		servedAt time.Time
		counts   bool
	}{
		{"served now", t0, true},
		{"served 29 minutes ago", t0.Add(-29 * time.Minute), true},
		{"served by a node a few seconds ahead", t0.Add(30 * time.Second), true},
		{"not from card data (hosted page, offer)", time.Time{}, false},
		{"served 30 minutes ago", t0.Add(-ProofTTL), false},
		{"served yesterday", t0.Add(-24 * time.Hour), false},
		{"served in the future", t0.Add(2 * time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, store, s := newTestIngestor(t, Options{})
			c := claims("wgt_a", "plc_1")
			c.ServedAt = tt.servedAt
			tok := s.SignPlacement(c)
			add(t, in, body(page("1"), [2]string{buycard.EventImpression, tok}, [2]string{buycard.EventClick, tok}))
			want := buycard.FunnelCounts{Discarded: buycard.FunnelDiscards{Unproven: 2}}
			if tt.counts {
				want = buycard.FunnelCounts{Impressions: 1, Clicks: 1}
			}
			wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{key("wgt_a", "plc_1"): want})
		})
	}
}

// TestAddBoundsOneNetwork floods one placement with fresh page views from
// one network: PerNetwork impressions and clicks count per minute, the
// rest is reported over the limit, and nobody else is held up.
func TestAddBoundsOneNetwork(t *testing.T) {
	t.Parallel()
	in, store, s := newTestIngestor(t, Options{})
	flood, other := token(s, "wgt_a", "plc_1"), token(s, "wgt_a", "plc_2")
	const views = 3 * PerNetwork
	for i := range views {
		add(t, in, body(page(fmt.Sprint(i)), [2]string{buycard.EventImpression, flood}, [2]string{buycard.EventClick, flood}))
	}
	// Within the same minute: another network, and another placement.
	addFrom(t, in, body(page("x"), [2]string{buycard.EventImpression, flood}), t0.Add(59*time.Second), browserUA, "2001:db8:1:2::/64")
	add(t, in, body(page("y"), [2]string{buycard.EventImpression, other}))
	over := int64(views - PerNetwork)
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{
		key("wgt_a", "plc_1"): {Impressions: PerNetwork + 1, Clicks: PerNetwork, Discarded: buycard.FunnelDiscards{OverLimit: 2 * over}},
		key("wgt_a", "plc_2"): {Impressions: 1},
	})
	// The next minute, the network may add as much again.
	addFrom(t, in, body(page("next"), [2]string{buycard.EventImpression, flood}), t0.Add(time.Minute), browserUA, net1)
	if got := flushed(t, in, store)[key("wgt_a", "plc_1")].Impressions; got != PerNetwork+2 {
		t.Fatalf("impressions after a minute = %d, want %d", got, PerNetwork+2)
	}
}

// TestAddOverTheBoundIsNotRemembered: events over the bound leave no
// trace in the de-duplication, so a flood costs memory per placement and
// minute only, and a page view held up by the bound still counts later.
func TestAddOverTheBoundIsNotRemembered(t *testing.T) {
	t.Parallel()
	in, store, s := newTestIngestor(t, Options{})
	tok := token(s, "wgt_a", "")
	for i := range PerNetwork + 1 {
		add(t, in, body(page(fmt.Sprint(i)), [2]string{buycard.EventImpression, tok}))
	}
	addFrom(t, in, body(page(fmt.Sprint(PerNetwork)), [2]string{buycard.EventImpression, tok}), t0.Add(time.Minute), browserUA, net1)
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{
		key("wgt_a", ""): {Impressions: PerNetwork + 1, Discarded: buycard.FunnelDiscards{OverLimit: 1}},
	})
}

func TestAddRefusesMalformedBatches(t *testing.T) {
	t.Parallel()
	in, store, s := newTestIngestor(t, Options{})
	tok := token(s, "wgt_a", "")
	many := func(n int) []byte {
		events := make([][2]string, n)
		for i := range events {
			events[i] = [2]string{buycard.EventImpression, tok}
		}
		return body(page("1"), events...)
	}
	for name, b := range map[string][]byte{
		"not JSON":       []byte(`{"v":1,`),
		"empty":          nil,
		"array":          []byte(`[]`),
		"version 2":      []byte(`{"v":2,"page":"` + page("1") + `","events":[]}`),
		"no page":        []byte(`{"v":1,"events":[]}`),
		"short page":     body("abc"),
		"bad page chars": body(page("!")),
		"events string":  []byte(`{"v":1,"page":"` + page("1") + `","events":"x"}`),
		"201 events":     many(201),
		"too large":      append(many(1), make([]byte, MaxBatchBytes)...),
	} {
		err := in.Add(t.Context(), b, t0, browserUA, net1)
		if buycard.ErrorCode(err) != buycard.EINVALID {
			t.Errorf("%s: error %v, want EINVALID", name, err)
		}
	}
	if got := flushed(t, in, store); len(got) != 0 || in.Stats().Malformed != 10 {
		t.Fatalf("malformed batches counted %v, stats %+v", got, in.Stats())
	}
	add(t, in, many(MaxBatchEvents))
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{
		key("wgt_a", ""): {Impressions: 1, Discarded: buycard.FunnelDiscards{Duplicate: PerNetwork - 1, OverLimit: MaxBatchEvents - PerNetwork}},
	})
}

// TestFlushConcurrent adds and flushes from many goroutines at once, with
// a failing store part of the time: every counted event reaches the store
// exactly once in the end.
func TestFlushConcurrent(t *testing.T) {
	t.Parallel()
	in, store, s := newTestIngestor(t, Options{})
	tok := token(s, "wgt_a", "plc_1")
	const senders, each = 8, 50
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			for j := range each {
				b := body(page(fmt.Sprintf("%d_%d", i, j)), [2]string{buycard.EventImpression, tok}, [2]string{buycard.EventClick, tok})
				addFrom(t, in, b, t0, browserUA, fmt.Sprintf("10.0.%d.%d", i, j))
			}
		})
		wg.Go(func() {
			for j := range each {
				store.mu.Lock()
				store.fail = j%3 == 0
				store.mu.Unlock()
				in.Flush(t.Context()) // failures keep their counts
			}
		})
	}
	wg.Wait()
	store.fail = false
	n := int64(senders * each)
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{key("wgt_a", "plc_1"): {Impressions: n, Clicks: n}})
	if err := in.Flush(t.Context()); err != nil || len(store.counts) != 1 {
		t.Fatalf("empty flush: %v, %v", err, store.counts)
	}
}

// failingCounters are shared counters that fail while down is set, and
// count in memory otherwise.
type failingCounters struct {
	mu    sync.Mutex
	down  bool
	calls int
	mem   *memoryCounters
}

func (f *failingCounters) Incr(ctx context.Context, ttl time.Duration, keys []string) ([]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return nil, errors.New("dial tcp 127.0.0.1:6379: connection refused")
	}
	return f.mem.Incr(ctx, ttl, keys)
}

// TestSharedCountersFailOpen: while the shared counters fail, beacons
// are still answered and judged, by this node's memory; the outage is
// logged once, not per beacon, and the shared counters are not asked
// again for a moment.
func TestSharedCountersFailOpen(t *testing.T) {
	t.Parallel()
	shared := &failingCounters{down: true, mem: newMemoryCounters(1 << 10)}
	var logs bytes.Buffer
	clock := t0
	in, store, s := newTestIngestor(t, Options{Shared: shared, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Now: func() time.Time { return clock }})
	tok := token(s, "wgt_a", "")
	for i := range 2 * PerNetwork {
		add(t, in, body(page(fmt.Sprint(i)), [2]string{buycard.EventImpression, tok}))
	}
	add(t, in, body(page("0"), [2]string{buycard.EventClick, tok}))
	add(t, in, body(page("0"), [2]string{buycard.EventClick, tok}))
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{
		key("wgt_a", ""): {Impressions: PerNetwork, Clicks: 1, Discarded: buycard.FunnelDiscards{OverLimit: PerNetwork, Duplicate: 1}},
	})
	if shared.calls != 1 {
		t.Errorf("shared counters asked %d times during the outage, want once and then left alone", shared.calls)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 {
		t.Errorf("%d warnings for one outage, want 1:\n%s", n, logs.String())
	}

	// Once the pause is over, the shared counters are used again.
	shared.mu.Lock()
	shared.down = false
	shared.mu.Unlock()
	clock = clock.Add(failover.RetryEvery)
	add(t, in, body(page("later"), [2]string{buycard.EventImpression, token(s, "wgt_b", "")}))
	if shared.calls != 3 || !strings.Contains(logs.String(), "answers again") {
		t.Errorf("after the outage: %d calls, logs:\n%s", shared.calls, logs.String())
	}
}

func TestCountSetForgetsAfterWindow(t *testing.T) {
	t.Parallel()
	s := newCountSet(time.Minute, 1<<10)
	if s.add(t0, "a") != 1 || s.add(t0.Add(10*time.Second), "a") != 2 {
		t.Fatal("a second add within the window does not count 2")
	}
	if s.add(t0.Add(40*time.Second), "a") != 3 {
		t.Fatal("forgot after one rotation")
	}
	if n := s.add(t0.Add(5*time.Minute), "a"); n != 1 {
		t.Fatalf("count %d after the window, want a fresh 1", n)
	}
}

func TestCountSetIsBounded(t *testing.T) {
	t.Parallel()
	s := newCountSet(time.Hour, countShards*4)
	for i := range 10_000 {
		s.add(t0, fmt.Sprint(i))
	}
	for i := range s.shards {
		if n := len(s.shards[i].cur) + len(s.shards[i].prev); n > 8 {
			t.Fatalf("shard %d holds %d entries, want at most 8", i, n)
		}
	}
}
