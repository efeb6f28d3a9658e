package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Reconciliation is the state of the reconciliation with the payment
// provider, as the store has it when scraped: the same on every node.
type Reconciliation struct {
	// OpenAlerts are the days whose differences no admin has cleared
	// yet; while there is one, payouts are held.
	OpenAlerts int
	// Mismatches counts the differences of those days.
	Mismatches int
}

// WatchReconciliation reports what state returns, on each scrape, as
// buycard_reconciliation_open_alerts, buycard_reconciliation_mismatches
// and buycard_payouts_held. A state that cannot be read (the database is
// away) reports nothing, and the scrape goes on.
func (m *Metrics) WatchReconciliation(state func() (Reconciliation, error)) {
	if m == nil {
		return
	}
	m.registry.MustRegister(reconciliationCollector(state))
}

type reconciliationCollector func() (Reconciliation, error)

var (
	reconOpenAlerts = prometheus.NewDesc("buycard_reconciliation_open_alerts",
		"Days whose reconciliation with the payment provider found differences that no admin has cleared yet.", nil, nil)
	reconMismatches = prometheus.NewDesc("buycard_reconciliation_mismatches",
		"Differences between the ledger and the payment provider in the days not cleared yet.", nil, nil)
	payoutsHeld = prometheus.NewDesc("buycard_payouts_held",
		"1 while publisher payouts are held by a reconciliation alert, else 0.", nil, nil)
)

func (c reconciliationCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- reconOpenAlerts
	ch <- reconMismatches
	ch <- payoutsHeld
}

func (c reconciliationCollector) Collect(ch chan<- prometheus.Metric) {
	r, err := c()
	if err != nil {
		return
	}
	held := 0.0
	if r.OpenAlerts > 0 {
		held = 1
	}
	ch <- prometheus.MustNewConstMetric(reconOpenAlerts, prometheus.GaugeValue, float64(r.OpenAlerts))
	ch <- prometheus.MustNewConstMetric(reconMismatches, prometheus.GaugeValue, float64(r.Mismatches))
	ch <- prometheus.MustNewConstMetric(payoutsHeld, prometheus.GaugeValue, held)
}
