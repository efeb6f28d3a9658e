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
// (stripe-mock, Mailpit), as Install finds or installs it. When it cannot
// be had, t is Missing it.
func Tool(t testing.TB, name, module string) string {
	t.Helper()
	bin, err := Install(name, module, func(msg string) { t.Log(msg) })
	if err != nil {
		Missing(t, err.Error())
	}
	return bin
}

// Install returns the path of the program name that module installs: on
// PATH, in $(go env GOPATH)/bin, or installed with `go install` into a
// folder of the user's cache that each version has to itself, where later
// runs find it. log hears of an install.
func Install(name, module string, log func(string)) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for gopath := range strings.SplitSeq(strings.TrimSpace(string(out)), string(os.PathListSeparator)) {
			if p := filepath.Join(gopath, "bin", name); isFile(p) {
				return p, nil
			}
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "buycard-tools", strings.NewReplacer("/", "_", "@", "_").Replace(module))
	bin := filepath.Join(dir, name)
	toolMu.Lock() // one install at a time in this process
	defer toolMu.Unlock()
	if isFile(bin) {
		return bin, nil
	}
	log(name + " not found; installing " + module)
	if err := goInstall(module, name, dir); err != nil && !isFile(bin) {
		return "", err
	}
	return bin, nil
}

// goInstall installs module's program name into dir: into a folder of
// its own first, then renamed, so that a process running beside this one
// never finds half a binary.
func goInstall(module, name, dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", module)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go install %s: %v: %s", module, err, out)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name))
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
