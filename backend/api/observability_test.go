package api_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/backend/sqlite"
)

// /metrics answers the operator key only, and counts each request by the
// route that served it, not its path (an order id would make a series
// per order); the store's pools show too.
func TestMetrics(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, withMetrics)
	for _, id := range []string{"ord_nope", "ord_other"} {
		if resp, _ := ts.do(t, "GET", "/v1/orders/"+id, "", ""); resp.StatusCode != 401 { // no order token
			t.Fatalf("GET /v1/orders/%s = %d", id, resp.StatusCode)
		}
	}
	// A POST stays a POST after the GETs that reuse its buffer.
	if resp, _ := ts.do(t, "POST", "/v1/orders/ord_nope/hold", "application/json", `{}`); resp.StatusCode != 401 {
		t.Fatalf("POST /v1/orders/ord_nope/hold = %d", resp.StatusCode)
	}
	// Paths no route serves make no series of their own either.
	for _, path := range []string{"/no/such/page", "/v1/nothing/here"} {
		if resp, _ := ts.do(t, "GET", path, "", ""); resp.StatusCode != 404 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
	}
	for _, headers := range [][]string{nil, {"Authorization", "Bearer not-the-key"}} {
		if resp, _ := ts.do(t, "GET", "/metrics", "", "", headers...); resp.StatusCode != 401 {
			t.Errorf("/metrics with %v = %d, want 401", headers, resp.StatusCode)
		}
	}
	resp, body := ts.do(t, "GET", "/metrics", "", "", "Authorization", "Bearer "+operatorKey)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics = %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{
		`buycard_http_requests_total{method="GET",route="/v1/orders/:id",status="401"} 2`,
		`buycard_http_requests_total{method="GET",route="/metrics",status="401"} 2`,
		`buycard_http_requests_total{method="POST",route="/v1/orders/:id/hold",status="401"} 1`,
		`buycard_db_pool_max_connections{pool="write"} 1`,
		`buycard_db_pool_open_connections{pool="read"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, path := range []string{"ord_nope", "/no/such/page", "/v1/nothing/here"} {
		if strings.Contains(body, path) {
			t.Errorf("/metrics names the path %s, not its route", path)
		}
	}
}

// /readyz: 200 when every check passes, 200 "degraded" while only one the
// node can do without fails, 503 "down" while a required one fails.
func TestReady(t *testing.T) {
	t.Parallel()
	away := func(context.Context) error { return errors.New("unreachable") }
	fine := func(context.Context) error { return nil }
	for _, tt := range []struct {
		name   string
		checks []api.ReadyCheck
		status int
		body   string
	}{
		{"none", nil, 200, `{"status":"ready","checks":{}}`},
		{"all there", []api.ReadyCheck{{Name: "database", Required: true, Check: fine}, {Name: "redis", Check: fine}}, 200,
			`{"status":"ready","checks":{"database":"ok","redis":"ok"}}`},
		{"redis away", []api.ReadyCheck{{Name: "database", Required: true, Check: fine}, {Name: "redis", Check: away}}, 200,
			`{"status":"degraded","checks":{"database":"ok","redis":"unreachable"}}`},
		{"database away", []api.ReadyCheck{{Name: "database", Required: true, Check: away}, {Name: "redis", Check: away}}, 503,
			`{"status":"down","checks":{"database":"unreachable","redis":"unreachable"}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServerWith(t, func(_ *api.Config, svc *api.Services) { svc.ReadyChecks = tt.checks })
			if resp, body := ts.do(t, "GET", "/readyz", "", ""); resp.StatusCode != tt.status || body != tt.body {
				t.Errorf("/readyz = %d %s, want %d %s", resp.StatusCode, body, tt.status, tt.body)
			}
		})
	}
}

// withMetrics gives a test server metrics as a node has them (package
// server): the store counts its payments in them, and each scrape reads
// its pools, its job queue and, when there is one, the ingestor's
// counts. It goes after any configure that sets the Events.
func withMetrics(_ *api.Config, svc *api.Services) {
	m, db := metrics.New(), svc.Catalog.(*sqlite.DB)
	db.SetMetrics(m)
	m.WatchPools(db.Pools)
	m.WatchQueue(db.QueueHealth)
	if in, ok := svc.Events.(*analytics.Ingestor); ok {
		m.WatchBeacons(in.Stats)
	}
	svc.Metrics = m
}

// scrape is /metrics as the operator's Prometheus reads it.
func (ts *testServer) scrape(t *testing.T) string {
	t.Helper()
	resp, body := ts.do(t, "GET", "/metrics", "", "", "Authorization", "Bearer "+operatorKey)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics = %d %s", resp.StatusCode, body)
	}
	return body
}

// wantSeries checks that /metrics has each series line, value included.
func (ts *testServer) wantSeries(t *testing.T, lines ...string) {
	t.Helper()
	have := strings.Split(ts.scrape(t), "\n")
	for _, want := range lines {
		if !slices.Contains(have, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// seriesValue is the value of the series (name{labels}) in /metrics.
func (ts *testServer) seriesValue(t *testing.T, series string) float64 {
	t.Helper()
	for line := range strings.Lines(ts.scrape(t)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			must(t, err)
			return f
		}
	}
	t.Fatalf("/metrics lacks %s", series)
	return 0
}

// TestMetricsFollowTheMoney: a checkout counts when created, and a
// refused one by its code (a body that is not a checkout at all counts
// nothing); a payment, a decline, a refund, a dispute and an expiry each
// count once by provider and event, the refund with its amount; paying
// again, a refund sent again with its key, an event delivered again and
// one its order is past count nothing.
func TestMetricsFollowTheMoney(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, withMetrics)
	r := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1) // 2400 USD
	token, variant := ts.cardToken(t, "wgt_notebook"), ts.variantID(t, "wgt_notebook", 0)
	for _, body := range []string{
		jsonBody(map[string]any{"token": token, "variant_id": variant, "quantity": 0, "buyer": testBuyer}),
		jsonBody(map[string]any{"token": token + "x", "variant_id": variant, "quantity": 1, "buyer": testBuyer}),
		`{"token":`,
	} {
		if resp, got := ts.do(t, "POST", "/v1/checkout", "application/json", body); resp.StatusCode < 400 {
			t.Fatalf("checkout %s = %d %s", body, resp.StatusCode, got)
		}
	}
	pay := func(card string) int {
		resp, _ := ts.do(t, "POST", "/v1/sandbox/pay", "application/json", jsonBody(map[string]string{
			"client_secret": r.Payment.ClientSecret, "card_number": card}))
		return resp.StatusCode
	}
	if pay("4000 0000 0000 0002") != 402 || pay("4242 4242 4242 4242") != 200 {
		t.Fatal("the decline and the payment were not answered 402 and 200")
	}
	pay("4242 4242 4242 4242") // the order is paid already
	post := func(path, key, body string) {
		headers := append([]string{"Idempotency-Key", key}, operator...)
		if resp, got := ts.do(t, "POST", "/v1/ledger/orders/"+r.Order.ID+path, "application/json", body, headers...); resp.StatusCode != 201 {
			t.Fatalf("%s = %d %s", path, resp.StatusCode, got)
		}
	}
	post("/refunds", "refund-1", `{"amount":600}`)
	post("/refunds", "refund-1", `{"amount":600}`) // sent again: the first reply
	post("/disputes", "dispute-1", `{"amount":1000,"outcome":"opened"}`)
	// The expiry of a pending order, delivered twice, counts once; that of
	// the paid order changes nothing and counts nothing.
	unpaid := ts.checkout(t, "wgt_notebook", 0, 1)
	for _, session := range []string{unpaid.Payment.SessionID, unpaid.Payment.SessionID, r.Payment.SessionID} {
		_, err := ts.db.ApplyPaymentEvent(t.Context(), buycard.PaymentEvent{ID: "sbx_evt_expired_" + session, Provider: "sandbox",
			Type: buycard.SessionExpired, SessionID: session, OccurredAt: ts.now})
		must(t, err)
	}
	ts.wantSeries(t,
		`buycard_checkouts_created_total 2`,
		`buycard_checkouts_refused_total{code="invalid"} 1`,
		`buycard_checkouts_refused_total{code="unauthorized"} 1`,
		`buycard_checkouts_refused_total{code="internal"} 0`,
		`buycard_payment_events_applied_total{event="payment.failed",provider="sandbox"} 1`,
		`buycard_payment_events_applied_total{event="payment.succeeded",provider="sandbox"} 1`,
		`buycard_payment_events_applied_total{event="payment.refunded",provider="sandbox"} 1`,
		`buycard_payment_events_applied_total{event="dispute.opened",provider="sandbox"} 1`,
		`buycard_payment_events_applied_total{event="session.expired",provider="sandbox"} 1`,
		`buycard_payment_events_applied_total{event="payment.succeeded",provider="stripe"} 0`,
		`buycard_refunds_total{currency="USD"} 1`,
		`buycard_refunded_minor_units_total{currency="USD"} 600`,
	)
}

// TestMetricsCountCacheLookups: the first request for a card, a product
// page, and a new order's platform fee misses; the same again within
// the TTL hits.
func TestMetricsCountCacheLookups(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		svc.Admin = svc.Catalog.(buycard.AdminService)
		withMetrics(cfg, svc)
	})
	for range 2 {
		for _, path := range []string{"/v1/cards?ids=wgt_tee", "/p/wgt_tee"} {
			if resp, body := ts.do(t, "GET", path, "", ""); resp.StatusCode != 200 {
				t.Fatalf("%s = %d %s", path, resp.StatusCode, body)
			}
		}
	}
	ts.wantSeries(t,
		`buycard_cache_lookups_total{cache="cards",result="hit"} 1`,
		`buycard_cache_lookups_total{cache="cards",result="miss"} 1`,
		`buycard_cache_lookups_total{cache="page",result="hit"} 1`,
		`buycard_cache_lookups_total{cache="page",result="miss"} 1`,
		`buycard_cache_lookups_total{cache="platform_fee",result="miss"} 0`,
	)
	ts.checkout(t, "wgt_notebook", 0, 1)
	ts.checkout(t, "wgt_notebook", 0, 1)
	ts.wantSeries(t,
		`buycard_cache_lookups_total{cache="platform_fee",result="hit"} 1`,
		`buycard_cache_lookups_total{cache="platform_fee",result="miss"} 1`,
	)
}

// TestMetricsCountRefusals: each limit and throttle counts the requests
// it refuses, under its own name, and only those; a checkout a limit
// refused is not a checkout refused.
func TestMetricsCountRefusals(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		authConfig(cfg, svc)
		cfg.CheckoutsPerIP, cfg.CheckoutsPerPublisher = 1, 1
		withMetrics(cfg, svc)
	})
	const ref = "wgt_notebook:plc_feednotebook"
	if resp, body := ts.tryCheckout(t, ref, xff("198.51.100.1")...); resp.StatusCode != 201 {
		t.Fatalf("checkout = %d %s", resp.StatusCode, body)
	}
	resp, body := ts.tryCheckout(t, ref, xff("198.51.100.1")...)
	wantLimited(t, resp, body, fromNetwork, false)
	resp, body = ts.tryCheckout(t, ref, xff("198.51.100.2")...)
	wantLimited(t, resp, body, onSite, false)

	// The sign-up emails ann once; two more links go at once, the third
	// is held up.
	signup(t, ts, "ann@example.com", "merchant")
	for i := range 3 {
		resetRequest(ts, t, jsonBody(map[string]string{"email": "ann@example.com"}), xff(fmt.Sprintf("203.0.113.%d", i))...)
	}
	for range 6 { // five failures are free
		loginFrom(ts, t, "ann@example.com", wrongPassword, "192.0.2.1")
	}
	for i := range 11 { // ten wrong codes are free
		ts.do(t, "POST", "/v1/checkout/quote", "application/json",
			ts.notebookCheckout(t, map[string]any{"discount_code": fmt.Sprintf("GUESS%d", i)}), xff("192.0.2.9")...)
	}
	ts.wantSeries(t,
		`buycard_rate_limited_total{limiter="checkout_ip"} 1`,
		`buycard_rate_limited_total{limiter="checkout_publisher"} 1`,
		`buycard_rate_limited_total{limiter="mail"} 1`,
		`buycard_rate_limited_total{limiter="sign_in"} 1`,
		`buycard_rate_limited_total{limiter="discount_code"} 1`,
		`buycard_checkouts_created_total 1`,
		`buycard_checkouts_refused_total{code="rate_limited"} 0`,
	)
}

// TestMetricsCountBeacons: what the ingestor did with a batch shows as
// it is when scraped.
func TestMetricsCountBeacons(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		svc.Events = analytics.New(svc.Tokens, svc.Catalog.(*sqlite.DB), analytics.Options{})
		cfg.TrustedProxies = testProxy
		withMetrics(cfg, svc)
	})
	impression := ts.event(buycard.EventImpression, ts.cardToken(t, "wgt_notebook:plc_feednotebook"))
	bad := ts.event(buycard.EventImpression, "not-a-token")
	if status, _, body := ts.beacon(t, batch(pageView("a"), impression, impression, bad), xff("198.51.100.4")...); status != 204 {
		t.Fatalf("beacon = %d %s", status, body)
	}
	ts.beacon(t, `{"v":1`)
	ts.wantSeries(t,
		`buycard_beacon_batches_total{result="accepted"} 1`,
		`buycard_beacon_batches_total{result="malformed"} 1`,
		`buycard_beacon_events_counted_total 1`,
		`buycard_beacon_events_discarded_total{reason="duplicate"} 1`,
		`buycard_beacon_events_discarded_total{reason="bad_token"} 1`,
		`buycard_beacon_events_discarded_total{reason="bot"} 0`,
	)
}

// TestMetricsReadTheQueue: the job queue's depth shows on each scrape; a
// purchase records its events for the relay, which has not run here.
func TestMetricsReadTheQueue(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, withMetrics)
	ts.wantSeries(t, `buycard_job_queue_up 1`)
	before := ts.seriesValue(t, "buycard_events_undispatched")
	ts.buyNotebook(t)
	if after := ts.seriesValue(t, "buycard_events_undispatched"); after <= before {
		t.Errorf("undispatched events %v after a purchase, %v before", after, before)
	}
	if age := ts.seriesValue(t, "buycard_events_oldest_undispatched_age_seconds"); age < 0 {
		t.Errorf("the oldest undispatched event is %v s old", age)
	}
	ts.seriesValue(t, `buycard_jobs{state="pending"}`)
}

// A health probe that passed is logged at debug level, since a load
// balancer probes every node every second; one that failed, and every
// other request, at info.
func TestHealthProbesLogQuietly(t *testing.T) {
	t.Parallel()
	var lines syncBuffer
	var down atomic.Bool
	ts := newTestServerWith(t, func(_ *api.Config, svc *api.Services) {
		svc.Logger = slog.New(slog.NewTextHandler(&lines, nil))
		svc.ReadyChecks = []api.ReadyCheck{{Name: "database", Required: true, Check: func(context.Context) error {
			if down.Load() {
				return errors.New("unreachable")
			}
			return nil
		}}}
	})
	ts.do(t, "GET", "/readyz", "", "")
	ts.do(t, "GET", "/healthz", "", "")
	ts.do(t, "GET", "/buycard.js", "", "")
	down.Store(true)
	ts.do(t, "GET", "/readyz", "", "")
	got := lines.String()
	if n := strings.Count(got, "path=/readyz"); n != 1 || !strings.Contains(got, "path=/readyz status=503") {
		t.Errorf("/readyz logged %d times, want once, when it failed:\n%s", n, got)
	}
	if strings.Contains(got, "path=/healthz") || !strings.Contains(got, "path=/buycard.js") {
		t.Errorf("want /buycard.js logged and /healthz not:\n%s", got)
	}
}
