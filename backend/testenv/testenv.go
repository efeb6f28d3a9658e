// Package testenv decides what a test does when something it needs from
// the machine is missing (a database URL, stripe-mock, Chromium, axe-core):
// it skips, except with CI=true, where .ci/run has installed everything and
// a missing piece fails the run instead of hiding it. It also installs
// and runs the services tests start themselves (stripe-mock, Mailpit).
package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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

// Tool returns the path of the program name that module
// ("github.com/axllent/mailpit@v1.33.1") installs, a service a test runs
// (stripe-mock, Mailpit): on PATH, in $(go env GOPATH)/bin, or installed
// with `go install` into a folder of the user's cache that each version
// has to itself, where later runs find it. When it cannot be had, t is
// Missing it.
func Tool(t testing.TB, name, module string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for gopath := range strings.SplitSeq(strings.TrimSpace(string(out)), string(os.PathListSeparator)) {
			if p := filepath.Join(gopath, "bin", name); isFile(p) {
				return p
			}
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "buycard-tools", strings.NewReplacer("/", "_", "@", "_").Replace(module))
	bin := filepath.Join(dir, name)
	if isFile(bin) {
		return bin
	}
	toolMu.Lock() // one install at a time in this process
	defer toolMu.Unlock()
	if isFile(bin) {
		return bin
	}
	t.Logf("%s not found; installing %s", name, module)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// Into a folder of its own first, then renamed, so that a test
	// process running beside this one never finds half a binary.
	err = os.MkdirAll(filepath.Dir(dir), 0o755)
	var tmp string
	if err == nil {
		tmp, err = os.MkdirTemp(filepath.Dir(dir), "install-")
	}
	if err == nil {
		defer os.RemoveAll(tmp)
		cmd := exec.CommandContext(ctx, "go", "install", module)
		cmd.Env = append(os.Environ(), "GOBIN="+tmp)
		var out []byte
		if out, err = cmd.CombinedOutput(); err != nil {
			err = fmt.Errorf("go install %s: %v: %s", module, err, out)
		} else if err = os.MkdirAll(dir, 0o755); err == nil {
			err = os.Rename(filepath.Join(tmp, name), bin)
		}
	}
	if err != nil && !isFile(bin) {
		Missing(t, err.Error())
	}
	return bin
}

var toolMu sync.Mutex

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// Start runs the program bin with args until the test ends, and returns
// what it prints, for the test to show when the program fails it.
func Start(t testing.TB, bin string, args ...string) *Output {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out := new(Output)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return out
}

// Output is what a program started by Start printed so far.
type Output struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
