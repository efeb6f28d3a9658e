// Package sqlstore is the SQL of Buycard's stores written once: the
// SQLite store (package sqlite) and the PostgreSQL store (package
// postgres) run the same statements ($N placeholders, which modernc's
// SQLite accepts too) through a thin seam, and keep only what truly
// differs: opening and tuning the connection, how write transactions are
// serialized (SQLite's one writer in BEGIN IMMEDIATE; PostgreSQL's row
// locks and retries), the translation of driver error codes, and the
// migrations.
//
// It holds the catalog, publishers, orders, payments, refunds, accounts
// and auth; the ledger's statements, the decoding of its rows and its read
// side (ledger.Books) and share transfers (ledger.go, ledger_reader.go,
// share_transfer.go); funnel analytics (funnel.go); stock holds
// (hold.go); and the builds of pinned assets (pinned_asset.go).
//
// The seam is Conn (the store's transactions), Tx (one transaction's
// statements, adapted from database/sql or pgx) and Dialect (the few SQL
// and encoding differences). Adapters encode and decode the column types
// the databases store differently (SQLite keeps times as text), so that
// the code here passes and scans time.Time as it is. The ledger's append,
// a hot path, stays each store's (Tx.Ledger) over the statements of
// ledger.go: prepared statements on SQLite, a locked head and a pgx.Batch
// on PostgreSQL.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/ledger"
)

// Row is one row of a query, as *sql.Row and pgx.Row offer it. Scan
// returns ErrNoRows when there is none.
type Row interface {
	Scan(dest ...any) error
}

// Rows are the rows of a query, as *sql.Rows (adapted) and pgx.Rows offer
// them; the caller closes them.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// ErrNoRows is what Row.Scan returns for a query without rows, on every
// database.
var ErrNoRows = sql.ErrNoRows

// Tx runs statements in a transaction, or on a pool outside of one.
type Tx interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
	// ExecEach runs query once per list of args, in one round trip where
	// the driver can (a pgx.Batch).
	ExecEach(ctx context.Context, query string, args [][]any) error
	// Ledger is the ledger's statements in this write transaction, as
	// the store prepares or batches them; nil outside one.
	Ledger() ledger.Tx
	// Enqueue inserts jobs in this write transaction (the outbox): they
	// are worked once it commits, never if it rolls back. It fails
	// outside a write transaction.
	Enqueue(ctx context.Context, jobs ...jobs.Job) error
}

// Conn is a store's connection as the shared SQL uses it.
type Conn interface {
	// Pool runs single statements outside a transaction.
	Pool() Tx
	// Write runs fn in a write transaction, committing when fn returns
	// nil. It may run fn again after a failure the database says a new
	// run may not meet (PostgreSQL's serialization failures).
	Write(ctx context.Context, fn func(Tx) error) error
	// Snapshot runs fn in a read-only transaction, so that its queries
	// see one snapshot.
	Snapshot(ctx context.Context, fn func(Tx) error) error
}

// Dialect is what differs between the databases in the statements and
// errors the shared SQL sees.
type Dialect struct {
	// ForUpdate ends a SELECT that locks the rows it reads before the
	// transaction writes them; SQLite's one writer makes it "".
	ForUpdate string
	// ForNoKeyUpdate locks the variant row a hold reads, so that
	// checkouts of one variant queue and each sees the holds of those
	// before it. ForShare lets checkouts of an unlimited variant share
	// the row while a merchant's edit of it waits. Both are "" on SQLite,
	// like ForUpdate.
	ForNoKeyUpdate, ForShare string
	// In is the condition "is in the list param" of a column: lists are
	// passed as []string.
	In func(param string) string
	// StoredTime is t as the database keeps it and reads it back.
	StoredTime func(t time.Time) time.Time
	// Day is the SQL expression of the UTC day (buycard.DayLayout) of a
	// stored time column, by which funnel queries group.
	Day func(column string) string
	// IsForeignKeyViolation reports a row referring to one that is gone.
	IsForeignKeyViolation func(err error) bool
	// IsUniqueViolation reports a unique or primary key constraint
	// failure.
	IsUniqueViolation func(err error) bool
	// Translate turns the driver's errors that are not Buycard's fault
	// (a database gone, text it cannot hold) into codes.
	Translate func(err error) error
}

// Store is the SQL of a store written once: stores embed it, built with
// New over their connection.
type Store struct {
	// OrderNumbers makes order numbers; tests replace it to force
	// collisions.
	OrderNumbers func() string
	// ShareNotice is how long placements keep a share their merchant
	// lowered (buycard.ShareNotice); 0 is buycard.DefaultShareNotice.
	ShareNotice time.Duration

	conn    Conn
	pool    Tx // conn.Pool(), for single reads
	dialect Dialect
	queries queries
	posts   *ledger.Group // Post's group commit
	// metrics counts what the store's commits did (SetMetrics); nil
	// counts nothing.
	metrics *metrics.Metrics
}

// queries are the statements of the hot paths that depend on the dialect,
// built once.
type queries struct {
	cards, variants string
	// lockVariant and shareVariant read a variant's row for a hold,
	// locked for update or shared (hold.go).
	lockVariant, shareVariant string
	// funnelOrders is funnelOrdersQuery in the dialect.
	funnelOrders string
}

// New returns the shared SQL over conn in dialect d.
func New(conn Conn, d Dialect) *Store {
	db := &Store{conn: conn, pool: conn.Pool(), dialect: d, OrderNumbers: buycard.NewOrderNumber}
	db.posts = ledger.NewGroup(db.commitJournals, db.observeLedgerCommit)
	db.queries = queries{
		cards: cardsQuery(d), variants: variantsQuery(d),
		lockVariant:  `SELECT stock, unlimited, held FROM variants WHERE id = $1` + d.ForNoKeyUpdate,
		shareVariant: `SELECT unlimited FROM variants WHERE id = $1` + d.ForShare,
		funnelOrders: funnelOrdersQuery(d.Day("created_at")),
	}
	return db
}

// SetMetrics has the store count in m what its commits do: the payment
// events that changed an order (and the refunds among them), and the
// size and time of Post's group commits. Set it before the store is used.
func (db *Store) SetMetrics(m *metrics.Metrics) { db.metrics = m }

// observeLedgerCommit counts one of Post's group commits.
func (db *Store) observeLedgerCommit(journals int, d time.Duration) {
	db.metrics.ObserveLedgerCommit(journals, d)
}

// write runs fn in a write transaction and returns its result.
func write[T any](ctx context.Context, db *Store, fn func(Tx) (T, error)) (T, error) {
	return inTx(ctx, db.conn.Write, fn)
}

// snapshot runs fn in a read-only transaction and returns its result.
func snapshot[T any](ctx context.Context, db *Store, fn func(Tx) (T, error)) (T, error) {
	return inTx(ctx, db.conn.Snapshot, fn)
}

// inTx runs fn in a transaction of transact and returns its result, the
// zero T on failure.
func inTx[T any](ctx context.Context, transact func(context.Context, func(Tx) error) error, fn func(Tx) (T, error)) (T, error) {
	var v T
	err := transact(ctx, func(tx Tx) (err error) {
		v, err = fn(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// queryAll runs query on tx and decodes its rows with scan; a failure
// names op, and the query's own failure is translated as the dialect
// says.
func queryAll[T any](ctx context.Context, db *Store, tx Tx, op string, scan func(Rows) (T, error), query string, args ...any) (T, error) {
	var zero T
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", op, db.dialect.Translate(err))
	}
	defer rows.Close()
	v, err := scan(rows)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", op, err)
	}
	return v, nil
}

// scanEach turns scan, of one row, into a scan of every row, for
// queryAll.
func scanEach[T any](scan func(Row) (T, error)) func(Rows) ([]T, error) {
	return func(rows Rows) ([]T, error) {
		var list []T
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, rows.Err()
	}
}

// queryColumn returns the one column of every row query returns.
func queryColumn[T any](ctx context.Context, tx Tx, query string, args ...any) ([]T, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// exec runs one statement in a write transaction.
func (db *Store) exec(ctx context.Context, query string, args ...any) error {
	return db.conn.Write(ctx, func(tx Tx) error {
		_, err := tx.Exec(ctx, query, args...)
		return err
	})
}

// wrap prefixes a non-nil *errp with the operation that failed, as
// pkgsite's derrors.Wrap does, and translates it. Codes of
// *buycard.Error survive wrapping.
func (db *Store) wrap(errp *error, op string) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", op, db.dialect.Translate(*errp))
	}
}

// insert runs an INSERT of the row what (a "Merchant") with id, turning a
// unique violation into ECONFLICT.
func (db *Store) insert(ctx context.Context, tx Tx, what, id, query string, args ...any) error {
	_, err := tx.Exec(ctx, query, args...)
	if db.dialect.IsUniqueViolation(err) {
		return buycard.Errorf(buycard.ECONFLICT, "%s id %q is already taken.", what, id)
	}
	return err
}

// requireRow returns ENOTFOUND unless table has a row with id. table is
// always a constant of this package.
func requireRow(ctx context.Context, tx Tx, table, what, id string) error {
	var one int
	err := tx.QueryRow(ctx, "SELECT 1 FROM "+table+" WHERE id = $1", id).Scan(&one)
	if errors.Is(err, ErrNoRows) {
		return buycard.Errorf(buycard.ENOTFOUND, "%s %q not found.", what, id)
	}
	return err
}

// updateOne runs an UPDATE, returning notFound when it changed no row.
func updateOne(ctx context.Context, tx Tx, notFound error, query string, args ...any) error {
	n, err := tx.Exec(ctx, query, args...)
	if err == nil && n == 0 {
		return notFound
	}
	return err
}

// newID returns id, or a fresh id with prefix when id is empty.
func newID(id, prefix string) string {
	if id == "" {
		return buycard.NewID(prefix)
	}
	return id
}

// createdAt returns t, or now when t is zero, as it will read back.
func (db *Store) createdAt(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return db.dialect.StoredTime(t)
}

// nullIfEmpty stores "" as NULL, so that optional references and unique
// pairs ignore it.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
