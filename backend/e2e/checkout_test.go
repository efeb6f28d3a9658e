package e2e

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	_ "modernc.org/sqlite"
)

// openDemo opens the demo feed, waits for its cards, and records the
// buycard:purchase events the page receives.
func openDemo(t *testing.T) *tab {
	t.Helper()
	tb := newTab(t)
	tb.do(navigate(demoURL()))
	tb.renderedCards(demoCards)
	eval[bool](t, tb.ctx, `(window.purchases = [], document.addEventListener('buycard:purchase',
		e => purchases.push({target: e.target.dataset.buycard, ...e.detail})), true)`)
	return tb
}

// buy taps a card's Buy button and returns the overlay's frame once it
// shows the product.
func (tb *tab) buy(widget string) context.Context {
	tb.t.Helper()
	tb.clickBuy(widget)
	waitFor(tb.t, tb.ctx, overlayJS+`?.open`)
	frame := tb.frame()
	waitFor(tb.t, frame, `document.querySelector('#bc-title')`)
	return frame
}

// watchClose listens for the overlay dialog's close event, after the
// loader's own listener, which unlocks and scrolls the page back.
func (tb *tab) watchClose() {
	tb.t.Helper()
	eval[bool](tb.t, tb.ctx, `(window.overlayClosed = false, `+overlayJS+`.addEventListener('close', () => overlayClosed = true, {once: true}), true)`)
}

// closed waits until the overlay is closed and the loader has handled it.
func (tb *tab) closed() {
	tb.t.Helper()
	waitFor(tb.t, tb.ctx, `!`+overlayJS+`.open && overlayClosed`)
}

func text(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	return eval[string](t, ctx, `document.querySelector('`+selector+`')?.textContent ?? ''`)
}

// appReady waits until the WASM app has taken over the prerendered page.
func appReady(t *testing.T, frame context.Context) {
	t.Helper()
	waitFor(t, frame, `!document.getElementById('app-wasm-loader')`)
}

func TestBuyOpensOverlayWithProductAndPrice(t *testing.T) {
	t.Parallel()
	tb := openDemo(t)
	frame := tb.buy("wgt_oud")
	if got := text(t, frame, "#bc-title"); got != "Oud & amber eau de parfum" {
		t.Errorf("title = %q", got)
	}
	if got := text(t, frame, ".bc-total-amount"); got != "KWD\u00a012.500" {
		t.Errorf("total = %q, want KWD 12.500", got)
	}
	// The page behind cannot scroll while the overlay is open.
	if got := eval[string](t, tb.ctx, `getComputedStyle(document.documentElement).overflow`); got != "hidden" {
		t.Errorf("page overflow while open = %q, want hidden", got)
	}
	// Esc closes, even before the WASM has taken over.
	tb.watchClose()
	tb.press(kb.Escape)
	tb.closed()
	if got := eval[string](t, tb.ctx, `getComputedStyle(document.documentElement).overflow`); got == "hidden" {
		t.Error("page still locked after close")
	}
	// A tap on the backdrop closes too.
	tb.buy("wgt_oud")
	tb.do(chromedp.MouseClickXY(5, 5))
	waitFor(t, tb.ctx, `!`+overlayJS+`.open`)
	// One overlay per page, reused for the next card.
	frame = tb.buy("wgt_matcha")
	waitFor(t, frame, `document.querySelector('#bc-title')?.textContent === 'Uji matcha starter set'`)
	if n := eval[int](t, tb.ctx, `document.querySelectorAll('[data-buycard-overlay]').length`); n != 1 {
		t.Errorf("%d overlays, want 1", n)
	}
	tb.noErrors()
}

func TestPurchaseShowsReceiptAndFiresEvent(t *testing.T) {
	t.Parallel()
	exclusive(t, &paidOrdersLock)
	tb := openDemo(t)
	before := paidOrders(t)
	tb.do(chromedp.Evaluate[chromedp.Void](cardJS("wgt_notebook") + `.scrollIntoView({block: 'center'})`))
	scrollY := eval[float64](t, tb.ctx, `scrollY`)
	frame := tb.buy("wgt_notebook")
	number := payToReceipt(t, frame)

	waitFor(t, tb.ctx, `purchases.length === 1`)
	got := eval[map[string]any](t, tb.ctx, `purchases[0]`)
	order, _ := got["order"].(map[string]any)
	if got["target"] != "wgt_notebook" || got["widget"] != "wgt_notebook" || order["number"] != number {
		t.Errorf("buycard:purchase = %v, want on wgt_notebook with order %s", got, number)
	}
	tb.watchClose()
	clickIn(t, frame, "#bc-primary") // Done
	tb.closed()
	if y := eval[float64](t, tb.ctx, `scrollY`); y != scrollY {
		t.Errorf("page scrolled from %v to %v", scrollY, y)
	}
	if after := paidOrders(t); after != before+1 {
		t.Errorf("paid orders %d → %d, want one more", before, after)
	}
	tb.noErrors()
}

func TestDeclinedCardShowsMessageAndPaysNothing(t *testing.T) {
	t.Parallel()
	exclusive(t, &paidOrdersLock)
	tb := openDemo(t)
	before := paidOrders(t)
	frame := tb.buy("wgt_notebook")
	appReady(t, frame)
	clickIn(t, frame, "#bc-primary") // Continue
	enterDetails(t, frame)
	waitFor(t, frame, `document.querySelector('#bc-card')`)
	if err := chromedp.Do(frame, chromedp.SendKeys(chromedp.CSS("#bc-card"), "4000 0000 0000 0002")); err != nil {
		t.Fatal(err)
	}
	clickIn(t, frame, "#bc-primary")
	waitFor(t, frame, `document.querySelector('[role=alert]')?.textContent.includes('declined')`)
	if got := text(t, frame, "[role=alert]"); got != "Your card was declined. Try another card." {
		t.Errorf("alert = %q", got)
	}
	if after := paidOrders(t); after != before {
		t.Errorf("paid orders %d → %d after a decline", before, after)
	}
	if n := eval[int](t, tb.ctx, `purchases.length`); n != 0 {
		t.Errorf("%d purchase events after a decline", n)
	}
}

func TestKeyboardOnlyPurchase(t *testing.T) {
	t.Parallel()
	shared(t, &paidOrdersLock)
	tb := openDemo(t)
	focusedBuy := func(widget string) string {
		return `document.activeElement === ` + cardJS(widget) + ` && ` + cardJS(widget) + `.shadowRoot.activeElement === ` + buyJS(widget)
	}
	tb.tabTo(tb.ctx, focusedBuy("wgt_notebook"))
	tb.press(kb.Enter)
	waitFor(t, tb.ctx, overlayJS+`?.open`)
	frame := tb.frame()
	appReady(t, frame)

	// Esc closes and gives focus back to the Buy button.
	waitFor(t, frame, `document.hasFocus()`)
	tb.press(kb.Escape)
	waitFor(t, tb.ctx, `!`+overlayJS+`.open`)
	waitFor(t, tb.ctx, focusedBuy("wgt_notebook"))

	tb.press(kb.Enter)
	waitFor(t, tb.ctx, overlayJS+`?.open`)
	waitFor(t, frame, `document.hasFocus()`)
	tb.tabTo(frame, `document.activeElement?.id === 'bc-primary'`)
	tb.press(kb.Enter) // Continue
	tb.tabTo(frame, `document.activeElement?.id === 'bc-f-email'`)
	tb.press("ann@example.com")
	tb.tabTo(frame, `document.activeElement?.id === 'bc-f-name'`)
	tb.press("Ann Lee")
	tb.press(kb.Enter) // Continue to payment, the form's default button
	tb.tabTo(frame, `document.activeElement?.dataset.card === '4242 4242 4242 4242'`)
	tb.press(kb.Enter)
	tb.tabTo(frame, `document.activeElement?.id === 'bc-primary'`)
	tb.press(kb.Enter) // Pay
	waitFor(t, frame, `document.querySelector('.bc-order-number-value')`)
	tb.tabTo(frame, `document.activeElement?.id === 'bc-primary'`)
	tb.press(kb.Enter) // Done
	waitFor(t, tb.ctx, `!`+overlayJS+`.open`)
	waitFor(t, tb.ctx, focusedBuy("wgt_notebook"))
	if n := eval[int](t, tb.ctx, `purchases.length`); n != 1 {
		t.Errorf("%d purchase events, want 1", n)
	}
	tb.noErrors()
}

func TestForeignMessagesChangeNothing(t *testing.T) {
	t.Parallel()
	tb := openDemo(t)
	frame := tb.buy("wgt_notebook")
	appReady(t, frame)
	// The page itself (not Buycard's origin) forges overlay messages.
	eval[bool](t, tb.ctx, `(postMessage({bc: 1, type: 'purchase', order: {id: 'ord_x', number: 'BC-FAKE-0000', quantity: 1,
		total: {amount: 1, currency: 'USD'}}}, '*'), postMessage({bc: 1, type: 'close'}, '*'), true)`)
	// The overlay's own window (not its parent) asks it to open another card.
	eval[bool](t, frame, `(postMessage({bc: 1, type: 'open', widget: 'wgt_oud', token: 'x', lang: 'en'}, '*'), true)`)
	// Both windows have handled the forged messages.
	delivered(t, tb.ctx, tb.ctx, "window")
	delivered(t, frame, frame, "window")
	if !eval[bool](t, tb.ctx, overlayJS+`.open`) {
		t.Error("a forged close message closed the overlay")
	}
	if n := eval[int](t, tb.ctx, `purchases.length`); n != 0 {
		t.Errorf("a forged purchase message fired %d events", n)
	}
	if got := text(t, frame, "#bc-title"); got != "Leather field notebook" {
		t.Errorf("a forged open message changed the overlay to %q", got)
	}
}

// clickIn clicks an element of a checkout page (in the overlay's frame or
// a window of its own) with the mouse, once the page's clickjacking guard
// lets clicks count (checkout.js).
// A page that grows (a step's new content) makes the guard wait again, so
// a click sent in that moment is refused: it is sent again.
func clickIn(t *testing.T, frame context.Context, selector string) {
	t.Helper()
	const refused = `+(document.documentElement.dataset.bcRefused ?? 0)`
	for range 5 {
		before, _ := chromedp.Run(frame, chromedp.Evaluate[int](refused))
		if err := chromedp.Do(frame, chromedp.WaitReady("html[data-bc-armed]"), chromedp.WaitEnabled(chromedp.CSS(selector)), chromedp.Click(chromedp.CSS(selector))); err != nil {
			t.Fatalf("click %s: %v", selector, err)
		}
		// An error: the click left the page, so it counted.
		if after, err := chromedp.Run(frame, chromedp.Evaluate[int](refused)); err != nil || after == before {
			return
		}
	}
	t.Fatalf("click %s: refused five times", selector)
}

// enterDetails fills in the details step as the buyer of a product that
// does not ship, and continues to payment.
func enterDetails(t *testing.T, ctx context.Context) {
	t.Helper()
	waitNavigated(t, ctx, `!!document.querySelector('#bc-f-email')`)
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#bc-f-email"), "ann@example.com"),
		chromedp.SendKeys(chromedp.CSS("#bc-f-name"), "Ann Lee"),
	); err != nil {
		t.Fatal(err)
	}
	clickIn(t, ctx, "#bc-primary") // Continue to payment
}

// payToReceipt buys what the overlay's frame shows, as a buyer of a
// product that does not ship paying with the sandbox's test card, and
// returns the order number its receipt shows.
func payToReceipt(t *testing.T, frame context.Context) string {
	t.Helper()
	appReady(t, frame)
	clickIn(t, frame, "#bc-primary") // Continue
	enterDetails(t, frame)
	waitFor(t, frame, `document.querySelector('[data-card="4242 4242 4242 4242"]')`)
	clickIn(t, frame, `[data-card="4242 4242 4242 4242"]`)
	clickIn(t, frame, "#bc-primary") // Pay
	waitFor(t, frame, `document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
	return text(t, frame, ".bc-order-number-value")
}

// paidOrders counts paid orders in the server's database.
func paidOrders(t *testing.T) int {
	t.Helper()
	var n int
	queryDB(t, `SELECT count(*) FROM orders WHERE status = 'paid'`, nil, &n)
	return n
}

// queryDB reads the one row of query with args from the server's
// database into dest.
func queryDB(t *testing.T, query string, args []any, dest ...any) {
	t.Helper()
	path, _ := h.main.Config.SQLitePath()
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(query, args...).Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

// orderStatus reads an order's status from the server's database.
func orderStatus(t *testing.T, id string) string {
	t.Helper()
	var status string
	queryDB(t, `SELECT status FROM orders WHERE id = ?`, []any{id}, &status)
	return status
}

// The checkout shows the product's description, as the merchant's form
// says: folded under the product on the first step, so that at 390 px
// the form stays in view; opened, it fits the screen and passes axe.
func TestCheckoutShowsDescription(t *testing.T) {
	t.Parallel()
	axeScript(t)
	tb := newTab(t)
	tb.do(chromedp.EmulateViewport(narrowWidth, 844), navigate(demoURL()))
	tb.renderedCards(demoCards)
	frame := tb.buy("wgt_notebook")
	const about = `document.querySelector('details.bc-about')`
	waitFor(t, frame, about+` && !`+about+`.open`)
	if got := text(t, frame, "details.bc-about p"); got != "A5, 192 dot-grid pages, vegetable-tanned leather cover that ages with you." {
		t.Errorf("description = %q", got)
	}
	screenshot(t, tb.ctx, "checkout-description-folded-390.png")
	appReady(t, frame) // the app renders it too
	if err := chromedp.Do(frame, chromedp.Click(chromedp.CSS("details.bc-about summary"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, frame, about+`.open`)
	if w := eval[int](t, frame, `document.documentElement.scrollWidth`); w > narrowWidth {
		t.Errorf("the checkout with its description open is %d px wide at %d", w, narrowWidth)
	}
	checkAxe(t, frame, "checkout with its description open")
	screenshot(t, tb.ctx, "checkout-description-open-390.png")
}
