package faulttest

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for direct

	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/backend/storetest"
	"github.com/buycard/buycard/ledger"
)

// scenario starts a fault scenario: each takes seconds or more, so go
// test -short skips them, and they run side by side.
func scenario(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("fault scenario")
	}
	t.Parallel()
}

// nodeEnv is the configuration every scenario's node starts with, on the
// database databaseURL names: no demo; fixed secrets, which nodes sharing
// a database must share and which keeps development keys off the disk;
// and no checkout rate limits, which would refuse a scenario's stream of
// checkouts from one address.
func nodeEnv(databaseURL string) map[string]string {
	return map[string]string{
		"BUYCARD_ADDR":                    "127.0.0.1:0",
		"BUYCARD_DATABASE_URL":            databaseURL,
		"BUYCARD_NO_SEED":                 "1",
		"BUYCARD_SECRET":                  "faulttest secret, 32 characters or more",
		"BUYCARD_OPERATOR_KEY":            "faulttest operator key",
		"BUYCARD_CHECKOUTS_PER_IP":        "0",
		"BUYCARD_CHECKOUTS_PER_PUBLISHER": "0",
		"BUYCARD_TRUSTED_PROXIES":         "127.0.0.1/32", // shopper.network
	}
}

// newMain configures a node from env; the scenarios check what it did, not
// what it logged.
func newMain(env map[string]string) (*server.Main, error) {
	return server.NewMain(func(k string) string { return env[k] }, slog.New(slog.DiscardHandler))
}

// openNode configures a node from env and opens its database as a node
// starting does, migrations included; it serves nothing. Close it when
// done.
func openNode(ctx context.Context, env map[string]string) (*server.Main, error) {
	m, err := newMain(env)
	if err != nil {
		return nil, err
	}
	if err := m.Open(ctx); err != nil {
		return nil, errors.Join(err, m.Close())
	}
	return m, nil
}

// startNode runs a node configured by env on port 0 until the test ends.
func startNode(t *testing.T, env map[string]string) *server.Main {
	t.Helper()
	env = maps.Clone(env)
	env["BUYCARD_WEB_DIR"] = webDir(t)
	m, err := newMain(env)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// webDir is a BUYCARD_WEB_DIR for nodes. The client WASMs in it are
// placeholders: no scenario loads them.
func webDir(t *testing.T) string {
	t.Helper()
	web := t.TempDir()
	for _, name := range []string{"app.wasm", "console.wasm"} {
		if err := os.WriteFile(filepath.Join(web, name), []byte("\x00asm"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return web
}

// direct is a scenario's own way into the database, around the nodes: it
// seeds what they sell and reads back what they wrote, through a store of
// its own (a node's pool may be broken, or its process killed) and, for
// the rows no store method lists, SQL.
type direct struct {
	server.Store
	sql *sql.DB
}

// openDirect opens the database databaseURL names until the test ends.
func openDirect(t *testing.T, databaseURL string) *direct {
	t.Helper()
	m, err := openNode(t.Context(), nodeEnv(databaseURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	driver, dsn := "pgx", databaseURL
	if path, ok := strings.CutPrefix(databaseURL, "sqlite:"); ok {
		driver, dsn = "sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &direct{Store: m.DB, sql: db}
}

// column returns the one text column query selects.
func (d *direct) column(t *testing.T, query string, args ...any) []string {
	t.Helper()
	rows, err := d.sql.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// paymentEvents counts the de-duplication records of payment events by
// event id: one means the event was applied (exactly once).
func (d *direct) paymentEvents(t *testing.T) map[string]int {
	t.Helper()
	count := make(map[string]int)
	for _, id := range d.column(t, `SELECT event_id FROM payment_events`) {
		count[id]++
	}
	return count
}

// saleJournals returns the number of sale journals of each order that has
// one.
func (d *direct) saleJournals(t *testing.T) map[string]int {
	t.Helper()
	count := make(map[string]int)
	for _, id := range d.column(t, `SELECT order_id FROM ledger_journals WHERE kind = 'sale'`) {
		count[id]++
	}
	return count
}

// wantLedgerOK fails the test unless the ledger verifies: the hash chain
// is whole and every balance is the sum of its postings.
func (d *direct) wantLedgerOK(t *testing.T) ledger.Verification {
	t.Helper()
	v, err := d.VerifyLedger(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() {
		t.Fatal(v)
	}
	return v
}

// withStock gives the fixture's first variant stock for every order a
// scenario makes.
func withStock(stock int) func(*storetest.Fixture) {
	return func(f *storetest.Fixture) { f.Product.Variants[0].Stock = stock }
}
