package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ledgerSeries are the ledger's commits: how many journals each
// transaction carried, and how long it took.
type ledgerSeries struct {
	journals prometheus.Histogram
	duration prometheus.Histogram
}

// Bounds of the ledger's histograms: a batch from a lone append to a
// group commit of a thousand journals; a commit from SQLite's tenth of a
// millisecond to a second of waiting on a lock.
var (
	ledgerBatchBuckets  = prometheus.ExponentialBuckets(1, 2, 11) // 1 … 1024
	ledgerCommitBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}
)

func newLedgerSeries(r *prometheus.Registry) ledgerSeries {
	s := ledgerSeries{
		journals: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "buycard_ledger_commit_journals",
			Help:    "Journals appended per ledger transaction committed (the batch size of a group commit).",
			Buckets: ledgerBatchBuckets,
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "buycard_ledger_commit_duration_seconds",
			Help:    "How long a ledger transaction took to append its journals and commit.",
			Buckets: ledgerCommitBuckets,
		}),
	}
	r.MustRegister(s.journals, s.duration)
	return s
}

// ObserveLedgerCommit reports a committed ledger transaction that
// appended journals (one for a lone append, more for a group commit) and
// took d, from the start of its first run to its commit, retries
// included: the latency its appenders waited. A store calls it after each
// commit that appended journals, never for a run that rolled back, so a
// retried transaction is observed once. It costs a few atomic adds and no
// allocation.
func (m *Metrics) ObserveLedgerCommit(journals int, d time.Duration) {
	if m == nil {
		return
	}
	m.ledger.journals.Observe(float64(journals))
	m.ledger.duration.Observe(d.Seconds())
}
