package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The checkout works as plain HTML forms: with JavaScript off from the
// hosted product page, and in the overlay before the WASM has arrived.

func TestPurchaseWithoutJavaScript(t *testing.T) {
	t.Parallel()
	exclusive(t, &paidOrdersLock)
	tb := newTab(t)
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	before := paidOrders(t)
	tb.do(
		navigate(h.host+"/p/wgt_notebook"),
		clickCSS(".bc-buy"),
		chromedp.WaitVisible(chromedp.CSS("#bc-qty")),
		chromedp.SetValue(chromedp.CSS("#bc-qty"), "2"),
		clickCSS("#bc-primary"), // Continue
		chromedp.WaitVisible(chromedp.CSS("#bc-f-email")),
		chromedp.SendKeys(chromedp.CSS("#bc-f-email"), "ann@example.com"),
		chromedp.SendKeys(chromedp.CSS("#bc-f-name"), "Ann Lee"),
		clickCSS("#bc-primary"), // Continue to payment
		chromedp.WaitVisible(chromedp.CSS("#bc-card")),
	)
	if got := text(t, tb.ctx, "#bc-primary"); got != "Pay $48.00" {
		t.Errorf("pay button = %q", got)
	}
	screenshot(t, tb.ctx, "pay-without-js.png")
	tb.do(
		chromedp.SendKeys(chromedp.CSS("#bc-card"), "4242 4242 4242 4242"),
		clickCSS("#bc-primary"), // Pay
		chromedp.WaitVisible(chromedp.CSS(".bc-order-number-value")),
	)
	if got := text(t, tb.ctx, ".bc-order-number-value"); !strings.HasPrefix(got, "BC-") {
		t.Errorf("order number = %q", got)
	}
	if got := strings.Join(strings.Fields(text(t, tb.ctx, ".bc-summary")), " "); !contains(got, "Standard × 2 $48.00 Total $48.00") {
		t.Errorf("receipt summary = %q", got)
	}
	if after := paidOrders(t); after != before+1 {
		t.Errorf("paid orders %d → %d, want one more", before, after)
	}
}

func TestOverlayFormsBeforeWasm(t *testing.T) {
	t.Parallel()
	exclusive(t, &paidOrdersLock)
	tb := openDemo(t)
	before := paidOrders(t)
	frame := tb.buy("wgt_notebook")
	withoutWasm(t, frame)

	clickIn(t, frame, `.bc-adjust[aria-label="Increase quantity"]`)
	if got := text(t, frame, ".bc-total-amount"); got != "$48.00" {
		t.Errorf("live total = %q, want $48.00", got)
	}
	clickIn(t, frame, "#bc-primary") // Continue: a form post
	enterDetails(t, frame)           // a form post
	waitNavigated(t, frame, `location.pathname.endsWith('/pay') && !!document.querySelector('#bc-card')`)
	clickIn(t, frame, `[data-card="4242 4242 4242 4242"]`)
	if got := eval[string](t, frame, `document.querySelector('#bc-card').value`); got != "4242 4242 4242 4242" {
		t.Errorf("test card button filled %q", got)
	}
	clickIn(t, frame, "#bc-primary") // Pay
	waitNavigated(t, frame, `!!document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
	number := text(t, frame, ".bc-order-number-value")

	waitFor(t, tb.ctx, `purchases.length >= 1`)
	// Whatever the receipt page posted has reached the page.
	delivered(t, frame, tb.ctx, "parent")
	if n := eval[int](t, tb.ctx, `purchases.length`); n != 1 {
		t.Fatalf("%d buycard:purchase events, want 1", n)
	}
	if got := eval[string](t, tb.ctx, `purchases[0].order.number`); got != number {
		t.Errorf("purchase order number = %q, want %q", got, number)
	}
	if !eval[bool](t, frame, `!!document.getElementById('app-wasm-loader')`) {
		t.Error("the WASM ran although it was blocked")
	}
	clickIn(t, frame, "#bc-primary") // Done
	waitFor(t, tb.ctx, `!`+overlayJS+`.open`)
	if after := paidOrders(t); after != before+1 {
		t.Errorf("paid orders %d → %d, want one more", before, after)
	}
}

// withoutWasm blocks the WASM in the overlay's frame and reloads it, so the
// page runs as it does on a slow link before the WASM has arrived.
func withoutWasm(t *testing.T, frame context.Context) {
	t.Helper()
	if _, err := chromedp.Call(frame, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(frame, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatal(err)
	}
	block := network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/*.wasm", Block: true}}}
	if _, err := chromedp.Call(frame, network.SetBlockedURLs, block); err != nil {
		t.Fatal(err)
	}
	eval[bool](t, frame, `(window.beforeReload = true, setTimeout(() => location.reload()), true)`)
	waitNavigated(t, frame, `!window.beforeReload && !!document.querySelector('#bc-title')`)
}

// waitNavigated polls the JS predicate in ctx until it is true, across a
// navigation: errors while the old page's context goes away are retried.
func waitNavigated(t *testing.T, ctx context.Context, predicate string) {
	t.Helper()
	predicate = `document.readyState === 'complete' && ` + predicate
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](predicate)); err == nil && ok {
			return
		}
	}
	where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + ': ' + (document.body?.innerText ?? '').slice(0, 400)`))
	t.Fatalf("waiting for %s after a navigation; the page is %s", predicate, where)
}

// screenshot saves the page to BUYCARD_SCREENSHOTS/name when that is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BUYCARD_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The WASM takes over a pay page it did not render itself, keeps what was
// typed, pays in place (no navigation), and then shows the receipt.
func TestWasmTakesOverPayPage(t *testing.T) {
	t.Parallel()
	exclusive(t, &paidOrdersLock)
	before := paidOrders(t)
	tb := newTab(t)
	tb.do(navigate(h.host + "/checkout/wgt_notebook/pay?" + startCheckout(t).Encode()))
	typedEarly := eval[bool](t, tb.ctx, `!!document.getElementById('app-wasm-loader') &&
		(document.querySelector('#bc-card').value = '4242 4242 4242 4242', true)`)
	appReady(t, tb.ctx)
	if got := text(t, tb.ctx, "#bc-primary"); got != "Pay $24.00" {
		t.Errorf("pay button = %q", got)
	}
	if typedEarly {
		if got := eval[string](t, tb.ctx, `document.querySelector('#bc-card').value`); got != "4242 4242 4242 4242" {
			t.Errorf("card number after takeover = %q", got)
		}
	} else {
		clickIn(t, tb.ctx, `[data-card="4242 4242 4242 4242"]`)
	}
	eval[bool](t, tb.ctx, `(window.samePage = true)`)
	clickIn(t, tb.ctx, "#bc-primary")
	waitFor(t, tb.ctx, `document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
	if !eval[bool](t, tb.ctx, `window.samePage === true && location.pathname.endsWith('/pay')`) {
		t.Error("paying with the WASM left the page")
	}
	if after := paidOrders(t); after != before+1 {
		t.Errorf("paid orders %d → %d, want one more", before, after)
	}
	tb.noErrors()
}

// startCheckout creates a pending order of one notebook through the JSON
// API and returns the pay page's query.
func startCheckout(t *testing.T) url.Values {
	t.Helper()
	var cards struct {
		Cards map[string]struct{ Token string }
	}
	getJSON(t, "GET", "/v1/cards?ids=wgt_notebook", nil, &cards)
	var offer struct{ Variants []struct{ ID string } }
	getJSON(t, "GET", "/v1/offers/wgt_notebook?t="+url.QueryEscape(cards.Cards["wgt_notebook"].Token), nil, &offer)
	var r struct {
		Order      struct{ ID string }
		OrderToken string `json:"order_token"`
		Payment    struct {
			ClientSecret string `json:"client_secret"`
		}
	}
	getJSON(t, "POST", "/v1/checkout", map[string]any{
		"token": cards.Cards["wgt_notebook"].Token, "variant_id": offer.Variants[0].ID, "quantity": 1, "buyer": testBuyer,
	}, &r)
	return url.Values{"order": {r.Order.ID}, "ot": {r.OrderToken}, "cs": {r.Payment.ClientSecret}}
}

// testBuyer is the buyer the tests' JSON checkouts name.
var testBuyer = map[string]string{"email": "ann@example.com", "name": "Ann Lee"}

func getJSON(t *testing.T, method, path string, body, out any) {
	t.Helper()
	getJSONAt(t, h.host, method, path, body, out)
}

// getJSONAt is getJSON against origin.
func getJSONAt(t *testing.T, origin, method, path string, body, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, origin+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil || resp.StatusCode >= 300 {
		t.Fatalf("%s %s = %d (%v)", method, path, resp.StatusCode, err)
	}
}
