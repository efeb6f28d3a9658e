// Package postgres is Buycard's store on PostgreSQL, for running many
// nodes against one database. Its SQL is package sqlstore's, the same the
// SQLite store runs (storetest checks both); this package keeps what only
// PostgreSQL needs: a pgx connection pool, the transactions, the retry of
// serialization failures and deadlocks, the ledger's locked and batched
// append, the translation of SQLSTATE codes, and its goose migrations.
//
// Writes run in READ COMMITTED transactions and take row locks where they
// read before writing (sqlstore.Dialect says which); uniqueness that
// protects money is a constraint, met with INSERT … ON CONFLICT DO
// NOTHING where a duplicate is expected. Every transaction runs under
// retry. Reads run in READ ONLY REPEATABLE READ transactions, so that the
// queries of one read see one snapshot.
//
// The tables live in the connection's current schema: add
// search_path=NAME to the URL to keep a store in its own schema.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/backend/sqlstore"
)

// DB is the PostgreSQL store.
type DB struct {
	pool *pgxpool.Pool
	// jobs inserts jobs in write transactions.
	jobs *jobs.Queue[pgx.Tx]
	*sqlstore.Store
}

var (
	_ buycard.CatalogService   = (*DB)(nil)
	_ buycard.PublisherService = (*DB)(nil)
	_ buycard.OrderService     = (*DB)(nil)
)

// Open connects to the database at url, a postgres:// URL or key=value
// connection string as pgx reads them (pool_max_conns and the like
// included). Call Migrate before using it.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The error may quote the URL, password included.
		return nil, errors.New("open postgres: cannot parse the database URL")
	}
	cfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		// Times come back in UTC, as the SQLite store returns them,
		// whatever the zone of the server or of this process.
		conn.TypeMap().RegisterType(&pgtype.Type{
			Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
		})
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	queue, err := jobs.NewQueue(riverpgxv5.New(pool))
	if err != nil {
		pool.Close()
		return nil, err
	}
	db := &DB{pool: pool, jobs: queue}
	db.Store = sqlstore.New(conn{db}, dialect)
	return db, nil
}

// Close closes the connection pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// migrations are the numbered .sql files and river.txt, which says what
// the Go migration riverMigration does.
//
//go:embed migrations/*
var migrations embed.FS

// Migrations returns the migrations Migrate applies, one .sql file each
// but for River's (river.txt).
// Tests key a migrated template database by them (package pgtest).
func Migrations() fs.FS {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the directory is embedded
	}
	return dir
}

// MigrateDatabase opens the database url names, migrates it and closes
// it: what tests' template databases are made with (package pgtest).
func MigrateDatabase(ctx context.Context, url string) error {
	db, err := Open(ctx, url)
	if err != nil {
		return err
	}
	return errors.Join(db.Migrate(ctx), db.Close())
}

// Migrate applies the migrations the schema has not seen yet. It is safe
// to call on every start, from many nodes at once: an advisory lock keyed
// by the schema lets one node migrate while the others wait.
func (db *DB) Migrate(ctx context.Context) (err error) {
	defer wrap(&err, "migrate")
	var schema string
	if err := db.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID(schema)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	sqlDB := stdlib.OpenDBFromPool(db.pool) // closing it leaves the pool open
	defer sqlDB.Close()
	p, err := db.migrator(sqlDB, goose.WithSessionLocker(locker))
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// SchemaVersions returns the migration the schema is at and the one this
// build migrates it to, without the migration lock: /readyz asks, and
// must not wait for a node that is migrating.
func (db *DB) SchemaVersions(ctx context.Context) (current, target int64, err error) {
	sqlDB := stdlib.OpenDBFromPool(db.pool)
	defer sqlDB.Close()
	p, err := db.migrator(sqlDB)
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

// migrator is goose's provider of the migrations on sqlDB, with options.
func (db *DB) migrator(sqlDB *sql.DB, options ...goose.ProviderOption) (*goose.Provider, error) {
	return goose.NewProvider(goose.DialectPostgres, sqlDB, Migrations(),
		append([]goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(db.riverMigration())}, options...)...)
}

// riverMigration creates the job queue's tables: River's own migrations,
// up to the version this build needs, in a transaction of River's while
// goose holds the migration lock.
func (db *DB) riverMigration() *goose.Migration {
	return goose.NewGoMigration(25, &goose.GoFunc{RunDB: func(ctx context.Context, _ *sql.DB) error {
		return jobs.Migrate(ctx, riverpgxv5.New(db.pool))
	}}, nil)
}

// migrationLockID is the advisory lock of migrations in schema, so that
// stores in different schemas of one database migrate independently.
func migrationLockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("buycard migrate " + schema))
	return int64(h.Sum64())
}

// Transaction options: see the package comment.
var (
	writeOptions = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}
	readOptions  = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
)

// inWrite runs fn in a write transaction, committing when fn returns nil.
func (db *DB) inWrite(ctx context.Context, fn func(pgx.Tx) error) error {
	return transact(ctx, db, writeOptions, fn)
}

// inRead runs fn in a read-only transaction, so that every query fn makes
// sees the same snapshot.
func (db *DB) inRead(ctx context.Context, fn func(pgx.Tx) error) error {
	return transact(ctx, db, readOptions, fn)
}

// transact runs fn in a transaction, committing when fn succeeds, and runs
// it all again when PostgreSQL aborts it for a serialization failure or a
// deadlock.
func transact(ctx context.Context, db *DB, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	return translate(retry(ctx, func() error { return pgx.BeginTxFunc(ctx, db.pool, opts, fn) }))
}

// wrap prefixes a non-nil *errp with the operation that failed, as
// pkgsite's derrors.Wrap does, and translates it. Codes of
// *buycard.Error survive wrapping.
func wrap(errp *error, op string) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", op, translate(*errp))
	}
}

// SQLSTATE codes of a server that cannot serve us for now (besides class
// 08, connection exceptions): shutting down, starting up, out of
// connections.
var unavailableStates = []string{"57P01", "57P02", "57P03", "53300"}

// characterNotInRepertoire is PostgreSQL refusing text with a NUL or
// invalid UTF-8, which SQLite stores: the caller's input, not our fault.
const characterNotInRepertoire = "22021"

var errBadText = buycard.Errorf(buycard.EINVALID, "Text with a NUL character or invalid UTF-8 cannot be stored or looked up.")

// translate turns the driver's errors that are not Buycard's fault into
// codes, keeping the driver's error in the chain for the log: a lost
// database (lostDatabase) becomes buycard.ErrUnavailable (a 503, not a
// 500), and text PostgreSQL cannot hold EINVALID. Every statement's error
// passes here: in transact, or through Dialect.Translate in sqlstore.
func translate(err error) error {
	switch code := buycard.ErrorCode(err); {
	case code != buycard.EINTERNAL:
		return err // nil, or already ours
	case lostDatabase(err):
		return fmt.Errorf("%w: %w", buycard.ErrUnavailable, err)
	case hasCode(err, characterNotInRepertoire):
		return fmt.Errorf("%w: %w", errBadText, err)
	}
	return err
}

// lostDatabase reports whether err, by its type or SQLSTATE, says the
// server could not be reached or dropped us: no connection could be made,
// the connection broke or timed out, or the server refuses to work.
func lostDatabase(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "08") || slices.Contains(unavailableStates, pgErr.Code)
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.Timeout(err) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// SQLSTATE codes of constraint violations.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// hasCode reports whether err is a PostgreSQL error with one of the
// SQLSTATE codes.
func hasCode(err error, codes ...string) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && slices.Contains(codes, e.Code)
}

// storedTime is t as a timestamptz keeps it: in microseconds, and read
// back in UTC. Stores set times they return to this, so that what they
// return equals what they later read.
func storedTime(t time.Time) time.Time {
	return t.Truncate(time.Microsecond).UTC()
}

// StartJobs starts working the job queue on this node. Stop it before
// Close.
func (db *DB) StartJobs(ctx context.Context, cfg jobs.Config) (stop func(context.Context) error, err error) {
	r, err := jobs.Start(ctx, riverpgxv5.New(db.pool), cfg)
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

// Pools reports the connection pool, for the node's metrics: a wait is
// an acquire that found no idle connection.
func (db *DB) Pools() []metrics.Pool {
	s := db.pool.Stat()
	return []metrics.Pool{{Name: "postgres", Max: int(s.MaxConns()), Open: int(s.TotalConns()), InUse: int(s.AcquiredConns()),
		Waits: s.EmptyAcquireCount(), Waited: s.EmptyAcquireWaitTime()}}
}
