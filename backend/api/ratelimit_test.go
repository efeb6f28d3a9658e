package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/redisstore"
	"github.com/buycard/buycard/backend/redisstore/redistest"
)

// app.Test requests come from 0.0.0.0; trusting it as a proxy lets the
// tests name the client in X-Forwarded-For.
var testProxy = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}

// limited is a test server with the checkout limits on.
func limited(t *testing.T, perIP, perPublisher int, configure ...func(*api.Config, *api.Services)) *testServer {
	t.Helper()
	return newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.CheckoutsPerIP, cfg.CheckoutsPerPublisher, cfg.CheckoutWindow = perIP, perPublisher, time.Minute
		cfg.TrustedProxies = testProxy
		for _, f := range configure {
			f(cfg, svc)
		}
	})
}

// tryCheckout posts one JSON checkout of the notebook through placement
// ref (or a direct token for "wgt_notebook") with headers.
func (ts *testServer) tryCheckout(t *testing.T, ref string, headers ...string) (*http.Response, string) {
	t.Helper()
	widgetID, _, _ := strings.Cut(ref, ":")
	return ts.do(t, "POST", "/v1/checkout", "application/json", jsonBody(map[string]any{
		"token": ts.cardToken(t, ref), "variant_id": ts.variantID(t, widgetID, 0), "quantity": 1, "buyer": testBuyer,
	}), headers...)
}

// pendingOrders counts the orders holding stock.
func (ts *testServer) pendingOrders(t *testing.T) int {
	t.Helper()
	orders, err := ts.db.ExpiredOrders(t.Context(), time.Now().AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return len(orders)
}

var retryMessage = regexp.MustCompile(`^(.+) Try again in (\d+) seconds?\.$`)

// wantLimited checks a 429: our JSON error (or, with html, the error
// page) with message and a Retry-After of at most a minute that the
// message repeats.
func wantLimited(t *testing.T, resp *http.Response, body, message string, html bool) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status = %d, want 429; body %s", resp.StatusCode, body)
	}
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 60 {
		t.Errorf("Retry-After = %q, want 1 to 60 seconds", resp.Header.Get("Retry-After"))
	}
	want := fmt.Sprintf("%s Try again in %d second", message, secs)
	if html {
		if !strings.Contains(body, want) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("page = %s, want %q", body, want)
		}
		return
	}
	wantError(t, resp, body, http.StatusTooManyRequests, buycard.ERATELIMIT, "")
	if m := retryMessage.FindStringSubmatch(jsonMessage(body)); m == nil || m[1] != message || m[2] != strconv.Itoa(secs) {
		t.Errorf("message = %q, want %q…", jsonMessage(body), want)
	}
}

func jsonMessage(body string) string {
	var e struct{ Error struct{ Message string } }
	_ = json.Unmarshal([]byte(body), &e)
	return e.Error.Message
}

const (
	fromNetwork = "Too many checkouts from this network."
	onSite      = "Too many checkouts on this site right now."
)

func xff(ip string) []string { return []string{"X-Forwarded-For", ip} }

func TestCheckoutLimitPerIP(t *testing.T) {
	t.Parallel()
	ts := limited(t, 3, 0)
	for i := range 2 {
		if resp, body := ts.tryCheckout(t, "wgt_notebook:plc_feednotebook", xff("198.51.100.7")...); resp.StatusCode != 201 {
			t.Fatalf("checkout %d = %d %s", i+1, resp.StatusCode, body)
		}
	}
	// The third, through the form, passes the limiter on to the form's handler.
	details := ts.detailsForm(t, "wgt_notebook")
	resp, body := ts.postForm(t, "/checkout/wgt_notebook/details", details, xff("198.51.100.7")...)
	seeOther(t, resp, body, "/checkout/wgt_notebook/pay")
	stock, orders := ts.stock(t, "wgt_notebook", 0), ts.pendingOrders(t)

	resp, body = ts.tryCheckout(t, "wgt_notebook:plc_feednotebook", xff("198.51.100.7")...)
	wantLimited(t, resp, body, fromNetwork, false)
	// The form counts against the same limit and shows the error page.
	resp, page := ts.postForm(t, "/checkout/wgt_notebook/details", details, xff("198.51.100.7")...)
	wantLimited(t, resp, page, fromNetwork, true)
	// Applying a code only prices the order: it is not limited.
	details.Set("action", "apply")
	if resp, page := ts.postForm(t, "/checkout/wgt_notebook/details", details, xff("198.51.100.7")...); resp.StatusCode != 200 {
		t.Errorf("apply past the limit = %d: %s", resp.StatusCode, page)
	}

	if got := ts.stock(t, "wgt_notebook", 0); got != stock {
		t.Errorf("stock moved from %d to %d on limited checkouts", stock, got)
	}
	if got := ts.pendingOrders(t); got != orders {
		t.Errorf("pending orders went from %d to %d on limited checkouts", orders, got)
	}
	// Other routes are not limited.
	if resp, body := ts.do(t, "GET", "/v1/cards?ids=wgt_notebook", "", "", xff("198.51.100.7")...); resp.StatusCode != 200 {
		t.Errorf("cards after the limit = %d %s", resp.StatusCode, body)
	}
}

func TestCheckoutLimitPerIPCountsFailures(t *testing.T) {
	t.Parallel()
	ts := limited(t, 2, 0)
	for range 2 {
		resp, body := ts.do(t, "POST", "/v1/checkout", "application/json", `{"token":"guess"}`, xff("198.51.100.7")...)
		wantError(t, resp, body, 401, buycard.EUNAUTHORIZED, "")
	}
	resp, body := ts.tryCheckout(t, "wgt_notebook", xff("198.51.100.7")...)
	wantLimited(t, resp, body, fromNetwork, false)
}

func TestCheckoutLimitIPsAreIndependent(t *testing.T) {
	t.Parallel()
	ts := limited(t, 1, 0)
	tests := []struct {
		name, xff string
		status    int
	}{
		{"first client", "198.51.100.7", 201},
		{"first client again", "198.51.100.7", 429},
		{"another client", "203.0.113.9", 201},
		// The proxy appends the peer; what the client sent before it is not believed.
		{"spoofed leftmost hop", "192.0.2.44, 198.51.100.7", 429},
		{"through a second trusted hop", "198.51.100.7, 0.0.0.0", 429},
		{"ipv6 client", "2001:db8:1:2::1", 201},
		{"same ipv6 /64", "2001:db8:1:2::ffff", 429},
		{"another ipv6 /64", "2001:db8:1:3::1", 201},
	}
	for _, tt := range tests {
		resp, body := ts.tryCheckout(t, "wgt_notebook:plc_feednotebook", xff(tt.xff)...)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: = %d, want %d; %s", tt.name, resp.StatusCode, tt.status, body)
		}
	}
}

func TestCheckoutLimitIgnoresForwardedForFromUntrustedPeers(t *testing.T) {
	t.Parallel()
	ts := limited(t, 1, 0, func(cfg *api.Config, _ *api.Services) { cfg.TrustedProxies = nil })
	if resp, body := ts.tryCheckout(t, "wgt_notebook", xff("198.51.100.7")...); resp.StatusCode != 201 {
		t.Fatalf("first = %d %s", resp.StatusCode, body)
	}
	resp, body := ts.tryCheckout(t, "wgt_notebook", xff("203.0.113.9")...)
	wantLimited(t, resp, body, fromNetwork, false)
}

func TestCheckoutLimitPerPublisher(t *testing.T) {
	t.Parallel()
	ts := limited(t, 100, 2)
	ctx := t.Context()
	if err := ts.db.CreatePublisher(ctx, &buycard.Publisher{ID: "pub_other", Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.CreatePlacement(ctx, &buycard.Placement{ID: "plc_other", PublisherID: "pub_other", WidgetID: "wgt_notebook", Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	// Two shoppers on different networks use up the publisher's window.
	for i, ip := range []string{"198.51.100.1", "198.51.100.2"} {
		if resp, body := ts.tryCheckout(t, "wgt_notebook:plc_feednotebook", xff(ip)...); resp.StatusCode != 201 {
			t.Fatalf("checkout %d = %d %s", i+1, resp.StatusCode, body)
		}
	}
	stock, orders := ts.stock(t, "wgt_notebook", 0), ts.pendingOrders(t)
	resp, body := ts.tryCheckout(t, "wgt_notebook:plc_feednotebook", xff("198.51.100.3")...)
	wantLimited(t, resp, body, onSite, false)
	resp, page := ts.postForm(t, "/checkout/wgt_notebook/details", url.Values{
		"t": {ts.cardToken(t, "wgt_notebook:plc_feednotebook")}, "variant_id": {ts.variantID(t, "wgt_notebook", 0)}, "quantity": {"1"},
		"email": {"ada@example.com"}, "name": {"Ada Lovelace"},
	}, xff("198.51.100.4")...)
	wantLimited(t, resp, page, onSite, true)
	if got := ts.stock(t, "wgt_notebook", 0); got != stock || ts.pendingOrders(t) != orders {
		t.Errorf("limited checkouts moved stock %d → %d or created orders", stock, got)
	}

	// Another publisher, and the product page (no publisher), are not held up.
	for _, ref := range []string{"wgt_notebook:plc_other", "wgt_notebook"} {
		if resp, body := ts.tryCheckout(t, ref, xff("198.51.100.5")...); resp.StatusCode != 201 {
			t.Errorf("%s = %d %s", ref, resp.StatusCode, body)
		}
	}
	// A bad token is refused by the handler and spends no publisher's budget.
	resp, body = ts.do(t, "POST", "/v1/checkout", "application/json", `{"token":"guess"}`, xff("198.51.100.6")...)
	wantError(t, resp, body, 401, buycard.EUNAUTHORIZED, "")
}

func TestCheckoutLimitsOffByDefault(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.restock(t, 1000, 5) // so that one client's holds stay within its cap
	for i := range 25 {
		if resp, body := ts.tryCheckout(t, "wgt_notebook:plc_feednotebook"); resp.StatusCode != 201 {
			t.Fatalf("checkout %d = %d %s", i+1, resp.StatusCode, body)
		}
	}
}

// TestCheckoutLimitSharedThroughRedis runs two nodes on one Redis: the
// checkouts a client starts on either count against one limit.
func TestCheckoutLimitSharedThroughRedis(t *testing.T) {
	t.Parallel()
	redisURL := redistest.URL(t)
	node := func() *testServer {
		store, err := redisstore.Open(redisURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		if err := store.Conn().Ping(t.Context()).Err(); err != nil {
			t.Fatalf("redis at BUYCARD_TEST_REDIS_URL: %v", err)
		}
		return limited(t, 3, 0, func(_ *api.Config, svc *api.Services) { svc.RateLimits = store })
	}
	a, b := node(), node()
	// A client of its own, so that runs within a minute do not meet.
	randomIP := func() string {
		return netip.AddrFrom4([4]byte{10, byte(rand.IntN(256)), byte(rand.IntN(256)), byte(rand.IntN(256))}).String()
	}
	ip, other := randomIP(), randomIP()
	t.Cleanup(func() {
		if store, err := redisstore.Open(redisURL); err == nil {
			store.Delete("buycard:checkouts:ip:" + ip)
			store.Delete("buycard:checkouts:ip:" + other)
			store.Close()
		}
	})
	for i, ts := range []*testServer{a, b, a} {
		if resp, body := ts.tryCheckout(t, "wgt_notebook", xff(ip)...); resp.StatusCode != 201 {
			t.Fatalf("checkout %d = %d %s", i+1, resp.StatusCode, body)
		}
	}
	stock := b.stock(t, "wgt_notebook", 0)
	resp, body := b.tryCheckout(t, "wgt_notebook", xff(ip)...)
	wantLimited(t, resp, body, fromNetwork, false)
	if got := b.stock(t, "wgt_notebook", 0); got != stock {
		t.Errorf("stock moved from %d to %d", stock, got)
	}
	// Another client is not held up on either node.
	if resp, body := a.tryCheckout(t, "wgt_notebook", xff(other)...); resp.StatusCode != 201 {
		t.Errorf("another client = %d %s", resp.StatusCode, body)
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestCheckoutLimitFailsOpen checks that while the Redis holding the
// counters is unreachable, checkouts are neither refused nor slowed by
// it: the node limits on its own, and logs the trouble once, not once per
// checkout.
func TestCheckoutLimitFailsOpen(t *testing.T) {
	t.Parallel()
	store, err := redisstore.Open("redis://127.0.0.1:1/0") // nothing listens on port 1
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var logs syncBuffer
	ts := limited(t, 2, 0, func(_ *api.Config, svc *api.Services) {
		svc.RateLimits = store
		svc.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	for i := range 2 {
		start := time.Now()
		if resp, body := ts.tryCheckout(t, "wgt_notebook:plc_feednotebook", xff("198.51.100.7")...); resp.StatusCode != 201 {
			t.Fatalf("checkout %d with Redis down = %d %s", i+1, resp.StatusCode, body)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("checkout %d took %v with Redis down", i+1, d)
		}
	}
	resp, body := ts.tryCheckout(t, "wgt_notebook:plc_feednotebook", xff("198.51.100.7")...)
	wantLimited(t, resp, body, fromNetwork, false)
	if n := strings.Count(logs.String(), "shared storage failed: rate limits"); n != 1 {
		t.Errorf("logged the Redis failure %d times, want once:\n%s", n, logs.String())
	}
}
