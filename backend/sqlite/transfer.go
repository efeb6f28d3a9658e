package sqlite

import (
	"context"
	"database/sql"

	"github.com/buycard/buycard/backend/ledgersql"
	"github.com/buycard/buycard/ledger"
)

// Share transfers are ledgersql's, and the hold sweeper holdsql's (the
// Transfers, Reader and Holds embedded in DB), run on the one write
// connection, which holds every order.
var _ ledger.ShareTransfers = (*DB)(nil)

// shared is tx as the SQL this store shares with PostgreSQL (ledgersql,
// holdsql) sees a write transaction.
func (db *DB) shared(tx *sql.Tx) ledgersql.WriteTx {
	return ledgersql.WriteTx{
		Query:  sqlQuery(tx),
		Exec:   sqlExec(tx),
		Ledger: ledgerTx{tx},
	}
}

// sharedTx runs fn in a write transaction, for the shared SQL. The one
// writer serializes everything, so orderID needs no lock of its own.
func (db *DB) sharedTx(ctx context.Context, _ string, fn func(ledgersql.WriteTx) error) error {
	return db.inWrite(ctx, func(tx *sql.Tx) error { return fn(db.shared(tx)) })
}
