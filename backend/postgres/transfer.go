package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard/backend/ledgersql"
	"github.com/buycard/buycard/ledger"
)

// Share transfers are ledgersql's (the Transfers and Reader embedded in
// DB); a claim locks its order's row.
var _ ledger.ShareTransfers = (*DB)(nil)

// transferTx runs fn in a write transaction, for ledgersql.Transfers,
// with orderID's row locked first when it is set.
func (db *DB) transferTx(ctx context.Context, orderID string, fn func(ledgersql.WriteTx) error) error {
	_, err := writeTx(ctx, db, func(tx pgx.Tx) (struct{}, error) {
		if orderID != "" {
			if _, err := tx.Exec(ctx, `SELECT 1 FROM orders WHERE id = $1`+forUpdate, orderID); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, fn(ledgersql.WriteTx{
			Query:  pgxQuery(tx),
			Exec:   pgxExec(tx),
			Ledger: &ledgerTx{tx: tx},
		})
	})
	return err
}
