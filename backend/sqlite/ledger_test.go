package sqlite

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/backend/storetest"
)

func TestLedgerSuite(t *testing.T) {
	storetest.RunLedger(t, func(t *testing.T) storetest.LedgerStore { return openTest(t) })
}

func TestLedgerAppendOnly(t *testing.T) {
	db := openTest(t)
	storetest.LedgerTamper(t, db, storetest.Tamper{
		Exec: func(query string) error {
			_, err := db.write.ExecContext(t.Context(), query)
			return err
		},
		// An attacker with write access to the file can drop the
		// triggers; the chain still names the first altered journal.
		Bypass: []string{
			`DROP TRIGGER ledger_postings_append_only_update`,
			`DROP TRIGGER ledger_journals_append_only_update`,
		},
	})
}

// TestLedgerCommitMetrics: each of Post's group commits is counted with
// its journals.
func TestLedgerCommitMetrics(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	m := metrics.New()
	db.SetMetrics(m)
	if err := storetest.PostBenchSale(t.Context(), db.Post, 1); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{"buycard_ledger_commit_journals_sum 1\n", "buycard_ledger_commit_duration_seconds_count 1\n"} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}
