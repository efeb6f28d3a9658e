package main

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/postgres"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/backend/storetest"
)

const ledgerTitle = "Ledger writes"

// defaultPostgresURL is the local test database, used when
// BUYCARD_TEST_POSTGRES_URL is not set.
const defaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// ledgerSettings bound every ledger run.
type ledgerSettings struct {
	each time.Duration // one run of one figure
	reps int           // runs of Buycard and of the baseline, alternating
}

// warmCalls are the calls of each kind before the measured runs.
const warmCalls = 100

// ledgerTarget is one database under test: the store's Post, and a plain
// INSERT into another table of the same database.
type ledgerTarget struct {
	post   storetest.PostFunc
	insert func(ctx context.Context, i int64) error
	close  func() error
	// journals and rows number sales and baseline rows across runs, so
	// that every one is new.
	journals, rows atomic.Int64
}

func (t *ledgerTarget) postSale(ctx context.Context, i int64) error {
	return storetest.PostBenchSale(ctx, t.post, i)
}

// measureLedger measures SQLite in a file in tmp, then PostgreSQL in a
// fresh schema of the database BUYCARD_TEST_POSTGRES_URL names. PostgreSQL
// being unreachable leaves its rows empty with a note, except in CI.
func measureLedger(ctx context.Context, tmp string, s ledgerSettings) Section {
	sec := Section{Title: ledgerTitle, Baseline: "one plain single-row INSERT per transaction into a small table of the same database, in the same run", Notes: ledgerNotes(s)}
	ci := os.Getenv("CI") == "true"
	pgURL := cmp.Or(os.Getenv("BUYCARD_TEST_POSTGRES_URL"), defaultPostgresURL)
	for _, target := range []struct {
		name string
		open func(context.Context) (*ledgerTarget, error)
	}{
		{"SQLite", func(ctx context.Context) (*ledgerTarget, error) {
			return openSQLiteTarget(ctx, filepath.Join(tmp, "ledger.db"))
		}},
		{"PostgreSQL", func(ctx context.Context) (*ledgerTarget, error) { return openPostgresTarget(ctx, pgURL) }},
	} {
		rows, err := measureTarget(ctx, s, target.name, target.open)
		sec.Rows = append(sec.Rows, rows...)
		sectionErr, note := ledgerFailure(target.name, err, ci)
		sec.Err = errors.Join(sec.Err, sectionErr)
		if note != "" {
			sec.Notes = append(sec.Notes, note)
		}
	}
	return sec
}

// ledgerFailure says how a store's failure shows: SQLite failing, or any
// store in CI, fails the section; PostgreSQL elsewhere (often not running
// on a laptop) is a note, and its rows stay empty.
func ledgerFailure(store string, err error, ci bool) (sectionErr error, note string) {
	if err == nil {
		return nil, ""
	}
	err = fmt.Errorf("%s: %w", store, err)
	if store == "SQLite" || ci {
		return err, ""
	}
	return nil, fmt.Sprintf("**%s not measured:** %s. Set BUYCARD_TEST_POSTGRES_URL to a reachable database; with CI=true this fails the run.", store, cell(err.Error()))
}

// ledgerRows are the rows of one store, not measured yet.
func ledgerRows(store string) []Row {
	var rows []Row
	for _, w := range storetest.BenchWriters {
		rows = append(rows, Row{What: fmt.Sprintf("%s: sale journals, %s", store, plural(w, "writer")),
			Unit: perSecUnit, Buycard: math.NaN(), Baseline: math.NaN()})
	}
	return rows
}

// measureTarget opens the target and, for each writer count, warms up,
// then runs sale journals and baseline inserts alternately s.reps times.
// On an error the rows not measured stay NaN.
func measureTarget(ctx context.Context, s ledgerSettings, name string, open func(context.Context) (*ledgerTarget, error)) (rows []Row, err error) {
	rows = ledgerRows(name)
	setup, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	t, err := open(setup)
	if err != nil {
		return rows, err
	}
	defer func() { err = errors.Join(err, t.close()) }()
	for k, w := range storetest.BenchWriters {
		kinds := []struct {
			seq *atomic.Int64
			op  func(context.Context, int64) error
		}{{&t.journals, t.postSale}, {&t.rows, t.insert}}
		for _, kind := range kinds {
			if _, _, err := storetest.Writers(ctx, w, warmCalls, 0, kind.seq, kind.op); err != nil {
				return rows, err
			}
		}
		var rates [2][]float64 // journals/s, inserts/s
		for range s.reps {
			for i, kind := range kinds {
				calls, elapsed, err := storetest.Writers(ctx, w, 0, s.each, kind.seq, kind.op)
				if err != nil {
					return rows, err
				}
				rates[i] = append(rates[i], float64(calls)/elapsed.Seconds())
			}
		}
		rows[k].Buycard, rows[k].Baseline = Median(rates[0]), Median(rates[1])
	}
	return rows, nil
}

// sqliteParams are the pragmas of the store's write connection
// (backend/sqlite/db.go), for the baseline's connection.
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"

// openSQLiteTarget opens the store at path and, for the baseline, one
// connection of its own to the same file with the same pragmas.
func openSQLiteTarget(ctx context.Context, path string) (*ledgerTarget, error) {
	db, err := sqlite.Open(path)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	base, err := sql.Open("sqlite", path+"?"+sqliteParams)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	base.SetMaxOpenConns(1)
	closeAll := func() error { return errors.Join(base.Close(), db.Close()) }
	if _, err := base.ExecContext(ctx, storetest.BaselineTable); err != nil {
		return nil, errors.Join(err, closeAll())
	}
	return &ledgerTarget{post: db.Post, close: closeAll, insert: func(ctx context.Context, i int64) error {
		_, err := base.ExecContext(ctx, storetest.BaselineInsert, i, storetest.BaselineNote(i))
		return err
	}}, nil
}

// openPostgresTarget creates a fresh schema in the database at base,
// opens the store in it and, for the baseline, a pool of its own (the
// same size as the store's). Closing drops the schema.
func openPostgresTarget(ctx context.Context, base string) (*ledgerTarget, error) {
	schema := strings.ToLower(buycard.NewID("bench"))
	u, err := schemaURL(base, schema)
	if err != nil {
		return nil, err
	}
	if err := execOnce(ctx, base, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return nil, err
	}
	var db *postgres.DB
	var pool *pgxpool.Pool
	closeAll := func() error {
		if pool != nil {
			pool.Close()
		}
		if db != nil {
			db.Close()
		}
		drop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return execOnce(drop, base, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	}
	if db, err = postgres.Open(ctx, u); err != nil {
		return nil, errors.Join(err, closeAll())
	}
	if err := db.Migrate(ctx); err != nil {
		return nil, errors.Join(err, closeAll())
	}
	if pool, err = pgxpool.New(ctx, u); err != nil {
		return nil, errors.Join(err, closeAll())
	}
	if _, err := pool.Exec(ctx, storetest.BaselineTable); err != nil {
		return nil, errors.Join(err, closeAll())
	}
	return &ledgerTarget{post: db.Post, close: closeAll, insert: func(ctx context.Context, i int64) error {
		_, err := pool.Exec(ctx, storetest.BaselineInsert, i, storetest.BaselineNote(i))
		return err
	}}, nil
}

// schemaURL returns base with search_path set to schema, so that every
// connection of a pool opened with it works in that schema.
func schemaURL(base, schema string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "postgres" && u.Scheme != "postgresql" {
		// The error may quote the URL, password included.
		return "", errors.New("the PostgreSQL URL must be a postgres:// URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// execOnce runs one statement on a connection of its own.
func execOnce(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

func ledgerNotes(s ledgerSettings) []string {
	return []string{
		fmt.Sprintf("Each row posts new sale journals (`ledger.SalePaid`, built by `storetest.BenchSale`: one order each, 10 merchants, "+
			"50 publishers, USD) through the store's `Post`, and beside it runs the baseline on the same database; Buycard is journals/s, "+
			"the baseline inserts/s, so the ratio is journals/s ÷ inserts/s: 0.10× means one sale journal takes as long as ten plain INSERTs. "+
			"After %d calls of each to warm up, journals and inserts run alternately %d times for %v each, and each figure is the median "+
			"of those runs. \"1 writer\" is one goroutine calling in a loop; \"8 writers\" is eight at once.", warmCalls, s.reps, s.each),
		"`Post` group-commits (`ledger.Group`): the journals posted while a transaction is under way wait and go together in the " +
			"next one, up to 128, so \"8 writers\" measures groups of up to 8 and \"1 writer\" a transaction per journal. A group is one " +
			"transaction (`ledger.AppendAll`) that reads what it depends on at once (the digests of its keys, the balances of its accounts " +
			"and the ledger head; one round trip on PostgreSQL, which locks the head row first), decides each journal in Go (digest, " +
			"balances, chain hash), then writes the journal rows, their postings (4 each), the balances they changed (one upsert per " +
			"account) and the new head: a statement per row on SQLite's one write connection, a statement per table (`unnest` of arrays) " +
			"in one batch on PostgreSQL. " +
			"The baseline is one `INSERT INTO bench_inserts (id, note)` (integer key, a 23-character text), autocommitted, one row per transaction.",
		"SQLite: a file in the temp directory, WAL with `synchronous=NORMAL` (commits do not fsync; checkpoints do), as the store runs; " +
			"the store writes on its one write connection in `BEGIN IMMEDIATE` transactions, the baseline on one connection of its own with the " +
			"same pragmas. PostgreSQL: a fresh schema (dropped afterwards) of `BUYCARD_TEST_POSTGRES_URL`, default the local test database, " +
			"with the server's own durability settings; store and baseline each have a pgx pool of the default size. " +
			"The same figures come from `go test -bench 'SaleJournal|BaselineInsert'` in `backend/sqlite` and `backend/postgres`.",
	}
}
