// Package sqlite is Buycard's store on SQLite, the single-node default.
// Its SQL is package sqlstore's, the same the PostgreSQL store runs; this
// package keeps what only SQLite needs: the pure-Go modernc.org/sqlite
// connections and their tuning (pragmas, the statement cache), the
// transactions, the ledger's prepared append, the translation of result
// codes, the encoding of times and lists, and its goose migrations.
//
// Writes share one connection and run in BEGIN IMMEDIATE transactions, so
// a read-then-write (reserving stock, applying a payment event) never
// fails halfway with SQLITE_BUSY; reads use a pool of connections that WAL
// lets run beside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/backend/sqlstore"
)

// DB is the SQLite store.
type DB struct {
	write *sql.DB // one connection: SQLite has one writer at a time anyway
	read  *sql.DB
	// jobs inserts jobs in write transactions; River shares the writer.
	jobs *jobs.Queue[*sql.Tx]
	*sqlstore.Store
}

var (
	_ buycard.CatalogService   = (*DB)(nil)
	_ buycard.PublisherService = (*DB)(nil)
	_ buycard.OrderService     = (*DB)(nil)
)

// Connection parameters understood by modernc.org/sqlite. Pragmas run on
// every new connection.
const (
	commonParams = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	writeParams  = commonParams + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	readParams   = commonParams + "&_pragma=query_only(1)"
)

// Open opens the database at path, creating the file and its directory
// when missing. Call Migrate before using it.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open sqlite: empty path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// The writer connects first so the file exists in WAL mode before any
	// query-only reader opens it.
	write, err := openPool(path, writeParams, 1)
	if err != nil {
		return nil, err
	}
	read, err := openPool(path, readParams, max(4, runtime.NumCPU()))
	if err != nil {
		return nil, errors.Join(err, write.Close())
	}
	queue, err := jobs.NewQueue(riversqlite.New(write))
	if err != nil {
		return nil, errors.Join(err, read.Close(), write.Close())
	}
	db := &DB{write: write, read: read, jobs: queue}
	db.Store = sqlstore.New(conn{db}, dialect)
	return db, nil
}

func openPool(path, params string, conns int) (*sql.DB, error) {
	connector, err := newCachingConnector(path + "?" + params)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	pool := sql.OpenDB(connector)
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	if err := pool.Ping(); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", path, err), pool.Close())
	}
	return pool, nil
}

// Close closes both connection pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// migrations are the numbered .sql files and river.txt, which says what
// the Go migration riverMigration does.
//
//go:embed migrations/*
var migrations embed.FS

// riverMigration creates the job queue's tables: River's own migrations,
// up to the version this build needs, in goose's transaction.
func (db *DB) riverMigration() *goose.Migration {
	return goose.NewGoMigration(25, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return jobs.MigrateTx(ctx, riversqlite.New(db.write), tx)
	}}, nil)
}

// Migrate applies the migrations the database has not seen yet. It is safe
// to call on every start.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrator(db.write)
	if err == nil {
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// SchemaVersions returns the migration the database is at and the one
// this build migrates it to, read on a reader: /readyz asks, and must not
// wait for the writer.
func (db *DB) SchemaVersions(ctx context.Context) (current, target int64, err error) {
	p, err := db.migrator(db.read)
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

// migrator is goose's provider of the migrations on pool. It is not
// closed: Close would close the pool.
func (db *DB) migrator(pool *sql.DB) (*goose.Provider, error) {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, pool, dir, goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(db.riverMigration()))
}

// inWrite runs fn in a BEGIN IMMEDIATE transaction on the write
// connection, committing when fn returns nil.
func (db *DB) inWrite(ctx context.Context, fn func(*sql.Tx) error) error {
	return transact(ctx, db.write, nil, fn)
}

// inRead runs fn in a read-only transaction, so that every query fn makes
// sees the same snapshot.
func (db *DB) inRead(ctx context.Context, fn func(*sql.Tx) error) error {
	return transact(ctx, db.read, &sql.TxOptions{ReadOnly: true}, fn)
}

// transact runs fn in a transaction on pool, committing when fn succeeds.
func transact(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return translate(err)
	}
	if err := fn(tx); err != nil {
		return translate(errors.Join(err, ignoreDone(tx.Rollback())))
	}
	return translate(tx.Commit())
}

// ignoreDone drops the error of rolling back a transaction the driver has
// already ended (a failed COMMIT, a canceled context).
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// wrap prefixes a non-nil *errp with the operation that failed, as
// pkgsite's derrors.Wrap does, and translates it. Codes of
// *buycard.Error survive wrapping.
func wrap(errp *error, op string) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", op, translate(*errp))
	}
}

// unavailableCodes are the primary result codes of an SQLite that cannot
// get at its data for now: the database locked beyond busy_timeout, the
// file that cannot be opened, read or written (a failing or full disk).
var unavailableCodes = []int{sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR,
	sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL}

// translate marks the error of a database SQLite cannot get at
// (unavailableCodes) as buycard.ErrUnavailable (a 503, not a 500),
// keeping the driver's error in the chain for the log. Every statement's
// error passes here: in transact, or through Dialect.Translate in sqlstore.
func translate(err error) error {
	var e *sqlite.Error
	if buycard.ErrorCode(err) != buycard.EINTERNAL || !errors.As(err, &e) || !slices.Contains(unavailableCodes, e.Code()&0xff) {
		return err // nil, already ours, or not the database's absence
	}
	return fmt.Errorf("%w: %w", buycard.ErrUnavailable, err)
}

// hasCode reports whether err is an SQLite error with one of the extended
// result codes.
func hasCode(err error, codes ...int) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && slices.Contains(codes, e.Code())
}

func isUniqueViolation(err error) bool {
	return hasCode(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

func isForeignKeyViolation(err error) bool {
	return hasCode(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
}

// timeLayout is RFC 3339 in UTC with a fixed nine-digit fraction, so the
// text order of stored times is their time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// formatNullTime stores a nil *time.Time as NULL.
func formatNullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

// timeColumn scans a stored time.
type timeColumn struct{ dst *time.Time }

func (c timeColumn) Scan(src any) error {
	s, ok := src.(string)
	if !ok {
		return fmt.Errorf("scan time: want text, got %T", src)
	}
	t, err := time.Parse(timeLayout, s)
	*c.dst = t
	return err
}

// nullTimeColumn scans a stored time that may be NULL.
type nullTimeColumn struct{ dst **time.Time }

func (c nullTimeColumn) Scan(src any) error {
	if src == nil {
		*c.dst = nil
		return nil
	}
	var t time.Time
	if err := (timeColumn{&t}).Scan(src); err != nil {
		return err
	}
	*c.dst = &t
	return nil
}

// jsonList encodes a list as a JSON array, nil as "[]". Queries take ids
// as "IN (SELECT value FROM json_each(?))": any number in one parameter.
func jsonList(list []string) string {
	if list == nil {
		list = []string{}
	}
	b, _ := json.Marshal(list) // a []string always encodes
	return string(b)
}

// StartJobs starts working the job queue on this node, through the write
// connection, as River's SQLite driver advises. Stop it before Close.
func (db *DB) StartJobs(ctx context.Context, cfg jobs.Config) (stop func(context.Context) error, err error) {
	r, err := jobs.Start(ctx, riversqlite.New(db.write), cfg)
	if err != nil {
		return nil, err
	}
	return r.Stop, nil
}

// QueueHealth reports the state of the job queue and of the events that
// wait for it.
func (db *DB) QueueHealth(ctx context.Context) (jobs.Health, error) {
	return db.QueueHealthOf(ctx, db.jobs.Health)
}

// Pools reports the writer's and the readers' connection pools, for the
// node's metrics.
func (db *DB) Pools() []metrics.Pool {
	return []metrics.Pool{sqlPool("write", db.write), sqlPool("read", db.read)}
}

func sqlPool(name string, pool *sql.DB) metrics.Pool {
	s := pool.Stats()
	return metrics.Pool{Name: name, Max: s.MaxOpenConnections, Open: s.OpenConnections, InUse: s.InUse, Waits: s.WaitCount, Waited: s.WaitDuration}
}
