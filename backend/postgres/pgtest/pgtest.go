// Package pgtest gives a test a PostgreSQL database of its own: a fresh
// schema of the database BUYCARD_TEST_POSTGRES_URL names, dropped when the
// test ends. Without that variable the test is skipped, except in CI
// (CI=true), which must run every store. The store's own tests, the
// server's and the fault scenarios (backend/faulttest) share it.
package pgtest

import (
	"context"
	"net/url"
	"strings"
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

// Schema creates a fresh schema, dropped when the test ends, and returns
// a URL whose connections use it (search_path).
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	schema := pgx.Identifier{strings.ToLower(buycard.NewID("test"))}
	if err := exec(t.Context(), base, "CREATE SCHEMA "+schema.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t.Context is done by now.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := exec(ctx, base, "DROP SCHEMA "+schema.Sanitize()+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("BUYCARD_TEST_POSTGRES_URL must be a postgres:// URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema[0])
	u.RawQuery = q.Encode()
	return u.String()
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
