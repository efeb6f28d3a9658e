package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unsafe"
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
	got := scrape(t, m)
	for _, want := range []string{
		`buycard_http_requests_total{method="GET",route="/v1/orders/:id",status="200"} 2`,
		`buycard_http_requests_total{method="POST",route="/v1/checkout",status="429"} 1`,
		`buycard_http_request_duration_seconds_bucket{method="GET",route="/v1/orders/:id",le="0.005"} 1`,
		`buycard_http_request_duration_seconds_count{method="GET",route="/v1/orders/:id"} 2`,
		`buycard_db_pool_max_connections{pool="write"} 1`,
		`buycard_db_pool_in_use_connections{pool="write"} 1`,
		`buycard_db_pool_waits_total{pool="write"} 7`,
		`buycard_db_pool_wait_seconds_total{pool="write"} 1.5`,
		"go_goroutines ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
}

// A nil *Metrics records nothing, and does not panic.
// TestLabelsCopied observes requests whose method is read from a buffer
// that the next request overwrites, as Fiber's is: the series must keep
// the values they were made with.
func TestLabelsCopied(t *testing.T) {
	t.Parallel()
	m := New()
	buf := []byte("GET")
	m.ObserveRequest("/readyz", unsafe.String(&buf[0], len(buf)), 200, time.Millisecond)
	copy(buf, "PUT")
	m.ObserveRequest("/readyz", "GET", 200, time.Millisecond)
	got := scrape(t, m)
	if want := `buycard_http_requests_total{method="GET",route="/readyz",status="200"} 2`; !strings.Contains(got, want) {
		t.Errorf("scrape lacks %s:\n%s", want, got)
	}
}

func TestNilMetrics(t *testing.T) {
	t.Parallel()
	var m *Metrics
	m.ObserveRequest("/", "GET", 200, time.Millisecond)
	m.WatchPools(func() []Pool { return nil })
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
