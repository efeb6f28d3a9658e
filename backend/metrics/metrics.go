// Package metrics is a node's Prometheus metrics (issue 17), the one
// package that imports client_golang: the Go runtime's and the process's,
// every HTTP request by route, method and status with its latency, and
// the database pools' connections and waits. The server exposes them at
// /metrics to the operator key. A nil *Metrics records nothing, so a
// server without metrics needs no checks.
package metrics

import (
	"net/http"
	"strconv"
	"strings"
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
	// Fiber's strings (the method above all) alias the request's buffer,
	// which the next request on the connection overwrites; a series keeps
	// its label values, so they are copied ("GET" must not become the
	// "GETT" of a POST read into the same bytes).
	route, method = strings.Clone(route), strings.Clone(method)
	m.requests.WithLabelValues(route, method, statusText(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

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
