package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/buycard/buycard/backend/analytics"
)

// The guards of the hot paths: the caches that keep requests off the
// database, the rate limits that refuse floods, and the bounds that
// discard beacons.

func newGuardSeries(r *prometheus.Registry) (caches, limited *prometheus.CounterVec) {
	caches = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "buycard_cache_lookups_total",
		Help: "Lookups of the node's caches, by cache and result: hit (answered from the cache) or miss (built or read afresh).",
	}, []string{"cache", "result"})
	limited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "buycard_rate_limited_total",
		Help: "Requests a rate limit or throttle refused, by limiter.",
	}, []string{"limiter"})
	r.MustRegister(caches, limited)
	return caches, limited
}

// Cache counts the lookups of one cache. Its series are made once, so a
// lookup costs an atomic add. A nil *Cache counts nothing.
type Cache struct {
	hits, misses prometheus.Counter
}

// Cache returns the counts of the cache name, a constant of the caller's
// ("cards"); nil when m is nil.
func (m *Metrics) Cache(name string) *Cache {
	if m == nil {
		return nil
	}
	return &Cache{hits: m.caches.WithLabelValues(name, "hit"), misses: m.caches.WithLabelValues(name, "miss")}
}

// Lookup counts a hit or a miss.
func (c *Cache) Lookup(hit bool) {
	switch {
	case c == nil:
	case hit:
		c.hits.Inc()
	default:
		c.misses.Inc()
	}
}

// RateLimited counts a request the limiter refused; limiter is a constant
// of the caller's ("checkout_ip", "sign_in"), never input.
func (m *Metrics) RateLimited(limiter string) {
	if m == nil {
		return
	}
	m.limited.WithLabelValues(limiter).Inc()
}

// WatchBeacons reports, on each scrape, what the analytics ingestor
// stats returns did with the beacons it received: batches accepted and
// refused, events counted, and events discarded by reason.
func (m *Metrics) WatchBeacons(stats func() analytics.Stats) {
	if m == nil {
		return
	}
	m.registry.MustRegister(beaconCollector(stats))
}

type beaconCollector func() analytics.Stats

var (
	beaconBatches = prometheus.NewDesc("buycard_beacon_batches_total",
		"Beacon requests (POST /v1/events), by result: accepted, or malformed (refused whole).", []string{"result"}, nil)
	beaconCounted = prometheus.NewDesc("buycard_beacon_events_counted_total",
		"Funnel events counted (impressions and clicks).", nil, nil)
	beaconDiscarded = prometheus.NewDesc("buycard_beacon_events_discarded_total",
		"Funnel events not counted, by reason: bot, unproven (no recent card response vouches for its token), "+
			"over_limit (the per-network bound), duplicate, bad_token, bad_event (unknown type or stale time).", []string{"reason"}, nil)
)

func (c beaconCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{beaconBatches, beaconCounted, beaconDiscarded} {
		ch <- d
	}
}

func (c beaconCollector) Collect(ch chan<- prometheus.Metric) {
	s := c()
	counter := func(d *prometheus.Desc, n int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(n), labels...)
	}
	counter(beaconBatches, s.Batches, "accepted")
	counter(beaconBatches, s.Malformed, "malformed")
	counter(beaconCounted, s.Counted)
	for _, d := range []struct {
		reason string
		n      int64
	}{
		{"bot", s.Discarded.Bot}, {"unproven", s.Discarded.Unproven}, {"over_limit", s.Discarded.OverLimit},
		{"duplicate", s.Discarded.Duplicate}, {"bad_token", s.BadToken}, {"bad_event", s.BadEvent},
	} {
		counter(beaconDiscarded, d.n, d.reason)
	}
}
