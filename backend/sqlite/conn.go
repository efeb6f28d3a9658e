package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/sqlstore"
	"github.com/buycard/buycard/ledger"
)

// dialect is SQLite's for the shared SQL: one writer serializes every
// write transaction, so nothing needs a row lock, and times keep their
// nanoseconds.
var dialect = sqlstore.Dialect{
	In:                    func(param string) string { return "IN (SELECT value FROM json_each(" + param + "))" },
	StoredTime:            func(t time.Time) time.Time { return t.UTC() },
	IsUniqueViolation:     isUniqueViolation,
	IsForeignKeyViolation: isForeignKeyViolation,
	Translate:             translate,
	// Times are stored as timeLayout text, whose first ten characters
	// are the UTC day.
	Day: func(column string) string { return "substr(" + column + ", 1, 10)" },
}

// conn is the store's connection as the shared SQL uses it.
type conn struct{ db *DB }

func (c conn) Pool() sqlstore.Tx { return sqlTx{q: c.db.read} }

func (c conn) Write(ctx context.Context, fn func(sqlstore.Tx) error) error {
	return c.db.inWrite(ctx, func(tx *sql.Tx) error {
		return fn(sqlTx{q: tx, ledger: ledgerTx{tx}, jobs: func(ctx context.Context, js []jobs.Job) error {
			return c.db.jobs.Insert(ctx, tx, js...)
		}})
	})
}

func (c conn) Snapshot(ctx context.Context, fn func(sqlstore.Tx) error) error {
	return c.db.inRead(ctx, func(tx *sql.Tx) error { return fn(sqlTx{q: tx}) })
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// sqlTx is a sqlstore.Tx over database/sql: a pool, or a transaction
// with its ledger statements when it writes. It stores times as text
// (timeLayout) and lists as JSON, and scans them back.
type sqlTx struct {
	q      querier
	ledger ledger.Tx
	// jobs inserts jobs in the write transaction; nil outside one.
	jobs func(context.Context, []jobs.Job) error
}

func (t sqlTx) Ledger() ledger.Tx { return t.ledger }

func (t sqlTx) Enqueue(ctx context.Context, js ...jobs.Job) error {
	if t.jobs == nil {
		return errors.New("enqueue outside a write transaction")
	}
	return t.jobs(ctx, js)
}

func (t sqlTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := t.q.ExecContext(ctx, query, encodeArgs(args)...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t sqlTx) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := t.q.QueryContext(ctx, query, encodeArgs(args)...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (t sqlTx) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return sqlRow{t.q.QueryRowContext(ctx, query, encodeArgs(args)...)}
}

func (t sqlTx) ExecEach(ctx context.Context, query string, args [][]any) error {
	for _, a := range args {
		if _, err := t.Exec(ctx, query, a...); err != nil {
			return err
		}
	}
	return nil
}

type sqlRow struct{ row *sql.Row }

func (r sqlRow) Scan(dest ...any) error { return r.row.Scan(decodeDest(dest)...) }

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Scan(dest ...any) error { return r.Rows.Scan(decodeDest(dest)...) }

func (r sqlRows) Close() { r.Rows.Close() }

// encodeArgs stores times as text and string lists as JSON arrays.
func encodeArgs(args []any) []any {
	return convert(args, func(a any) (any, bool) {
		switch v := a.(type) {
		case time.Time:
			return formatTime(v), true
		case *time.Time:
			return formatNullTime(v), true
		case []string:
			return jsonList(v), true
		}
		return a, false
	})
}

// decodeDest scans stored times into time.Time and *time.Time, and JSON
// arrays into []string.
func decodeDest(dest []any) []any {
	return convert(dest, func(d any) (any, bool) {
		switch v := d.(type) {
		case *time.Time:
			return timeColumn{v}, true
		case **time.Time:
			return nullTimeColumn{v}, true
		case *[]string:
			return listColumn{v}, true
		}
		return d, false
	})
}

// convert returns list with each value f changes replaced, copying list
// only when f changes one, so that the caller's slice stays as it was.
func convert(list []any, f func(any) (any, bool)) []any {
	out := list
	copied := false
	for i, v := range list {
		w, changed := f(v)
		if !changed {
			continue
		}
		if !copied {
			out, copied = slices.Clone(list), true
		}
		out[i] = w
	}
	return out
}

// listColumn scans a JSON array of strings; an empty one reads as nil.
type listColumn struct{ dst *[]string }

func (c listColumn) Scan(src any) error {
	s, ok := src.(string)
	if !ok {
		return fmt.Errorf("scan list: want text, got %T", src)
	}
	var list []string
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return fmt.Errorf("scan list: %w", err)
	}
	if len(list) == 0 {
		list = nil
	}
	*c.dst = list
	return nil
}
