package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/backend/sqlite"
)

// /metrics answers the operator key only, and counts each request by the
// route that served it, not its path (an order id would make a series
// per order); the store's pools show too.
func TestMetrics(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func(_ *api.Config, svc *api.Services) {
		svc.Metrics = metrics.New()
		svc.Metrics.WatchPools(svc.Catalog.(*sqlite.DB).Pools)
	})
	for _, id := range []string{"ord_nope", "ord_other"} {
		if resp, _ := ts.do(t, "GET", "/v1/orders/"+id, "", ""); resp.StatusCode != 401 { // no order token
			t.Fatalf("GET /v1/orders/%s = %d", id, resp.StatusCode)
		}
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
