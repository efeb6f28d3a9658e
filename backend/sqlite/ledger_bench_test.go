package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/buycard/buycard/backend/storetest"
)

func BenchmarkSaleJournal(b *testing.B)    { benchLedger(b).SaleJournals(b) }
func BenchmarkBaselineInsert(b *testing.B) { benchLedger(b).BaselineInserts(b) }

// benchLedger opens a migrated database in a fresh directory with the
// baseline table. Baseline rows go through the store's one write
// connection, as Post does.
func benchLedger(b *testing.B) *storetest.LedgerBench {
	db, err := Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	if _, err := db.write.ExecContext(b.Context(), storetest.BaselineTable); err != nil {
		b.Fatal(err)
	}
	return &storetest.LedgerBench{Post: db.Post, Insert: func(ctx context.Context, i int64) error {
		_, err := db.write.ExecContext(ctx, storetest.BaselineInsert, i, storetest.BaselineNote(i))
		return err
	}}
}
