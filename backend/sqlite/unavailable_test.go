package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/buycard/buycard"
)

// TestLockedDatabaseIsUnavailable makes SQLite report a database locked
// by another writer (what the store sees once busy_timeout runs out)
// and a constraint violation: translate marks the first EUNAVAILABLE (a
// 503), by the driver's result code, and leaves the second alone.
func TestLockedDatabaseIsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	holder, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	holder.SetMaxOpenConns(1)
	if _, err := holder.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.Exec(`INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	_, busy := other.Exec(`INSERT INTO t VALUES (2)`)
	_, duplicate := lock.Exec(`INSERT INTO t VALUES (1)`)
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"locked", busy, buycard.EUNAVAILABLE},
		{"constraint", duplicate, buycard.EINTERNAL},
		{"nil", nil, ""},
	} {
		if got := buycard.ErrorCode(translate(tt.err)); got != tt.want {
			t.Errorf("%s: translate(%v) has code %q, want %q", tt.name, tt.err, got, tt.want)
		}
	}
}
