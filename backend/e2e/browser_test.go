package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tab is one browser tab with what it logged and requested.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	errors   []string // console errors, exceptions, CSP violations
	warnings []string
	requests []string // URLs
	bytes    map[network.RequestID]float64
	urls     map[network.RequestID]string
}

func newTab(t *testing.T) *tab {
	return openTab(t, 60*time.Second)
}

// openTab opens a tab that closes after timeout, with opts.
func openTab(t *testing.T, timeout time.Duration, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(h.browser, opts...)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelTimeout)
	tb := &tab{t: t, ctx: ctx, bytes: map[network.RequestID]float64{}, urls: map[network.RequestID]string{}}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatal(err)
	}
	return tb
}

func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		text := consoleText(ev.Args)
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError:
			tb.errors = append(tb.errors, text)
		case runtime.ConsoleAPICalledTypeWarning:
			tb.warnings = append(tb.warnings, text)
		}
	case *runtime.EventExceptionThrown:
		tb.errors = append(tb.errors, exceptionText(ev.ExceptionDetails))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError && !missingFavicon(ev.Entry) {
			tb.errors = append(tb.errors, ev.Entry.Source.String()+": "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request.URL)
		tb.urls[ev.RequestID] = ev.Request.URL
	case *network.EventLoadingFinished:
		tb.bytes[ev.RequestID] = ev.EncodedDataLength
	}
}

// missingFavicon reports the 404 for an origin's /favicon.ico. Chromium
// asks each origin for it once per browser session, so which test sees
// the error depends only on which first shows a page of that origin
// without an icon link: with tests in parallel, any of them.
func missingFavicon(e *log.Entry) bool {
	return e.Source == log.EntrySourceNetwork && strings.HasSuffix(e.URL, "/favicon.ico") && strings.Contains(e.Text, "404")
}

func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a.Value != nil {
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// do runs actions in the tab and fails the test on error.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// eval evaluates JS in ctx (the page or a frame) and decodes the result.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

// waitFor polls the JS predicate in ctx until it is truthy.
func waitFor(t *testing.T, ctx context.Context, predicate string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("waiting for %s: %v", predicate, err)
	}
}

// count returns how many recorded requests contain substr.
func (tb *tab) count(substr string) int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	n := 0
	for _, u := range tb.requests {
		if strings.Contains(u, substr) {
			n++
		}
	}
	return n
}

func (tb *tab) noErrors() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.errors) > 0 {
		tb.t.Errorf("console errors:\n%s", strings.Join(tb.errors, "\n"))
	}
}

// cardJS is the JS expression for the card host of a widget.
func cardJS(widget string) string {
	return fmt.Sprintf(`document.querySelector('[data-buycard=%q]')`, widget)
}

// buyJS is the JS expression for a card's Buy button in its shadow root.
func buyJS(widget string) string {
	return cardJS(widget) + `.shadowRoot.querySelector('[data-buycard-buy]')`
}

// overlayJS is the JS expression for the overlay <dialog>.
const overlayJS = `document.querySelector('[data-buycard-overlay]')?.shadowRoot.querySelector('dialog')`

// renderedCards waits until n cards are rendered and returns.
func (tb *tab) renderedCards(n int) {
	tb.t.Helper()
	waitFor(tb.t, tb.ctx, fmt.Sprintf(`[...document.querySelectorAll('[data-buycard]')].filter(e => e.shadowRoot?.querySelector('.bc-card:not(.bc-skeleton)')).length >= %d`, n))
}

// clickBuy clicks a card's Buy button with a real mouse click.
func (tb *tab) clickBuy(widget string) {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.JSPath(buyJS(widget))))
}

// frame returns a context attached to the checkout iframe (a cross-site
// iframe is its own target) of whichever Buycard host, once it shows the
// prerendered product.
func (tb *tab) frame() context.Context {
	tb.t.Helper()
	page := chromedp.FromContext(tb.ctx).Target.TargetID
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(tb.ctx)
		if err != nil {
			tb.t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && info.ParentID == page && strings.Contains(info.URL, "/checkout/") {
				ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(info.TargetID))
				tb.t.Cleanup(cancel)
				return ctx
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.t.Fatal("no checkout iframe target")
	return nil
}

// press sends keys to whatever has focus (the iframe included).
func (tb *tab) press(keys string) {
	tb.t.Helper()
	tb.do(chromedp.KeyEvent(keys))
}

// tabTo presses Tab until the predicate (JS in ctx) holds.
func (tb *tab) tabTo(ctx context.Context, predicate string) {
	tb.t.Helper()
	for range 40 {
		if eval[bool](tb.t, ctx, predicate) {
			return
		}
		tb.press(kb.Tab)
	}
	tb.t.Fatalf("Tab never reached %s", predicate)
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

func navigate(url string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(url) }

func clickCSS(sel string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(sel)) }

func contains(s, substr string) bool { return strings.Contains(s, substr) }

// messagesSeq makes each delivered call's marker message unique.
var messagesSeq atomic.Int64

// delivered waits until every message already posted to the window of to
// has been handled there: it posts a marker message from the window of
// from (with the JS expression target naming to's window from there,
// e.g. "parent" or "window") and waits until to's window has received it.
// Messages from one window to another arrive in the order they were
// posted, each in a task of its own, so all listeners have run for those
// before it.
func delivered(t *testing.T, from, to context.Context, target string) {
	t.Helper()
	marker := fmt.Sprintf("buycard-e2e-%d", messagesSeq.Add(1))
	eval[bool](t, to, `(window.delivered = new Promise((resolve) =>
		addEventListener('message', (e) => e.data?.e2e === '`+marker+`' && resolve(true))), true)`)
	eval[bool](t, from, `(`+target+`.postMessage({e2e: '`+marker+`'}, '*'), true)`)
	eval[bool](t, to, `window.delivered`)
}
