package metrics

import (
	"testing"
	"time"
)

func TestLedgerCommits(t *testing.T) {
	t.Parallel()
	m := New()
	m.ObserveLedgerCommit(1, 300*time.Microsecond)
	m.ObserveLedgerCommit(64, 4*time.Millisecond)
	m.ObserveLedgerCommit(200, 20*time.Millisecond)
	wantSeries(t, scrape(t, m),
		`buycard_ledger_commit_journals_bucket{le="1"} 1`,
		`buycard_ledger_commit_journals_bucket{le="64"} 2`,
		`buycard_ledger_commit_journals_bucket{le="128"} 2`,
		`buycard_ledger_commit_journals_bucket{le="256"} 3`,
		`buycard_ledger_commit_journals_sum 265`,
		`buycard_ledger_commit_journals_count 3`,
		`buycard_ledger_commit_duration_seconds_bucket{le="0.0005"} 1`,
		`buycard_ledger_commit_duration_seconds_bucket{le="0.005"} 2`,
		`buycard_ledger_commit_duration_seconds_bucket{le="0.025"} 3`,
		`buycard_ledger_commit_duration_seconds_count 3`,
	)
}

// BenchmarkObserveLedgerCommit is what reporting costs each commit.
func BenchmarkObserveLedgerCommit(b *testing.B) {
	m := New()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.ObserveLedgerCommit(16, 2*time.Millisecond)
		}
	})
}
