package postgres

import (
	"testing"

	"github.com/buycard/buycard/backend/storetest"
)

func TestLedgerSuite(t *testing.T) {
	t.Parallel()
	storetest.RunLedger(t, func(t *testing.T) storetest.LedgerStore { return openTest(t) })
}

func TestLedgerAppendOnly(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	storetest.LedgerTamper(t, db, storetest.Tamper{
		Refused: []string{`TRUNCATE ledger_postings, ledger_journals`},
		Exec: func(query string) error {
			_, err := db.pool.Exec(t.Context(), query)
			return err
		},
		// The table owner can disable the triggers; the chain still names
		// the first altered journal.
		Bypass: []string{
			`ALTER TABLE ledger_postings DISABLE TRIGGER USER`,
			`ALTER TABLE ledger_journals DISABLE TRIGGER USER`,
		},
	})
}
