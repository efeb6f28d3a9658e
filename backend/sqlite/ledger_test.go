package sqlite

import (
	"testing"

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
