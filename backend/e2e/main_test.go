// Package e2e drives the real server in Chromium: a publisher page on one
// origin embeds Buycard from another, and the tests buy the way a shopper
// does. They need Chromium; with CI=true a missing Chromium fails the run
// instead of skipping it.
package e2e

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/backend/testenv"
)

// jobPoll is how often the nodes look for jobs (SQLite has no
// notifications): the emails a test waits for go out this soon.
const jobPoll = 50 * time.Millisecond

// harness is what every test shares: one server, one publisher site, one
// browser.
type harness struct {
	main *server.Main
	// host is Buycard's public origin (http://localhost:PORT); site is the
	// publisher's (http://127.0.0.1:PORT2), a different site for the browser.
	host, site string
	pages      sync.Map // publisher path → HTML
	policies   sync.Map // publisher path → its Content-Security-Policy, if any
	browser    context.Context
}

var h harness

func TestMain(m *testing.M) {
	flag.Parse()
	// The tests spend their time waiting on the browser, so more of them
	// at once than the default GOMAXPROCS keeps the machine busy; more
	// than this slows Chromium down on two cores. -parallel still decides.
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		flag.Set("test.parallel", strconv.Itoa(max(4, runtime.GOMAXPROCS(0))))
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	chrome := findChromium()
	if chrome == "" {
		if testenv.CI() {
			fmt.Fprintln(os.Stderr, "FAIL: browser tests need Chromium (apt-get install -y chromium) and CI=true forbids skipping them")
			return 1
		}
		fmt.Println("skipping browser tests: Chromium not found (set CHROMIUM or apt-get install -y chromium)")
		return 0
	}
	tmp, err := os.MkdirTemp("", "buycard-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	stop, err := start(chrome, tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// start builds what is missing, starts the server on port 0 through
// server.Main (as the binary does), the publisher site and the browser.
func start(chrome, tmp string) (stop func(), err error) {
	webDir, err := wasmDir(tmp)
	if err != nil {
		return nil, err
	}
	env := map[string]string{
		"BUYCARD_ADDR":         "127.0.0.1:0",
		"BUYCARD_DATABASE_URL": "sqlite:" + filepath.Join(tmp, "e2e.db"),
		"BUYCARD_WEB_DIR":      webDir,
	}
	h.main, err = server.NewMain(func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	h.main.Config.Jobs.Poll = jobPoll
	if err := h.main.Run(context.Background()); err != nil {
		return nil, err
	}
	h.host = h.main.Config.PublicURL
	site := httptest.NewServer(http.HandlerFunc(servePublisherPage))
	h.site = site.URL
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserOptions(chrome, tmp)...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(browser); err != nil {
		cancelAlloc()
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	h.browser = browser
	return func() {
		cancelBrowser()
		cancelAlloc()
		site.Close()
		h.main.Close()
	}, nil
}

func browserOptions(chrome, tmp string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.UserDataDir(filepath.Join(tmp, "chrome")),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1000, 900),
	}
}

// wasmDir returns the directory holding app.wasm and console.wasm:
// BUYCARD_WEB_DIR when set (make test builds it), else a fresh build.
func wasmDir(tmp string) (string, error) {
	if dir := os.Getenv("BUYCARD_WEB_DIR"); dir != "" {
		return dir, nil
	}
	dir := filepath.Join(tmp, "web")
	for file, pkg := range map[string]string{"app.wasm": "github.com/buycard/buycard/wasm", "console.wasm": "github.com/buycard/buycard/wasm/console"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, file), pkg)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("build %s: %v\n%s", pkg, err, out)
		}
	}
	return dir, nil
}

func findChromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// publisherPage registers a page on the publisher site and returns its URL.
// body is placed after the loader's script tag.
func publisherPage(t *testing.T, body string) string {
	path := "/" + strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	h.pages.Store(path, `<!doctype html><html><head><meta charset="utf-8"><title>publisher</title><link rel="icon" href="data:,">`+
		`<script async src="`+h.host+`/buycard.js"></script></head><body>`+body+`</body></html>`)
	return h.site + path
}

func servePublisherPage(w http.ResponseWriter, r *http.Request) {
	page, ok := h.pages.Load(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if csp, ok := h.policies.Load(r.URL.Path); ok {
		w.Header().Set("Content-Security-Policy", csp.(string))
	}
	io.WriteString(w, page.(string))
}

// demoURL is the demo feed opened on the publisher's origin: the same
// server reached as 127.0.0.1 while the widget host is localhost.
func demoURL() string {
	return fmt.Sprintf("http://127.0.0.1:%d/demo", h.main.Addr().Port)
}

// Tests run in parallel (t.Parallel), each in tabs of its own, except
// where they share demo data one of them counts: the paid orders of the
// whole database and the perfume's stock. A test that counts holds the
// lock exclusively, a test that changes what is counted holds it shared.
//
// Only a test without parallel subtests may hold a lock: a parent holds it
// until its subtests end, they wait for a parallel slot, and the slots may
// be taken by exclusive tests waiting for the parent's lock — the whole
// suite then waits forever (it did, in CI). Take the lock in the subtests.
var (
	paidOrdersLock sync.RWMutex
	oudStockLock   sync.RWMutex
)

// exclusive holds l for t's whole run.
func exclusive(t *testing.T, l *sync.RWMutex) {
	l.Lock()
	t.Cleanup(l.Unlock)
}

// shared holds l shared for t's whole run.
func shared(t *testing.T, l *sync.RWMutex) {
	l.RLock()
	t.Cleanup(l.RUnlock)
}
