package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard/backend/ledgersql"
	"github.com/buycard/buycard/ledger"
)

// Share transfers are ledgersql's, and the hold sweeper holdsql's (the
// Transfers, Reader and Holds embedded in DB); a claim locks its order's
// row.
var _ ledger.ShareTransfers = (*DB)(nil)

// shared is tx as the SQL this store shares with SQLite (ledgersql,
// holdsql) sees a write transaction.
func shared(tx pgx.Tx) ledgersql.WriteTx {
	return ledgersql.WriteTx{
		Query:  pgxQuery(tx),
		Exec:   pgxExec(tx),
		Ledger: &ledgerTx{tx: tx},
	}
}

// sharedTx runs fn in a write transaction, for the shared SQL, with
// orderID's row locked first when it is set.
func (db *DB) sharedTx(ctx context.Context, orderID string, fn func(ledgersql.WriteTx) error) error {
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		if orderID != "" {
			if _, err := tx.Exec(ctx, `SELECT 1 FROM orders WHERE id = $1`+forUpdate, orderID); err != nil {
				return err
			}
		}
		return fn(shared(tx))
	})
}
