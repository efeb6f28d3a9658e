package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Pool is what a database pool says of itself when scraped: SQLite's
// writer and readers, or PostgreSQL's connections.
type Pool struct {
	Name  string // "write", "read", "postgres"
	Max   int    // connections it may open; 0 for no bound
	Open  int    // connections open now
	InUse int    // of them, serving a query or a transaction now
	// Waits counts the times a caller waited for a connection, and
	// Waited how long, in all.
	Waits  int64
	Waited time.Duration
}

// WatchPools reports the pools pools returns, on each scrape, as
// buycard_db_pool_* series labelled by pool.
func (m *Metrics) WatchPools(pools func() []Pool) {
	if m == nil {
		return
	}
	m.registry.MustRegister(poolCollector(pools))
}

// poolCollector collects the pools a store returns.
type poolCollector func() []Pool

var (
	poolMax    = prometheus.NewDesc("buycard_db_pool_max_connections", "Connections the pool may open (0: no bound).", []string{"pool"}, nil)
	poolOpen   = prometheus.NewDesc("buycard_db_pool_open_connections", "Connections the pool has open.", []string{"pool"}, nil)
	poolInUse  = prometheus.NewDesc("buycard_db_pool_in_use_connections", "Connections serving a query or a transaction.", []string{"pool"}, nil)
	poolWaits  = prometheus.NewDesc("buycard_db_pool_waits_total", "Times a caller waited for a connection.", []string{"pool"}, nil)
	poolWaited = prometheus.NewDesc("buycard_db_pool_wait_seconds_total", "Time callers waited for a connection, in all.", []string{"pool"}, nil)
)

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolMax, poolOpen, poolInUse, poolWaits, poolWaited} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c() {
		ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(p.Max), p.Name)
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(p.Open), p.Name)
		ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(p.InUse), p.Name)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(p.Waits), p.Name)
		ch <- prometheus.MustNewConstMetric(poolWaited, prometheus.CounterValue, p.Waited.Seconds(), p.Name)
	}
}
