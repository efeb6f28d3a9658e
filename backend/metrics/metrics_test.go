package metrics

import (
	"context"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/jobs"
)

// scrape is what m serves at /metrics.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Body)
	return string(body)
}

func TestRequestsAndPools(t *testing.T) {
	t.Parallel()
	m := New()
	m.ObserveRequest("/v1/orders/:id", "GET", 200, 3*time.Millisecond)
	m.ObserveRequest("/v1/orders/:id", "GET", 200, 40*time.Millisecond)
	m.ObserveRequest("/v1/checkout", "POST", 429, time.Millisecond)
	m.WatchPools(func() []Pool {
		return []Pool{{Name: "write", Max: 1, Open: 1, InUse: 1, Waits: 7, Waited: 1500 * time.Millisecond}}
	})
	wantSeries(t, scrape(t, m),
		`buycard_http_requests_total{method="GET",route="/v1/orders/:id",status="200"} 2`,
		`buycard_http_requests_total{method="POST",route="/v1/checkout",status="429"} 1`,
		`buycard_http_request_duration_seconds_bucket{method="GET",route="/v1/orders/:id",le="0.005"} 1`,
		`buycard_http_request_duration_seconds_count{method="GET",route="/v1/orders/:id"} 2`,
		`buycard_db_pool_max_connections{pool="write"} 1`,
		`buycard_db_pool_in_use_connections{pool="write"} 1`,
		`buycard_db_pool_waits_total{pool="write"} 7`,
		`buycard_db_pool_wait_seconds_total{pool="write"} 1.5`,
		"go_goroutines ",
	)
}

// wantSeries checks that a scrape has each line; one that ends in a space
// stands for any line it starts (a series whatever its value).
func wantSeries(t *testing.T, scraped string, lines ...string) {
	t.Helper()
	have := strings.Split(scraped, "\n")
	for _, want := range lines {
		if !slices.ContainsFunc(have, func(line string) bool {
			return line == want || strings.HasSuffix(want, " ") && strings.HasPrefix(line, want)
		}) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
}

// A request's method is counted as a constant: Fiber's is a view of the
// request's buffer, which the next request overwrites; a method that is
// not a standard one counts as other.
func TestRequestMethodIsKept(t *testing.T) {
	t.Parallel()
	m := New()
	buf := []byte("POST")
	m.ObserveRequest("/v1/checkout", unsafe.String(&buf[0], len(buf)), 201, time.Millisecond)
	copy(buf, "GETT") // the next request, GET, in the same buffer
	m.ObserveRequest("/v1/checkout", "BREW", 405, time.Millisecond)
	wantSeries(t, scrape(t, m),
		`buycard_http_requests_total{method="POST",route="/v1/checkout",status="201"} 1`,
		`buycard_http_requests_total{method="other",route="/v1/checkout",status="405"} 1`,
	)
}

// A nil *Metrics records nothing, and does not panic.
func TestNilMetrics(t *testing.T) {
	t.Parallel()
	var m *Metrics
	m.ObserveRequest("/", "GET", 200, time.Millisecond)
	m.WatchPools(func() []Pool { return nil })
	m.WatchQueue(func(context.Context) (jobs.Health, error) { return jobs.Health{}, nil })
	m.WatchBeacons(func() analytics.Stats { return analytics.Stats{} })
	m.Checkout(nil)
	m.PaymentApplied(buycard.PaymentEvent{})
	m.WebhookAttempt(WebhookDelivered)
	m.Cache("cards").Lookup(true)
	m.RateLimited("sign_in")
	m.ObserveLedgerCommit(1, time.Millisecond)
}

// BenchmarkObserveRequest is what counting costs each request.
func BenchmarkObserveRequest(b *testing.B) {
	m := New()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.ObserveRequest("/v1/cards", "GET", 200, 300*time.Microsecond)
		}
	})
}

// Every series of a node, each kind of collector registered, follows
// Prometheus's naming conventions (promlint: units, _total on counters…).
func TestNamesLint(t *testing.T) {
	t.Parallel()
	m := New()
	m.WatchPools(func() []Pool { return []Pool{{Name: "write"}} })
	m.WatchQueue(func(context.Context) (jobs.Health, error) { return jobs.Health{}, nil })
	m.WatchBeacons(func() analytics.Stats { return analytics.Stats{} })
	m.ObserveRequest("/", "GET", 200, time.Millisecond)
	m.RateLimited("sign_in")
	m.Cache("cards")
	m.PaymentApplied(buycard.PaymentEvent{Provider: "stripe", Type: buycard.PaymentRefunded, Amount: buycard.Money{Amount: 1, Currency: "EUR"}})
	problems, err := promlint.New(strings.NewReader(scrape(t, m))).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}
