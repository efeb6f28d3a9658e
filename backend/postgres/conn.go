package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/buycard/buycard/backend/sqlstore"
)

// dialect is PostgreSQL's for the shared SQL: read-then-write locks the
// rows it reads, and times keep microseconds.
var dialect = sqlstore.Dialect{
	ForUpdate:         forUpdate,
	In:                func(param string) string { return "= ANY(" + param + ")" },
	StoredTime:        storedTime,
	IsUniqueViolation: func(err error) bool { return hasCode(err, uniqueViolation) },
	Translate:         translate,
}

// conn is the store's connection as the shared SQL uses it.
type conn struct{ db *DB }

func (c conn) Pool() sqlstore.Tx { return pgxTx{c.db.pool} }

func (c conn) Write(ctx context.Context, fn func(sqlstore.Tx) error) error {
	return c.db.inWrite(ctx, func(tx pgx.Tx) error { return fn(pgxTx{tx}) })
}

func (c conn) Snapshot(ctx context.Context, fn func(sqlstore.Tx) error) error {
	_, err := readTx(ctx, c.db, func(tx pgx.Tx) (struct{}, error) { return struct{}{}, fn(pgxTx{tx}) })
	return err
}

// querier is a pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pgxTx is a sqlstore.Tx over pgx.
type pgxTx struct{ q querier }

func (t pgxTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := t.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (t pgxTx) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return t.q.Query(ctx, query, args...)
}

func (t pgxTx) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return pgxRow{t.q.QueryRow(ctx, query, args...)}
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
