package analytics

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

const browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

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
		cur.Impressions += c.Impressions
		cur.Clicks += c.Clicks
		m.counts[k] = cur
	}
	return nil
}

func newTestIngestor(t *testing.T) (*Ingestor, *memStore, *buycard.TokenSigner) {
	t.Helper()
	tokens, err := buycard.NewTokenSigner("k1", map[string][]byte{"k1": []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	store := &memStore{}
	return New(tokens, store), store, tokens
}

// token signs a placement token of widget w on placement p of pub_1
// expiring at exp.
func token(s *buycard.TokenSigner, w, p string, exp time.Time) string {
	return s.SignPlacement(buycard.PlacementClaims{WidgetID: w, ProductID: "prd_1", PublisherID: "pub_1", PlacementID: p, PriceVersion: 1, ExpiresAt: exp})
}

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

func add(t *testing.T, in *Ingestor, b []byte, ua string) {
	t.Helper()
	if err := in.Add(b, t0, ua); err != nil {
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
	in, store, s := newTestIngestor(t)
	a, b := token(s, "wgt_a", "plc_1", t0.Add(time.Hour)), token(s, "wgt_b", "", t0.Add(time.Hour))
	imp, click := buycard.EventImpression, buycard.EventClick
	add(t, in, body(page("1"), [2]string{imp, a}, [2]string{imp, a}, [2]string{click, a}, [2]string{imp, b}), browserUA)
	add(t, in, body(page("1"), [2]string{imp, a}, [2]string{click, a}, [2]string{click, b}), browserUA) // a again: duplicates
	add(t, in, body(page("2"), [2]string{imp, a}), browserUA)                                           // another page view
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{
		key("wgt_a", "plc_1"): {Impressions: 2, Clicks: 1},
		key("wgt_b", ""):      {Impressions: 1, Clicks: 1},
	})
	if st := in.Stats(); st.Counted != 5 || st.Duplicate != 3 || st.Batches != 3 {
		t.Fatalf("stats %+v, want 5 counted, 3 duplicates, 3 batches", st)
	}
}

func TestAddDropsBots(t *testing.T) {
	in, store, s := newTestIngestor(t)
	b := body(page("1"), [2]string{buycard.EventImpression, token(s, "wgt_a", "", t0.Add(time.Hour))})
	for _, ua := range []string{"", "  ", "Googlebot/2.1 (+http://www.google.com/bot.html)", "facebookexternalhit/1.1",
		"curl/8.5.0", "Wget/1.21", "python-requests/2.31", "Go-http-client/1.1", "Mozilla/5.0 (compatible; bingbot/2.0)",
		"Mozilla/5.0 (compatible; Yahoo! Slurp)", "Baiduspider", "AhrefsCrawler"} {
		add(t, in, b, ua)
	}
	if got := flushed(t, in, store); len(got) != 0 {
		t.Fatalf("bots counted: %v", got)
	}
	headless := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"
	add(t, in, b, headless)
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{key("wgt_a", ""): {Impressions: 1}})
	if st := in.Stats(); st.Bots != 12 {
		t.Fatalf("stats %+v, want 12 bots", st)
	}
}

func TestAddDropsEventsItCannotAttribute(t *testing.T) {
	in, store, s := newTestIngestor(t)
	other, _ := buycard.NewTokenSigner("k2", map[string][]byte{"k2": []byte(strings.Repeat("x", 32))})
	imp := buycard.EventImpression
	recent := token(s, "wgt_late", "", t0.Add(-23*time.Hour)) // expired, within the grace
	events := [][2]string{
		{imp, "bc1.p.k1.garbage.sig"},
		{imp, token(other, "wgt_forged", "", t0.Add(time.Hour))},
		{imp, token(s, "wgt_old", "", t0.Add(-25*time.Hour))},
		{imp, s.SignOrder(buycard.OrderClaims{OrderID: "ord_1", ExpiresAt: t0.Add(time.Hour)})},
		{"purchase", token(s, "wgt_type", "", t0.Add(time.Hour))},
		{imp, recent},
	}
	b := body(page("1"), events...)
	stale := []byte(fmt.Sprintf(`{"v":1,"page":%q,"events":[{"type":"click","token":%q,"at":%d}]}`, page("2"), recent, t0.Add(-48*time.Hour).UnixMilli()))
	add(t, in, b, browserUA)
	add(t, in, stale, browserUA)
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{key("wgt_late", ""): {Impressions: 1}})
	if st := in.Stats(); st.BadToken != 4 || st.BadEvent != 2 || st.Counted != 1 {
		t.Fatalf("stats %+v, want 4 bad tokens, 2 bad events, 1 counted", st)
	}
}

func TestAddRefusesMalformedBatches(t *testing.T) {
	in, store, s := newTestIngestor(t)
	tok := token(s, "wgt_a", "", t0.Add(time.Hour))
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
		err := in.Add(b, t0, browserUA)
		if buycard.ErrorCode(err) != buycard.EINVALID {
			t.Errorf("%s: error %v, want EINVALID", name, err)
		}
	}
	if got := flushed(t, in, store); len(got) != 0 || in.Stats().Malformed != 10 {
		t.Fatalf("malformed batches counted %v, stats %+v", got, in.Stats())
	}
	add(t, in, many(MaxBatchEvents), browserUA)
	wantCounts(t, flushed(t, in, store), map[buycard.FunnelKey]buycard.FunnelCounts{key("wgt_a", ""): {Impressions: 1}})
}

// TestFlushConcurrent adds and flushes from many goroutines at once, with
// a failing store part of the time: every counted event reaches the store
// exactly once in the end.
func TestFlushConcurrent(t *testing.T) {
	in, store, s := newTestIngestor(t)
	tok := token(s, "wgt_a", "plc_1", t0.Add(time.Hour))
	const senders, each = 8, 50
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			for j := range each {
				add(t, in, body(page(fmt.Sprintf("%d_%d", i, j)), [2]string{buycard.EventImpression, tok}, [2]string{buycard.EventClick, tok}), browserUA)
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

func TestSeenSetForgetsAfterWindow(t *testing.T) {
	s := newSeenSet(time.Minute, 1<<10)
	if s.seen(t0, "a") || !s.seen(t0.Add(10*time.Second), "a") {
		t.Fatal("a second sighting within the window is not a duplicate")
	}
	if !s.seen(t0.Add(40*time.Second), "a") {
		t.Fatal("forgot after one rotation")
	}
	if s.seen(t0.Add(5*time.Minute), "a") {
		t.Fatal("still remembered after the window")
	}
}

func TestSeenSetIsBounded(t *testing.T) {
	s := newSeenSet(time.Hour, seenShards*4)
	for i := range 10_000 {
		s.seen(t0, fmt.Sprint(i))
	}
	for i := range s.shards {
		if n := len(s.shards[i].cur) + len(s.shards[i].prev); n > 8 {
			t.Fatalf("shard %d holds %d entries, want at most 8", i, n)
		}
	}
}
