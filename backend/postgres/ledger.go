package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard/backend/ledgersql"
	"github.com/buycard/buycard/ledger"
)

// The read side of ledger.Books is ledgersql.Reader, embedded in DB.
var _ ledger.Books = (*DB)(nil)

// Post implements ledger.Store: it appends j in its own write transaction.
func (db *DB) Post(ctx context.Context, j ledger.Journal) (res ledger.PostResult, err error) {
	defer wrap(&err, "post journal")
	return writeTx(ctx, db, func(tx pgx.Tx) (ledger.PostResult, error) {
		return ledger.Append(ctx, &ledgerTx{tx: tx}, j)
	})
}

// ledgerTx is a write transaction as ledger.Append sees it. Its first
// query locks the ledger head until the transaction ends: appends are
// serialized, and under READ COMMITTED every statement after the lock sees
// the journals committed before it. Transactions that never touch the
// ledger never take the lock.
type ledgerTx struct {
	tx     pgx.Tx
	locked bool
	// seq and hash are the head read with the lock.
	seq  int64
	hash string
}

func (t *ledgerTx) lock(ctx context.Context) error {
	if t.locked {
		return nil
	}
	err := t.tx.QueryRow(ctx, ledgersql.Head+` FOR UPDATE`).Scan(&t.seq, &t.hash)
	t.locked = err == nil
	return err
}

func (t *ledgerTx) JournalDigest(ctx context.Context, key string) (digest string, found bool, err error) {
	if err := t.lock(ctx); err != nil {
		return "", false, err
	}
	err = t.tx.QueryRow(ctx, ledgersql.JournalDigest, key).Scan(&digest)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return digest, err == nil, err
}

// Head is the head the lock read: nobody else can have moved it since.
func (t *ledgerTx) Head(ctx context.Context) (seq int64, hash string, err error) {
	err = t.lock(ctx)
	return t.seq, t.hash, err
}

// AccountBalances reads every balance in one round trip.
func (t *ledgerTx) AccountBalances(ctx context.Context, accounts []ledger.AccountID) (map[ledger.AccountID]int64, error) {
	if err := t.lock(ctx); err != nil {
		return nil, err
	}
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = a.String()
	}
	rows, err := t.tx.Query(ctx, `SELECT account, amount FROM ledger_balances WHERE account = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return ledgersql.ScanBalanceMap(rows)
}

// Insert sends the journal's statements in one round trip.
func (t *ledgerTx) Insert(ctx context.Context, r ledger.Record) error {
	if err := t.lock(ctx); err != nil {
		return err
	}
	queries, args := ledgersql.InsertArgs(r)
	batch := &pgx.Batch{}
	for i, q := range queries {
		batch.Queue(q, args[i]...)
	}
	if err := t.tx.SendBatch(ctx, batch).Close(); err != nil {
		return err
	}
	t.seq, t.hash = r.Seq, r.Hash // the next append in this transaction follows it
	return nil
}

// pgxQuery is a QueryFunc over the pool or a transaction.
func pgxQuery(q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}) ledgersql.QueryFunc {
	return func(ctx context.Context, sql string, args ...any) (ledgersql.Rows, func(), error) {
		rows, err := q.Query(ctx, sql, args...)
		if err != nil {
			return nil, nil, translate(err)
		}
		return translatedRows{rows}, rows.Close, nil
	}
}

// translatedRows translates the errors of pgx's rows: pgx reads a result
// lazily, so a database lost after Query returned shows in Scan or Err.
type translatedRows struct{ pgx.Rows }

func (r translatedRows) Scan(dest ...any) error { return translate(r.Rows.Scan(dest...)) }
func (r translatedRows) Err() error             { return translate(r.Rows.Err()) }

// pgxExec is an ExecFunc over a transaction.
func pgxExec(tx pgx.Tx) ledgersql.ExecFunc {
	return func(ctx context.Context, sql string, args ...any) (int64, error) {
		tag, err := tx.Exec(ctx, sql, args...)
		return tag.RowsAffected(), err
	}
}

// snapshot runs fn on one read-only transaction, for ledgersql.Reader.
func (db *DB) snapshot(ctx context.Context, fn func(ledgersql.QueryFunc) error) error {
	_, err := readTx(ctx, db, func(tx pgx.Tx) (struct{}, error) { return struct{}{}, fn(pgxQuery(tx)) })
	return err
}
