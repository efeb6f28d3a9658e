// Package pgtest gives a test a PostgreSQL database of its own on the
// server BUYCARD_TEST_POSTGRES_URL names, dropped when the test ends:
// a copy of a database migrated once (Migrated), or an empty schema
// (Schema) for a test of migrating itself. Without that variable the test
// is skipped, except in CI (CI=true), which must run every store. The
// server's tests and the fault scenarios (backend/faulttest) share it; the
// store's own tests, which this package's import of the store keeps out,
// use the same template through package pgtemplate.
package pgtest

import (
	"context"
	"errors"
	"testing"

	"github.com/buycard/buycard/backend/postgres"
	"github.com/buycard/buycard/backend/postgres/internal/pgtemplate"
)

// URL returns BUYCARD_TEST_POSTGRES_URL, skipping the test when it is
// empty, except in CI.
func URL(t testing.TB) string {
	t.Helper()
	return pgtemplate.URL(t)
}

// Schema creates a fresh, empty schema, dropped when the test ends, and
// returns a URL whose connections use it (search_path).
func Schema(t testing.TB) string {
	t.Helper()
	return pgtemplate.Schema(t)
}

// migrated is the store's migrated database.
var migrated = pgtemplate.New(postgres.Migrations(), func(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	return errors.Join(db.Migrate(ctx), db.Close())
})

// Migrated creates a database the store's migrations have been applied
// to, and nothing else, dropped when the test ends, and returns its URL.
func Migrated(t testing.TB) string {
	t.Helper()
	return migrated.Database(t)
}
