//go:build !wasm

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// serverOnly are the packages, with everything below them, that must never
// reach the WASM.
var serverOnly = []string{
	"database/sql",
	"github.com/gofiber/fiber",
	"github.com/valyala/fasthttp",
	"github.com/stripe/stripe-go",
	"modernc.org/sqlite",
	"github.com/jackc/pgx",
	"github.com/lib/pq",
	"github.com/mattn/go-sqlite3",
	"github.com/ncruces/go-sqlite3",
	"github.com/pressly/goose",
	"github.com/buycard/buycard/backend",
}

// allowed are packages below serverOnly roots that are fine in the WASM:
// github.com/google/uuid (through go-app) imports the driver interfaces.
var allowed = map[string]bool{"database/sql/driver": true}

func TestWasmHasNoServerDependencies(t *testing.T) {
	// Both WASMs: the checkout (.) and the console.
	cmd := exec.Command("go", "list", "-deps", ".", "./console")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, stderr(err))
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list -deps listed nothing")
	}
	for _, dep := range deps {
		if isServerOnly(dep) {
			t.Errorf("the WASM depends on server-only package %s", dep)
		}
	}
}

func isServerOnly(pkg string) bool {
	if allowed[pkg] {
		return false
	}
	for _, root := range serverOnly {
		if pkg == root || strings.HasPrefix(pkg, root+"/") {
			return true
		}
	}
	return false
}

func stderr(err error) string {
	if exit, ok := err.(*exec.ExitError); ok {
		return string(exit.Stderr)
	}
	return ""
}
