package postgres

import (
	"context"
	"testing"

	"github.com/buycard/buycard/backend/storetest"
)

func BenchmarkSaleJournal(b *testing.B)    { benchLedger(b).SaleJournals(b) }
func BenchmarkBaselineInsert(b *testing.B) { benchLedger(b).BaselineInserts(b) }

// benchLedger opens a migrated store in a fresh database with the baseline
// table. Baseline rows go through the store's pool.
func benchLedger(b *testing.B) *storetest.LedgerBench {
	db := openTest(b)
	if _, err := db.pool.Exec(b.Context(), storetest.BaselineTable); err != nil {
		b.Fatal(err)
	}
	return &storetest.LedgerBench{Post: db.Post, Insert: func(ctx context.Context, i int64) error {
		_, err := db.pool.Exec(ctx, storetest.BaselineInsert, i, storetest.BaselineNote(i))
		return err
	}}
}
