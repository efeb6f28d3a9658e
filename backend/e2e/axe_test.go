package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/testenv"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Accessibility: pages pass axe-core's WCAG 2.1 A and AA rules with zero
// violations. checkAxe runs them on whatever page a tab (or a frame's
// context) shows, so any browser test can call it:
//
//	checkAxe(t, tb.ctx, "console sign-in")
//
// axe-core comes from npm, pinned: BUYCARD_AXE_JS names an axe.min.js to
// use; else the copy cached in bin/axe/ at the repository root, fetched
// with `npm pack` on first use (npm's registry is the only network the
// tests reach). Without npm or the file the checks skip, except with
// CI=true, where they fail.

// axeVersion is the axe-core release the checks run.
const axeVersion = "4.14.1"

// axeTags are the rule sets checked: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

var axeSource struct {
	once sync.Once
	js   string
	err  error
}

// axeScript returns axe.min.js, fetching it on first use. It skips the
// test when axe-core cannot be had, or fails it with CI=true.
func axeScript(t *testing.T) string {
	t.Helper()
	axeSource.once.Do(func() { axeSource.js, axeSource.err = loadAxe() })
	if err := axeSource.err; err != nil {
		testenv.Missing(t, fmt.Sprintf("accessibility checks need axe-core %s: %v (install npm, or set BUYCARD_AXE_JS to an axe.min.js)", axeVersion, err))
	}
	return axeSource.js
}

func loadAxe() (string, error) {
	if path := os.Getenv("BUYCARD_AXE_JS"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("BUYCARD_AXE_JS: %w", err)
		}
		return string(b), nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "bin", "axe")
	cached := filepath.Join(dir, "axe-core-"+axeVersion+".min.js")
	if b, err := os.ReadFile(cached); err == nil && isAxe(b) {
		return string(b), nil
	}
	b, err := packAxe(dir)
	if err != nil {
		return "", err
	}
	// Write then rename, so a concurrent run never reads half a file.
	tmp, err := os.CreateTemp(dir, ".axe-*.js")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), cached); err != nil {
		return "", err
	}
	return string(b), nil
}

// isAxe reports whether b is the pinned release's axe.min.js, by its
// banner ("/*! axe v4.14.1").
func isAxe(b []byte) bool {
	return bytes.Contains(b[:min(len(b), 200)], []byte("axe v"+axeVersion+"\n")) ||
		bytes.Contains(b[:min(len(b), 200)], []byte("axe v"+axeVersion+" "))
}

// packAxe fetches the pinned axe-core with `npm pack` (a download that
// npm checks against the registry's integrity hash; nothing installed or
// run) and returns its axe.min.js.
func packAxe(dir string) ([]byte, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return nil, fmt.Errorf("axe-core %s is not in %s and npm is not installed", axeVersion, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(dir, ".pack-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pkg := "axe-core@" + axeVersion
	cmd := exec.CommandContext(ctx, npm, "pack", "--silent", "--ignore-scripts", "--pack-destination", tmp, pkg)
	cmd.Dir = tmp
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("npm pack %s: %v: %s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	f, err := os.Open(filepath.Join(tmp, "axe-core-"+axeVersion+".tgz"))
	if err != nil {
		return nil, fmt.Errorf("npm pack %s: %w", pkg, err)
	}
	defer f.Close()
	b, err := tarballFile(f, "package/axe.min.js")
	if err != nil {
		return nil, fmt.Errorf("npm pack %s: %w", pkg, err)
	}
	if !isAxe(b) {
		return nil, fmt.Errorf("npm pack %s: axe.min.js is not axe v%s", pkg, axeVersion)
	}
	return b, nil
}

// tarballFile returns the file name of the gzipped tar r.
func tarballFile(r io.Reader, name string) ([]byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("no %s in the tarball", name)
		}
		if err != nil {
			return nil, err
		}
		if h.Name == name {
			return io.ReadAll(tr)
		}
	}
}

// repoRoot is the directory of the module's go.mod, above the test's
// working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// axeViolation is one failed rule with the elements that fail it.
type axeViolation struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct{ Target, HTML, Summary string }
}

// axeRun runs the checks on the document and keeps what a report needs.
// Frames are not followed (iframes: false): a cross-site frame is a target
// of its own, checked by calling checkAxe with its context.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: %s},
	resultTypes: ['violations'],
	iframes: false,
}).then(r => r.violations.map(v => ({
	ID: v.id, Impact: v.impact || '', Help: v.help, HelpURL: v.helpUrl,
	Nodes: v.nodes.map(n => ({
		// A target is one selector per frame; a shadow DOM path is a list.
		Target: n.target.map(s => [].concat(s).join(' >>> ')).join(' | '),
		HTML: n.html.length > 300 ? n.html.slice(0, 300) + '…' : n.html,
		Summary: n.failureSummary || '',
	})),
})))`

// checkAxe runs axe-core's WCAG 2.1 A and AA rules on the document ctx
// shows (a tab, or a frame from tab.frame) and fails the test with every
// violation; what names the page in the report. Shadow roots are checked
// with the document; frames are not (see axeRun).
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	violations := axeViolations(t, ctx, what)
	if len(violations) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "axe-core %s: %d WCAG 2.1 AA violation(s) on %s:", axeVersion, len(violations), what)
	for _, v := range violations {
		fmt.Fprintf(&b, "\n  %s (%s): %s — %s", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    at %s\n      %s", n.Target, n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
		}
	}
	t.Error(b.String())
}

// axeViolations runs the checks and returns what fails. It injects
// axe.min.js with Runtime.evaluate, which the page's
// Content-Security-Policy does not apply to.
func axeViolations(t *testing.T, ctx context.Context, what string) []axeViolation {
	t.Helper()
	src := axeScript(t)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === 'object' && axe.version === '`+axeVersion+`'`))
	if err != nil {
		t.Fatalf("axe on %s: %v", what, err)
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src+"\n;0")); err != nil {
			t.Fatalf("axe on %s: inject axe.min.js: %v", what, err)
		}
	}
	tags := `['` + strings.Join(axeTags, `', '`) + `']`
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](fmt.Sprintf(axeRun, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", what, err)
	}
	return violations
}

// checkAxeSchemes runs checkAxe in the light and then the dark color
// scheme: the checkout's colors change with prefers-color-scheme.
func checkAxeSchemes(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		setColorScheme(t, ctx, scheme)
		checkAxe(t, ctx, what+" ("+scheme+")")
	}
	setColorScheme(t, ctx, "")
}

// setColorScheme emulates prefers-color-scheme ("" for the default).
func setColorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	features := []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features}); err != nil {
		t.Fatal(err)
	}
}

// TestAccessibilityCheckout checks the shopper's pages: the demo feed with
// its cards and with the overlay open, the hosted product page, and every
// checkout step, as the WASM renders them and as the server prerenders
// them for a checkout without the WASM.
func TestAccessibilityCheckout(t *testing.T) {
	t.Parallel()
	axeScript(t) // skip (or fail on CI) before starting anything

	t.Run("demo feed", func(t *testing.T) {
		t.Parallel()
		shared(t, &paidOrdersLock)
		tb := openDemo(t)
		checkAxe(t, tb.ctx, "the demo feed")
		frame := tb.buy("wgt_notebook")
		appReady(t, frame)
		checkAxe(t, tb.ctx, "the demo feed with the overlay open")
		checkAxeSchemes(t, frame, "the overlay's choose step")
		clickIn(t, frame, "#bc-primary") // Continue
		waitFor(t, frame, `document.querySelector('#bc-f-email')`)
		checkAxeSchemes(t, frame, "the overlay's details step")
		enterDetails(t, frame)
		waitFor(t, frame, `document.querySelector('[data-card="4242 4242 4242 4242"]')`)
		checkAxeSchemes(t, frame, "the overlay's pay step")
		clickIn(t, frame, `[data-card="4242 4242 4242 4242"]`)
		clickIn(t, frame, "#bc-primary") // Pay
		waitFor(t, frame, `document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
		checkAxeSchemes(t, frame, "the overlay's receipt")
	})

	t.Run("cards in the dark", func(t *testing.T) {
		t.Parallel()
		tb := newTab(t)
		tb.do(navigate(publisherPage(t, `<style>:root{color-scheme:light dark}</style><main>`+
			`<div data-buycard="wgt_notebook"></div><div data-buycard="wgt_print"></div><div data-buycard="wgt_mug"></div></main>`)))
		tb.renderedCards(3)
		eval[bool](t, tb.ctx, `(document.documentElement.lang = 'en', true)`) // the test page's, not Buycard's
		checkAxeSchemes(t, tb.ctx, "cards")
	})

	t.Run("product pages", func(t *testing.T) {
		t.Parallel()
		tb := newTab(t)
		for _, widget := range []string{"wgt_notebook", "wgt_tee", "wgt_print", "wgt_mug"} {
			tb.do(navigate(h.host + "/p/" + widget))
			checkAxeSchemes(t, tb.ctx, "/p/"+widget)
		}
	})

	t.Run("checkout", func(t *testing.T) {
		t.Parallel()
		shared(t, &paidOrdersLock)
		tb := newTab(t)
		tb.do(navigate(checkoutURL(t, "wgt_tee", "")))
		appReady(t, tb.ctx)
		checkAxeSchemes(t, tb.ctx, "the choose step with options")

		tb.do(navigate(checkoutURL(t, "wgt_notebook", "")))
		appReady(t, tb.ctx)
		checkAxeSchemes(t, tb.ctx, "the choose step")
		clickIn(t, tb.ctx, "#bc-primary") // Continue
		waitFor(t, tb.ctx, `document.querySelector('#bc-f-email')`)
		clickIn(t, tb.ctx, "#bc-primary") // Continue to payment without an email: an error on the field
		waitFor(t, tb.ctx, `document.querySelector('#bc-f-email-error')`)
		checkAxeSchemes(t, tb.ctx, "the details step with an error")
		enterDetails(t, tb.ctx)
		waitFor(t, tb.ctx, `document.querySelector('[data-card="4242 4242 4242 4242"]')`)
		checkAxeSchemes(t, tb.ctx, "the pay step")
		clickIn(t, tb.ctx, "#bc-primary") // Pay with no card number: an inline error
		waitFor(t, tb.ctx, `document.querySelector('[role=alert]')?.textContent !== ''`)
		checkAxeSchemes(t, tb.ctx, "the pay step with an error")
		clickIn(t, tb.ctx, `[data-card="4242 4242 4242 4242"]`)
		clickIn(t, tb.ctx, "#bc-primary") // Pay
		waitFor(t, tb.ctx, `document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
		checkAxeSchemes(t, tb.ctx, "the receipt")

		tb.do(navigate(h.host + "/checkout/wgt_notebook?t=forged"))
		waitFor(t, tb.ctx, `document.querySelector('.bc-failed')`)
		checkAxeSchemes(t, tb.ctx, "an invalid checkout link")

		tb.do(navigate(checkoutURL(t, "wgt_print", "")))
		appReady(t, tb.ctx)
		checkAxeSchemes(t, tb.ctx, "the choose step of a sold-out product")
	})

	t.Run("checkout without wasm", func(t *testing.T) {
		t.Parallel()
		shared(t, &paidOrdersLock)
		shared(t, &oudStockLock)
		tb := newTab(t)
		tb.do(navigate(checkoutURL(t, "wgt_tee", "false")))
		checkAxeSchemes(t, tb.ctx, "the choose step with options without the WASM")

		tb.do(navigate(checkoutURL(t, "wgt_oud", "false")))
		checkAxeSchemes(t, tb.ctx, "the choose step without the WASM")
		clickIn(t, tb.ctx, "#bc-primary") // Continue: a form post
		waitNavigated(t, tb.ctx, `!!document.querySelector('#bc-f-email')`)
		checkAxeSchemes(t, tb.ctx, "the details step without the WASM")
		enterDetails(t, tb.ctx) // a form post
		waitNavigated(t, tb.ctx, `!!document.querySelector('#bc-card')`)
		checkAxeSchemes(t, tb.ctx, "the pay step without the WASM")
		clickIn(t, tb.ctx, "#bc-primary") // Pay with no card number: the form comes back with an error
		waitNavigated(t, tb.ctx, `document.querySelector('[role=alert]')?.textContent !== ''`)
		checkAxeSchemes(t, tb.ctx, "the pay step with an error without the WASM")
		clickIn(t, tb.ctx, `[data-card="4242 4242 4242 4242"]`)
		clickIn(t, tb.ctx, "#bc-primary") // Pay
		waitNavigated(t, tb.ctx, `!!document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
		checkAxeSchemes(t, tb.ctx, "the receipt without the WASM")
	})
}

// TestAxeFindsViolations keeps the checker honest: on a page whose
// Content-Security-Policy allows no script at all, it finds a violation of
// each kind planted, in the document and in a shadow root.
func TestAxeFindsViolations(t *testing.T) {
	t.Parallel()
	axeScript(t)
	tb := newTab(t)
	tb.do(navigate(publisherPage(t, `<meta http-equiv="Content-Security-Policy" content="script-src 'none'">`+
		`<main><h1>Broken</h1><img src="data:,"><p style="color:#aaa;background:#fff">faint</p>`+
		`<div><template shadowrootmode="open"><button></button></template></div></main>`)))
	got := map[string]bool{}
	for _, v := range axeViolations(t, tb.ctx, "a broken page") {
		got[v.ID] = true
	}
	for _, id := range []string{"html-has-lang", "image-alt", "color-contrast", "button-name"} {
		if !got[id] {
			t.Errorf("axe did not report %s; got %v", id, got)
		}
	}
}

// checkoutURL is the full-page checkout of a demo widget, with go-app's
// wasm=false when wasm is "false".
func checkoutURL(t *testing.T, widget, wasm string) string {
	t.Helper()
	var cards struct {
		Cards map[string]struct{ Token string }
	}
	getJSON(t, "GET", "/v1/cards?ids="+widget, nil, &cards)
	q := url.Values{"t": {cards.Cards[widget].Token}}
	if wasm != "" {
		q.Set("wasm", wasm)
	}
	return h.host + "/checkout/" + widget + "?" + q.Encode()
}
