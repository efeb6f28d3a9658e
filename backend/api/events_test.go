package api_test

import (
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/redisstore"
	"github.com/buycard/buycard/backend/redisstore/redistest"
	"github.com/buycard/buycard/backend/sqlite"
)

const chromeUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"

// newAnalyticsServer is a test server with the event ingestor and the
// funnel query on, trusting app.Test's address as a proxy so that tests
// name the client in X-Forwarded-For.
func newAnalyticsServer(t *testing.T) (*testServer, *analytics.Ingestor) {
	t.Helper()
	return newAnalyticsNode(t, nil, analytics.Options{})
}

// newAnalyticsNode is newAnalyticsServer whose ingestor has opts and
// flushes into store (nil: its own database), as one node of several.
func newAnalyticsNode(t *testing.T, store analytics.Store, opts analytics.Options) (*testServer, *analytics.Ingestor) {
	t.Helper()
	var in *analytics.Ingestor
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		db := svc.Catalog.(*sqlite.DB)
		if store == nil {
			store = db
		}
		in = analytics.New(svc.Tokens, store, opts)
		svc.Events, svc.Funnels = in, db
		cfg.TrustedProxies = testProxy
	})
	return ts, in
}

// beacon posts a batch of events as navigator.sendBeacon does, with
// headers (X-Forwarded-For names the client).
func (ts *testServer) beacon(t *testing.T, body string, headers ...string) (int, string, string) {
	t.Helper()
	resp, b := ts.do(t, "POST", "/v1/events", "text/plain;charset=UTF-8", body, append([]string{"User-Agent", chromeUA}, headers...)...)
	return resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), b
}

func batch(page string, events ...string) string {
	return fmt.Sprintf(`{"v":1,"page":%q,"events":[%s]}`, page, strings.Join(events, ","))
}

func (ts *testServer) event(typ, token string) string {
	return fmt.Sprintf(`{"type":%q,"token":%q,"at":%d}`, typ, token, ts.now.UnixMilli())
}

// pageView is a valid page-view id ending in s (at most 22 characters of
// [A-Za-z0-9_-]).
func pageView(s string) string { return strings.Repeat("0", 22-len(s)) + s }

// funnelReply is the JSON of a funnel's total and rates.
type funnelReply struct {
	Total struct {
		Impressions, Clicks, Checkouts, Sales int64
		Discarded                             struct {
			Bot, Unproven, Duplicate int64
			OverLimit                int64 `json:"over_limit"`
		}
	}
	Rates buycard.FunnelRates
}

// funnel flushes in and returns the operator's funnel of today for query
// (widget=…[&placement=…]).
func (ts *testServer) funnel(t *testing.T, in *analytics.Ingestor, query string) funnelReply {
	t.Helper()
	if err := in.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	day := ts.now.UTC().Format(buycard.DayLayout)
	resp, body := ts.do(t, "GET", "/v1/analytics/funnel?"+query+"&from="+day+"&to="+day, "", "", operator...)
	var f funnelReply
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &f) != nil {
		t.Fatalf("funnel %s = %d %s", query, resp.StatusCode, body)
	}
	return f
}

func TestEventsReachTheFunnel(t *testing.T) {
	t.Parallel()
	ts, in := newAnalyticsServer(t)
	token := ts.cardToken(t, "wgt_notebook:plc_feednotebook")
	page := "AbCdEfGhIjKlMnOpQrSt_-"
	status, cors, body := ts.beacon(t, batch(page, ts.event("impression", token), ts.event("impression", token), ts.event("click", token)))
	if status != 204 || cors != "*" {
		t.Fatalf("beacon = %d (CORS %q) %s, want 204 with CORS *", status, cors, body)
	}
	ts.buyNotebook(t)
	if err := in.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	day := ts.now.UTC().Format(buycard.DayLayout)
	for _, path := range []string{
		"/v1/analytics/funnel?widget=wgt_notebook&from=" + day + "&to=" + day,
		"/v1/analytics/funnel?widget=wgt_notebook&placement=plc_feednotebook",
	} {
		resp, body := ts.do(t, "GET", path, "", "", operator...)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
		}
		var f buycard.Funnel
		if err := json.Unmarshal([]byte(body), &f); err != nil {
			t.Fatal(err)
		}
		total := f.Total
		if len(f.Days) != 1 || total.Impressions != 1 || total.Clicks != 1 || total.Checkouts != 1 || total.Sales != 1 || total.Revenue["USD"] != 2400 {
			t.Fatalf("GET %s: funnel %s", path, body)
		}
		if f.Rates != (buycard.FunnelRates{ClickThrough: 1, CheckoutRate: 1, SaleRate: 1}) {
			t.Fatalf("rates %+v", f.Rates)
		}
	}
}

func TestEventsRefuseMalformedBatches(t *testing.T) {
	t.Parallel()
	ts, in := newAnalyticsServer(t)
	token := ts.cardToken(t, "wgt_notebook")
	tooMany := make([]string, analytics.MaxBatchEvents+1)
	for i := range tooMany {
		tooMany[i] = ts.event("impression", token)
	}
	for _, body := range []string{
		`{"v":1,"page":`,
		batch("short", ts.event("impression", token)),
		batch("AbCdEfGhIjKlMnOpQrSt_-", tooMany...),
	} {
		resp, b := ts.do(t, "POST", "/v1/events", "text/plain;charset=UTF-8", body, "User-Agent", chromeUA)
		wantError(t, resp, b, 400, "invalid", "")
		if cors := resp.Header.Get("Access-Control-Allow-Origin"); cors != "*" {
			t.Errorf("error without CORS: %q", cors)
		}
	}
	if st := in.Stats(); st.Counted != 0 || st.Malformed != 3 {
		t.Fatalf("stats %+v, want nothing counted and 3 malformed", st)
	}
}

func TestFunnelNeedsTheOperatorKey(t *testing.T) {
	t.Parallel()
	ts, _ := newAnalyticsServer(t)
	for _, auth := range [][]string{nil, {"Authorization", "Bearer wrong"}} {
		resp, body := ts.do(t, "GET", "/v1/analytics/funnel?widget=wgt_notebook", "", "", auth...)
		wantError(t, resp, body, 401, "unauthorized", "Send the operator key as a bearer token.")
	}
}

func TestFunnelBadInput(t *testing.T) {
	t.Parallel()
	ts, _ := newAnalyticsServer(t)
	tests := []struct{ query, message string }{
		{"", "widget is required."},
		{"widget=wgt_notebook&from=2026-13-01&to=2026-12-01", "from and to must be dates as YYYY-MM-DD."},
		{"widget=wgt_notebook&to=yesterday", "from and to must be dates as YYYY-MM-DD."},
		{"widget=wgt_notebook&from=2026-12-02&to=2026-12-01", "from must not be after to."},
		{"widget=wgt_notebook&from=2024-01-01&to=2026-12-01", "A funnel covers at most 366 days."},
	}
	for _, tt := range tests {
		resp, body := ts.do(t, "GET", "/v1/analytics/funnel?"+tt.query, "", "", operator...)
		wantError(t, resp, body, 400, "invalid", tt.message)
	}
}

// TestEventsFromOneNetworkAreBounded floods one placement with fresh page
// views from one client network: it adds at most the bound per minute,
// the rest is reported as discarded, and other networks still count.
func TestEventsFromOneNetworkAreBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		client func(i int) string
	}{
		{"one IPv4 address", func(int) string { return "198.51.100.7" }},
		{"addresses of one IPv6 /64", func(i int) string { return fmt.Sprintf("2001:db8:5:6::%x", i+1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, in := newAnalyticsServer(t)
			token := ts.cardToken(t, "wgt_notebook:plc_feednotebook")
			const views = 100
			for i := range views {
				body := batch(pageView(fmt.Sprint(i)), ts.event("impression", token), ts.event("click", token))
				if status, _, b := ts.beacon(t, body, xff(tt.client(i))...); status != 204 {
					t.Fatalf("beacon %d = %d %s", i, status, b)
				}
			}
			ts.beacon(t, batch(pageView("other"), ts.event("impression", token)), xff("203.0.113.9")...)
			f := ts.funnel(t, in, "widget=wgt_notebook&placement=plc_feednotebook")
			bound := int64(analytics.PerNetwork)
			if f.Total.Impressions != bound+1 || f.Total.Clicks != bound || f.Total.Discarded.OverLimit != 2*(views-bound) {
				t.Errorf("funnel total %+v, want %d impressions (the bound and another network's), %d clicks, %d over the limit",
					f.Total, bound+1, bound, 2*(views-bound))
			}
		})
	}
}

// TestEventsNeedAServedCard: only tokens that card data or a hosted
// product page served lately count; placement tokens from elsewhere, or
// from card data fetched long ago, are reported as unproven.
func TestEventsNeedAServedCard(t *testing.T) {
	t.Parallel()
	ts, in := newAnalyticsServer(t)
	old := ts.cardToken(t, "wgt_notebook:plc_feednotebook")
	ts.now = ts.now.Add(analytics.ProofTTL + time.Minute)
	hosted := ts.tokenFromProductPage(t, "/p/wgt_notebook?pl=plc_feednotebook")
	minted := ts.tokens.SignPlacement(buycard.PlacementClaims{WidgetID: "wgt_notebook", ProductID: "prd_notebook",
		PublisherID: demoPublisher, PlacementID: "plc_feednotebook", PriceVersion: 1, ExpiresAt: ts.now.Add(time.Hour)})
	for i, token := range []string{old, hosted, minted} {
		ts.beacon(t, batch(pageView(fmt.Sprint(i)), ts.event("impression", token), ts.event("click", token)))
	}
	f := ts.funnel(t, in, "widget=wgt_notebook")
	if f.Total.Impressions != 1 || f.Total.Clicks != 1 || f.Total.Discarded.Unproven != 4 {
		t.Errorf("funnel total %+v, want the hosted page's view and tap counted and 4 unproven", f.Total)
	}
	fresh := ts.cardToken(t, "wgt_notebook:plc_feednotebook")
	ts.beacon(t, batch(pageView("fresh"), ts.event("impression", fresh)))
	if f := ts.funnel(t, in, "widget=wgt_notebook"); f.Total.Impressions != 2 {
		t.Errorf("a fresh card's impression: funnel total %+v", f.Total)
	}
}

var productPageToken = regexp.MustCompile(`data-buycard-open="wgt_[0-9a-z]+"|\?t=([^"&]+)`)

// tokenFromProductPage reads the placement token of the Buy link of the
// hosted product page at path.
func (ts *testServer) tokenFromProductPage(t *testing.T, path string) string {
	t.Helper()
	_, page := ts.do(t, "GET", path, "", "")
	for _, m := range productPageToken.FindAllStringSubmatch(page, -1) {
		if token, err := url.QueryUnescape(html.UnescapeString(m[1])); m[1] != "" && err == nil {
			return token
		}
	}
	t.Fatalf("no token in %s", path)
	return ""
}

// TestLinkEntriesReachTheFunnel: a shopper who reads the hosted product
// page without JavaScript and follows its Buy link counts as a view and a
// tap, once, so that the funnel's rates stay within 100 % when that
// shopper buys; a checkout a loader opened (o=) is the loader's to report.
func TestLinkEntriesReachTheFunnel(t *testing.T) {
	t.Parallel()
	ts, in := newAnalyticsServer(t)
	token := ts.tokenFromProductPage(t, "/p/wgt_notebook?pl=plc_feednotebook")
	choose := "/checkout/wgt_notebook?t=" + url.QueryEscape(token) + "&lang=en"
	for _, path := range []string{choose, choose, choose + "&o=" + url.QueryEscape("https://blog.example")} {
		if resp, body := ts.do(t, "GET", path, "", "", "User-Agent", chromeUA, "X-Forwarded-For", "198.51.100.23"); resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
		}
	}
	ts.do(t, "GET", choose, "", "", "User-Agent", "curl/8.5.0", "X-Forwarded-For", "198.51.100.24")
	ts.buyNotebook(t)
	f := ts.funnel(t, in, "widget=wgt_notebook&placement=plc_feednotebook")
	if f.Total.Impressions != 1 || f.Total.Clicks != 1 || f.Total.Checkouts != 1 || f.Total.Discarded.Duplicate != 2 || f.Total.Discarded.Bot != 2 {
		t.Errorf("funnel total %+v, want 1 view, 1 tap, 1 checkout, the reload's 2 duplicates and the bot's 2", f.Total)
	}
	if r := f.Rates; r.ClickThrough != 1 || r.CheckoutRate != 1 || r.SaleRate != 1 {
		t.Errorf("rates %+v, want 100 %% each, never more", r)
	}
}

// TestEventsDeduplicatedAcrossNodes runs two nodes on one Redis: a page
// view's event counts once whichever node it reaches, and the bound of a
// network holds across both.
func TestEventsDeduplicatedAcrossNodes(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	shared := analytics.Options{Shared: redisstore.NewCounters(redistest.Open(t).Conn()), Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	a, in := newAnalyticsNode(t, nil, shared)
	b, inB := newAnalyticsNode(t, a.db, shared)
	// One clock for both nodes: built a moment apart, their clocks could
	// fall on two sides of a minute, and the bound counts per minute.
	b.now = a.now
	token := a.cardToken(t, "wgt_notebook:plc_feednotebook")
	// A client of its own, and page views of their own, so that runs
	// within the Redis TTLs do not meet.
	client, run := randomIP(), fmt.Sprintf("%x", rand.Uint64())
	for _, node := range []*testServer{a, b, a} {
		node.beacon(t, batch(pageView(run), node.event("impression", token)), xff(client)...)
	}
	for i := range analytics.PerNetwork {
		node := []*testServer{a, b}[i%2]
		node.beacon(t, batch(pageView(fmt.Sprint(run, i)), node.event("click", token)), xff(client)...)
	}
	b.beacon(t, batch(pageView(run+"x"), b.event("click", token)), xff(client)...)
	if err := inB.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	f := a.funnel(t, in, "widget=wgt_notebook")
	if strings.Contains(logs.String(), "failed") {
		t.Fatalf("Redis failed during the test, the nodes counted alone:\n%s", logs.String())
	}
	if f.Total.Impressions != analytics.PerNetwork || f.Total.Clicks != analytics.PerNetwork ||
		f.Total.Discarded.Duplicate != 2 || f.Total.Discarded.OverLimit != 1 {
		t.Errorf("funnel total %+v, want the impression once (2 duplicates), %d clicks, 1 over the limit", f.Total, analytics.PerNetwork)
	}
}

// TestFunnelRatesNeverExceedOne buys the notebook three ways: through the
// loader (impression, click, checkout), through the hosted page's Buy
// link and through the no-JS form, neither of which the loader sees.
// Every checkout is a click and every click an impression.
func TestFunnelRatesNeverExceedOne(t *testing.T) {
	t.Parallel()
	ts, in := newAnalyticsServer(t)
	token := ts.cardToken(t, "wgt_notebook:plc_feednotebook")
	ts.beacon(t, batch(pageView("loader"), ts.event("impression", token), ts.event("click", token)))
	ts.buyNotebook(t)
	hosted := ts.tokenFromProductPage(t, "/p/wgt_notebook?pl=plc_feednotebook")
	resp, body := ts.do(t, "POST", "/v1/checkout", "application/json", jsonBody(map[string]any{
		"token": hosted, "variant_id": ts.variantID(t, "wgt_notebook", 0), "quantity": 1, "buyer": testBuyer,
	}))
	if resp.StatusCode != 201 {
		t.Fatalf("checkout from the hosted page = %d %s", resp.StatusCode, body)
	}
	form := ts.detailsForm(t, "wgt_notebook")
	form.Set("t", token)
	resp, body = ts.postForm(t, "/checkout/wgt_notebook/details", form)
	seeOther(t, resp, body, "/checkout/wgt_notebook/pay")

	f := ts.funnel(t, in, "widget=wgt_notebook")
	if f.Total.Checkouts != 3 || f.Total.Sales != 1 || f.Total.Clicks != 3 || f.Total.Impressions != 3 {
		t.Errorf("funnel total %+v, want 3 impressions, 3 clicks, 3 checkouts, 1 sale", f.Total)
	}
	if r := f.Rates; r.ClickThrough > 1 || r.CheckoutRate > 1 || r.SaleRate > 1 {
		t.Errorf("rates %+v above 100%%", r)
	}
}

// randomIP is a client address of the test's own.
func randomIP() string {
	return netip.AddrFrom4([4]byte{10, byte(rand.IntN(256)), byte(rand.IntN(256)), byte(rand.IntN(256))}).String()
}
