// Package testenv decides what a test does when something it needs from
// the machine is missing (a database URL, stripe-mock, Chromium, axe-core):
// it skips, except with CI=true, where .ci/run has installed everything and
// a missing piece fails the run instead of hiding it.
package testenv

import (
	"os"
	"testing"
)

// CI reports whether the tests run in CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Missing skips t for reason, or fails it in CI.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if CI() {
		t.Fatal(reason + ", and CI=true forbids skipping")
	}
	t.Skip(reason)
}

// URL returns the environment variable name, which names a service the
// test needs; when it is empty, the test is Missing it.
func URL(t testing.TB, name string) string {
	t.Helper()
	u := os.Getenv(name)
	if u == "" {
		Missing(t, name+" is not set")
	}
	return u
}
