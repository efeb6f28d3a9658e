package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/buycard/buycard/backend/sqlitetest"
	"github.com/buycard/buycard/backend/storetest"
)

// migrated is a migrated database, made once; each test opens a copy.
var migrated = sqlitetest.NewTemplate(func(path string) error {
	db, err := Open(path)
	if err != nil {
		return err
	}
	return errors.Join(db.Migrate(context.Background()), db.Close())
})

// openTest opens a migrated database in a fresh directory.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(migrated.Copy(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return openTest(t) })
}

func TestOrderNumberTaken(t *testing.T) {
	db := openTest(t)
	storetest.OrderNumberTaken(t, db, func(next func() string) { db.OrderNumbers = next })
}

// TestOpenAndMigrate checks that Open creates the file and its directory,
// and that migrating again, in the same process or after a restart, is a
// no-op that keeps the data.
func TestOpenAndMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "nested", "buycard.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	if current, target, err := db.SchemaVersions(t.Context()); err == nil && current >= target {
		t.Errorf("a new database is at migration %d of %d", current, target)
	}
	for range 2 {
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if current, target, err := db.SchemaVersions(t.Context()); err != nil || current != target || target < 30 {
		t.Errorf("a migrated database is at %d of %d: %v", current, target, err)
	}
	f := storetest.Seed(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindCard(t.Context(), f.Widget.ID); err != nil {
		t.Fatalf("card after reopening: %v", err)
	}
}

// TestPragmas checks the connection settings the store relies on: WAL,
// a busy timeout and foreign keys on every connection, and readers that
// cannot write.
func TestPragmas(t *testing.T) {
	db := openTest(t)
	for _, tt := range []struct {
		pool   *sql.DB
		pragma string
		want   string
	}{
		{db.write, "journal_mode", "wal"},
		{db.write, "busy_timeout", "10000"},
		{db.write, "foreign_keys", "1"},
		{db.read, "busy_timeout", "10000"},
		{db.read, "foreign_keys", "1"},
		{db.read, "query_only", "1"},
	} {
		var got string
		if err := tt.pool.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.pragma, got, tt.want)
		}
	}
}
