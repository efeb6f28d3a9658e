package sqlite

import (
	"context"
	"database/sql"

	"github.com/buycard/buycard/backend/ledgersql"
	"github.com/buycard/buycard/ledger"
)

// Share transfers are ledgersql's (the Transfers and Reader embedded in
// DB), run on the one write connection, which holds every order.
var _ ledger.ShareTransfers = (*DB)(nil)

// transferTx runs fn in a write transaction, for ledgersql.Transfers.
func (db *DB) transferTx(ctx context.Context, _ string, fn func(ledgersql.WriteTx) error) error {
	_, err := writeTx(ctx, db, func(tx *sql.Tx) (struct{}, error) {
		return struct{}{}, fn(ledgersql.WriteTx{
			Query:  sqlQuery(tx),
			Exec:   sqlExec(tx),
			Ledger: db.ledgerTx(tx),
		})
	})
	return err
}
