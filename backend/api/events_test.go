package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/sqlite"
)

const chromeUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"

// newAnalyticsServer is a test server with the event ingestor and the
// funnel query on.
func newAnalyticsServer(t *testing.T) (*testServer, *analytics.Ingestor) {
	t.Helper()
	var in *analytics.Ingestor
	ts := newTestServerWith(t, func(_ *api.Config, svc *api.Services) {
		db := svc.Catalog.(*sqlite.DB)
		in = analytics.New(svc.Tokens, db)
		svc.Events, svc.Funnels = in, db
	})
	return ts, in
}

// beacon posts a batch of events as navigator.sendBeacon does.
func (ts *testServer) beacon(t *testing.T, body string) (int, string, string) {
	t.Helper()
	resp, b := ts.do(t, "POST", "/v1/events", "text/plain;charset=UTF-8", body, "User-Agent", chromeUA)
	return resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), b
}

func batch(page string, events ...string) string {
	return fmt.Sprintf(`{"v":1,"page":%q,"events":[%s]}`, page, strings.Join(events, ","))
}

func (ts *testServer) event(typ, token string) string {
	return fmt.Sprintf(`{"type":%q,"token":%q,"at":%d}`, typ, token, ts.now.UnixMilli())
}

func TestEventsReachTheFunnel(t *testing.T) {
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
	ts, _ := newAnalyticsServer(t)
	for _, auth := range [][]string{nil, {"Authorization", "Bearer wrong"}} {
		resp, body := ts.do(t, "GET", "/v1/analytics/funnel?widget=wgt_notebook", "", "", auth...)
		wantError(t, resp, body, 401, "unauthorized", "Send the operator key as a bearer token.")
	}
}

func TestFunnelBadInput(t *testing.T) {
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
