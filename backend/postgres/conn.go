package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/sqlstore"
	"github.com/buycard/buycard/ledger"
)

// dialect is PostgreSQL's for the shared SQL: a read-then-write locks
// the rows it reads, so that it sees the last committed state and nobody
// changes it meanwhile; checkouts of one variant queue on its row, so each
// sees the holds of those before it, while checkouts of an unlimited
// variant share the row. Times keep microseconds.
var dialect = sqlstore.Dialect{
	ForUpdate:             " FOR UPDATE",
	ForNoKeyUpdate:        " FOR NO KEY UPDATE",
	ForShare:              " FOR SHARE",
	IsForeignKeyViolation: func(err error) bool { return hasCode(err, foreignKeyViolation) },
	In:                    func(param string) string { return "= ANY(" + param + ")" },
	StoredTime:            storedTime,
	IsUniqueViolation:     func(err error) bool { return hasCode(err, uniqueViolation) },
	Translate:             translate,
	Day:                   func(column string) string { return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')" },
}

// conn is the store's connection as the shared SQL uses it.
type conn struct{ db *DB }

func (c conn) Pool() sqlstore.Tx { return pgxTx{q: c.db.pool} }

func (c conn) Write(ctx context.Context, fn func(sqlstore.Tx) error) error {
	return c.db.inWrite(ctx, func(tx pgx.Tx) error {
		return fn(pgxTx{q: tx, ledger: &ledgerTx{tx: tx}, jobs: func(ctx context.Context, js []jobs.Job) error {
			return c.db.jobs.Insert(ctx, tx, js...)
		}})
	})
}

func (c conn) Snapshot(ctx context.Context, fn func(sqlstore.Tx) error) error {
	return c.db.inRead(ctx, func(tx pgx.Tx) error { return fn(pgxTx{q: tx}) })
}

// querier is a pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// pgxTx is a sqlstore.Tx over pgx: a pool, or a transaction with its
// ledger statements when it writes.
type pgxTx struct {
	q      querier
	ledger *ledgerTx
	// jobs inserts jobs in the write transaction; nil outside one.
	jobs func(context.Context, []jobs.Job) error
}

func (t pgxTx) Enqueue(ctx context.Context, js ...jobs.Job) error {
	if t.jobs == nil {
		return errors.New("enqueue outside a write transaction")
	}
	return t.jobs(ctx, js)
}

func (t pgxTx) Ledger() ledger.Tx {
	if t.ledger == nil {
		return nil // a nil *ledgerTx would be a non-nil ledger.Tx
	}
	return t.ledger
}

func (t pgxTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := t.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (t pgxTx) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := t.q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return translatedRows{rows}, nil
}

// translatedRows translates the errors of pgx's rows: pgx reads a result
// lazily, so a database lost after Query returned shows in Scan or Err.
type translatedRows struct{ pgx.Rows }

func (r translatedRows) Scan(dest ...any) error { return translate(r.Rows.Scan(dest...)) }
func (r translatedRows) Err() error             { return translate(r.Rows.Err()) }

func (t pgxTx) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return pgxRow{t.q.QueryRow(ctx, query, args...)}
}

func (t pgxTx) ExecEach(ctx context.Context, query string, args [][]any) error {
	var b pgx.Batch
	for _, a := range args {
		b.Queue(query, a...)
	}
	return t.q.SendBatch(ctx, &b).Close()
}

// pgxRow reports no row as sqlstore.ErrNoRows.
type pgxRow struct{ row pgx.Row }

func (r pgxRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sqlstore.ErrNoRows
	}
	return err
}
