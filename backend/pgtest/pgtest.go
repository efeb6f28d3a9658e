// Package pgtest gives a test a PostgreSQL database of its own, the
// way pkgsite's RunDBTestsInParallel does: a database is migrated once,
// into a template, and each test gets a copy of it (CREATE DATABASE …
// TEMPLATE, a copy of a few files), dropped when the test ends. Migrating
// takes most of a second under -race, copying a fraction of that, and as
// each test owns its copy, tests can run in parallel.
//
// The template is named after its migrations, so that every test process
// on one server (the packages of a go test run, other checkouts) shares it
// while its migrations stay the same, and a changed migration makes
// another. It is built under an advisory lock and no one connects to it
// afterwards: PostgreSQL copies only a database nobody is connected to.
//
// The server is the one BUYCARD_TEST_POSTGRES_URL names. Without that
// variable the test is skipped, except in CI (CI=true), which must run
// every store. Like backend/sqlitetest, it does not import the store, so
// the store's own tests use it too: each test package makes its template
// with NewTemplate(postgres.Migrations(), postgres.MigrateDatabase).
package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/testenv"
)

// URL returns BUYCARD_TEST_POSTGRES_URL, skipping the test when it is
// empty, except in CI.
func URL(t testing.TB) string {
	t.Helper()
	return testenv.URL(t, "BUYCARD_TEST_POSTGRES_URL")
}

// Schema creates a fresh, empty schema of the database URL names, dropped
// when the test ends, and returns a URL whose connections use it
// (search_path).
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	schema := pgx.Identifier{newName()}
	if err := exec(t.Context(), base, "CREATE SCHEMA "+schema.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cleanup(t, base, "DROP SCHEMA "+schema.Sanitize()+" CASCADE") })
	u := parse(t, base)
	q := u.Query()
	q.Set("search_path", schema[0])
	u.RawQuery = q.Encode()
	return u.String()
}

// Template is a migrated database, built the first time a test of the
// process asks for a copy, unless another process built it already.
type Template struct {
	migrations fs.FS
	migrate    func(ctx context.Context, url string) error

	mu    sync.Mutex
	built bool
	name  string
	err   error
}

// NewTemplate returns the template migrate makes of an empty database;
// url names that database, and migrate closes every connection it opens
// before it returns. migrations are the files migrate applies: they name
// the template.
func NewTemplate(migrations fs.FS, migrate func(ctx context.Context, url string) error) *Template {
	return &Template{migrations: migrations, migrate: migrate}
}

// Database creates a copy of the template, dropped when the test ends,
// and returns its URL.
func (tp *Template) Database(t testing.TB) string {
	t.Helper()
	base := URL(t)
	template, err := tp.ready(base)
	if err != nil {
		t.Fatal(err)
	}
	u := parse(t, base)
	name := pgx.Identifier{newName()}
	if err := exec(t.Context(), base, "CREATE DATABASE "+name.Sanitize()+" TEMPLATE "+pgx.Identifier{template}.Sanitize()); err != nil {
		t.Fatalf("copy the template database: %v", err)
	}
	// FORCE: a test may leave connections behind, a killed node's say.
	t.Cleanup(func() { cleanup(t, base, "DROP DATABASE "+name.Sanitize()+" WITH (FORCE)") })
	u.Path = "/" + name[0]
	return u.String()
}

// ready returns the name of the template on the server of base, building
// it if no one has.
func (tp *Template) ready(base string) (string, error) {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if !tp.built {
		tp.name, tp.err = tp.build(base)
		tp.built = true
	}
	return tp.name, tp.err
}

// build finds the template of tp's migrations on the server of base, or
// makes it, and returns its name.
func (tp *Template) build(base string) (_ string, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("build the template database: %w", err)
		}
	}()
	sum, err := hash(tp.migrations)
	if err != nil {
		return "", err
	}
	name := "buycard_template_" + sum
	u, err := url.Parse(base)
	if err != nil {
		return "", errors.New("BUYCARD_TEST_POSTGRES_URL must be a postgres:// URL")
	}
	u.Path = "/" + name + "_building"
	// Not a test's context: the first test to ask builds it for all.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	// A session lock: closing conn releases it, whatever happens.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockID(name)); err != nil {
		return "", err
	}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// The template gets its name once complete; a builder that died
	// leaves only this.
	building := pgx.Identifier{name + "_building"}.Sanitize()
	run := func(sql string) error { _, err := conn.Exec(ctx, sql); return err }
	if err := run("DROP DATABASE IF EXISTS " + building + " WITH (FORCE)"); err != nil {
		return "", err
	}
	if err := run("CREATE DATABASE " + building); err != nil {
		return "", err
	}
	if err := tp.migrate(ctx, u.String()); err != nil {
		return "", errors.Join(err, run("DROP DATABASE "+building+" WITH (FORCE)"))
	}
	// Nobody connects to the template, so it can always be copied.
	if err := run("ALTER DATABASE " + building + " WITH ALLOW_CONNECTIONS false"); err != nil {
		return "", err
	}
	return name, run("ALTER DATABASE " + building + " RENAME TO " + pgx.Identifier{name}.Sanitize())
}

// hash identifies a set of migrations: the first 16 hex digits of the
// SHA-256 of their names and contents.
func hash(migrations fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

// lockID is the advisory lock of building the template name.
func lockID(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("buycard pgtemplate " + name))
	return int64(h.Sum64())
}

// newName returns a fresh name for a test's schema or database.
func newName() string { return strings.ToLower(buycard.NewID("test")) }

// parse parses base, a postgres:// URL.
func parse(t testing.TB, base string) *url.URL {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("BUYCARD_TEST_POSTGRES_URL must be a postgres:// URL: %v", err)
	}
	return u
}

// cleanup runs sql, which drops what a test made, once the test ended.
func cleanup(t testing.TB, base, sql string) {
	// t.Context is done by now.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := exec(ctx, base, sql); err != nil {
		t.Error(err)
	}
}

// exec runs one statement on a connection of its own.
func exec(ctx context.Context, base, sql string) error {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
