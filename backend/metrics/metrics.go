// Package metrics is a node's Prometheus metrics (issue 17), the one
// package that imports client_golang: the Go runtime's and the process's,
// every HTTP request by route, method and status with its latency, the
// database pools' connections and waits, the job queue's depth and age;
// checkouts, payments, refunds and webhook deliveries; the caches' hits,
// the rate limits' refusals and the beacons' discards; and the ledger's
// commits. The server exposes them at /metrics to the operator key. A nil
// *Metrics records nothing, so a server without metrics needs no checks.
//
// Every label takes its values from a small set fixed by the code (a
// route pattern, an error code, a currency of the supported list), never
// from an id, a path or anything a client sent, so the series stay few
// whatever the traffic. A series is counted where its outcome is decided,
// once that outcome is stored: a retried or replayed request that changes
// nothing counts nothing.
package metrics

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one node's registry and its series.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	sales    sales
	webhooks [numWebhookOutcomes]prometheus.Counter
	caches   *prometheus.CounterVec
	limited  *prometheus.CounterVec
	ledger   ledgerSeries
}

// requestBuckets are the latency histogram's bounds, in seconds: from a
// cached card (well under a millisecond) to a slow provider call.
var requestBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// New returns a node's metrics, the Go runtime's and the process's
// registered.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "buycard_http_requests_total",
			Help: "HTTP requests answered, by route (the path pattern that served it), method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "buycard_http_request_duration_seconds",
			Help:    "How long HTTP requests took to answer, by route and method.",
			Buckets: requestBuckets,
		}, []string{"route", "method"}),
	}
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration)
	m.sales = newSales(m.registry)
	m.webhooks = newWebhookSeries(m.registry)
	m.caches, m.limited = newGuardSeries(m.registry)
	m.ledger = newLedgerSeries(m.registry)
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// ObserveRequest counts a request that route (a path pattern, so that
// the series stay few) answered with status after d.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	method = bounded(method, methods)
	m.requests.WithLabelValues(route, method, statusText(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// methods are the label values of a request's method; any other counts
// as other. A series keeps its label values, and Fiber's method is a view
// of the request's buffer, which the next request on the connection
// overwrites (a POST kept as it came turned into a GETT): bounded gives
// the set's own string.
var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions}

// statusTexts are the common statuses as label values, made once.
var statusTexts = func() map[int]string {
	texts := map[int]string{}
	for status := 100; status < 600; status++ {
		if http.StatusText(status) != "" {
			texts[status] = strconv.Itoa(status)
		}
	}
	return texts
}()

func statusText(status int) string {
	if s, ok := statusTexts[status]; ok {
		return s
	}
	return strconv.Itoa(status)
}

// other stands for a label value outside its bounded set.
const other = "other"

// bounded is v when set holds it, else other: set's own string, which
// a series may keep, never the caller's, which may be a view of a buffer
// (see methods).
func bounded[T ~string](v T, set []T) string {
	if i := slices.Index(set, v); i >= 0 {
		return string(set[i])
	}
	return other
}
