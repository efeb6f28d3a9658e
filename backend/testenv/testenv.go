// Package testenv decides what a test does when something it needs from
// the machine is missing (a database URL, stripe-mock, Chromium, axe-core):
// it skips, except with CI=true, where .ci/run has installed everything and
// a missing piece fails the run instead of hiding it. It also installs
// and runs the services tests start themselves (stripe-mock, Mailpit).
package testenv

import (
	"context"
	"encoding/json"
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
	return tool(t, func(log func(string)) (string, error) { return Install(name, module, log) })
}

// ToolSource is Tool for a program InstallSource builds: package pkg of
// module.
func ToolSource(t testing.TB, name, module, pkg string) string {
	t.Helper()
	return tool(t, func(log func(string)) (string, error) { return InstallSource(name, module, pkg, log) })
}

// tool returns the program install finds or installs, telling t of an
// install; when it cannot be had, t is Missing it.
func tool(t testing.TB, install func(log func(string)) (string, error)) string {
	t.Helper()
	bin, err := install(func(msg string) { t.Log(msg) })
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
	return install(name, module, log, func(ctx context.Context, gobin string) error {
		cmd := exec.CommandContext(ctx, "go", "install", module)
		cmd.Env = append(os.Environ(), "GOBIN="+gobin)
		return run(cmd)
	})
}

// InstallSource is Install for a module that `go install module@version`
// refuses because its go.mod has replace directives (SeaweedFS): it
// downloads the module and builds its package pkg ("./weed") inside it,
// as its own main module, which honors them.
func InstallSource(name, module, pkg string, log func(string)) (string, error) {
	return install(name, module, log, func(ctx context.Context, gobin string) error {
		out, err := exec.CommandContext(ctx, "go", "mod", "download", "-json", module).Output()
		if err != nil {
			return fmt.Errorf("go mod download %s: %v", module, err)
		}
		var dl struct{ Dir string }
		if err := json.Unmarshal(out, &dl); err != nil || dl.Dir == "" {
			return fmt.Errorf("go mod download %s: no folder in %s", module, out)
		}
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(gobin, name), pkg)
		cmd.Dir = dl.Dir
		// The module's own go.sum decides, not this one's settings.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
		return run(cmd)
	})
}

// install returns the path of the program name, finding it as Install
// says or building it with build, which writes it into the folder gobin.
func install(name, module string, log func(string), build func(ctx context.Context, gobin string) error) (string, error) {
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
	if err := buildInto(dir, name, build); err != nil && !isFile(bin) {
		return "", err
	}
	return bin, nil
}

// buildInto builds the program name into dir: into a folder of its own
// first, then renamed, so that a process running beside this one never
// finds half a binary.
func buildInto(dir, name string, build func(ctx context.Context, gobin string) error) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := build(ctx, tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name))
}

// run runs cmd, with what it printed in its error.
func run(cmd *exec.Cmd) error {
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v: %s", strings.Join(cmd.Args, " "), err, out)
	}
	return nil
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
