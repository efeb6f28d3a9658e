package operations

import (
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/sqlite"
)

// newWorkflows returns workflows over a fresh, migrated SQLite store of
// the test's own, without Stripe or the sandbox.
func newWorkflows(t *testing.T) (*Workflows, *sqlite.DB) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	w := &Workflows{Store: db, Logger: slog.New(slog.DiscardHandler), Now: time.Now}
	return w, db
}
