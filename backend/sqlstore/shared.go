package sqlstore

import (
	"context"

	"github.com/buycard/buycard/backend/ledgersql"
	"github.com/buycard/buycard/ledger"
)

// The ledger's reads and share transfers are ledgersql's and the holds'
// sweeper holdsql's (embedded in Store), run on the store's transactions
// through the functions below.
var (
	_ ledger.Books          = (*Store)(nil)
	_ ledger.ShareTransfers = (*Store)(nil)
)

// ledgerQuery is tx's queries as ledgersql runs them.
func (db *Store) ledgerQuery(tx Tx) ledgersql.QueryFunc {
	return func(ctx context.Context, query string, args ...any) (ledgersql.Rows, func(), error) {
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return nil, nil, db.dialect.Translate(err)
		}
		return rows, rows.Close, nil
	}
}

// ledgerSnapshot runs fn on one read transaction, for ledgersql.Reader.
func (db *Store) ledgerSnapshot(ctx context.Context, fn func(ledgersql.QueryFunc) error) error {
	return db.conn.Snapshot(ctx, func(tx Tx) error { return fn(db.ledgerQuery(tx)) })
}

// shared is the write transaction tx as ledgersql and holdsql see it.
func (db *Store) shared(tx Tx) ledgersql.WriteTx {
	return ledgersql.WriteTx{Query: db.ledgerQuery(tx), Exec: tx.Exec, Ledger: tx.Ledger()}
}

// sharedTx runs fn in a write transaction, for ledgersql and holdsql,
// with orderID's row locked first when it is set (SQLite's one writer
// holds every order already).
func (db *Store) sharedTx(ctx context.Context, orderID string, fn func(ledgersql.WriteTx) error) error {
	return db.conn.Write(ctx, func(tx Tx) error {
		if orderID != "" && db.dialect.ForUpdate != "" {
			if _, err := tx.Exec(ctx, `SELECT 1 FROM orders WHERE id = $1`+db.dialect.ForUpdate, orderID); err != nil {
				return err
			}
		}
		return fn(db.shared(tx))
	})
}

// Post implements ledger.Store: it appends j in its own write transaction,
// with the ledger statements the store runs (Tx.Ledger).
func (db *Store) Post(ctx context.Context, j ledger.Journal) (res ledger.PostResult, err error) {
	defer db.wrap(&err, "post journal")
	return write(ctx, db, func(tx Tx) (ledger.PostResult, error) {
		return ledger.Append(ctx, tx.Ledger(), j)
	})
}
