// Package sqlitetest gives tests SQLite databases made once and copied per
// test, pkgsite's RunDBTestsInParallel done with files: migrating (and
// seeding) a database takes most of a second under -race, copying its file
// a millisecond, and each test owns its copy, so tests can run in
// parallel.
package sqlitetest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Template is a database file built once, the first time a test asks for
// a copy.
type Template struct {
	file func() ([]byte, error)
}

// NewTemplate returns the template that build makes: it creates the
// database at path and closes it, which checkpoints its WAL into the file.
func NewTemplate(build func(path string) error) *Template {
	return &Template{file: sync.OnceValues(func() ([]byte, error) { return makeFile(build) })}
}

// makeFile builds the database in a directory of its own and reads its
// file.
func makeFile(build func(path string) error) ([]byte, error) {
	dir, err := os.MkdirTemp("", "buycard-sqlitetest")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	if err := build(path); err != nil {
		return nil, fmt.Errorf("build the template database: %w", err)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the template database kept its WAL (%v): close it before build returns", err)
	}
	return os.ReadFile(path)
}

// Copy writes a copy of the template to a file of t's own and returns its
// path.
func (tp *Template) Copy(t testing.TB) string {
	t.Helper()
	data, err := tp.file()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "buycard.db")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
