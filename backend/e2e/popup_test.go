package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// popupPage is a publisher page whose first card prefers the popup
// checkout (data-buycard-checkout="popup") and whose second (wgt_matcha)
// opens the overlay. It records every window.open call, and
// whether it came in the tap's own task (before any other task ran, as it
// must to pass popup blockers), and the buycard:purchase events.
func popupPage(t *testing.T, block bool) *tab {
	t.Helper()
	tb := newTab(t)
	tb.do(navigate(publisherPage(t, `<div data-buycard="wgt_notebook" data-buycard-checkout="popup"></div><div data-buycard="wgt_matcha"></div>`)))
	tb.renderedCards(2)
	eval[bool](t, tb.ctx, fmt.Sprintf(`(() => {
		window.purchases = []; window.opens = []; let tapping = false;
		document.addEventListener('buycard:purchase', e => purchases.push({target: e.target.dataset.buycard, ...e.detail}));
		addEventListener('click', () => { tapping = true; setTimeout(() => tapping = false); }, true);
		const open = window.open;
		window.open = (...args) => (opens.push({url: args[0], sync: tapping}), %v ? null : open.apply(window, args));
		return true;
	})()`, block))
	return tb
}

// popup returns a context attached to the window the page opened, once it
// shows the product.
func (tb *tab) popup() context.Context {
	tb.t.Helper()
	page := chromedp.FromContext(tb.ctx).Target.TargetID
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, info := range tb.targets() {
			if info.Type == "page" && info.OpenerID == page {
				ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(info.TargetID))
				tb.t.Cleanup(cancel)
				waitNavigated(tb.t, ctx, `!!document.querySelector('#bc-title')`)
				return ctx
			}
		}
	}
	tb.t.Fatal("no popup window")
	return nil
}

// windows counts the page targets the page opened.
func (tb *tab) windows() int {
	page, n := chromedp.FromContext(tb.ctx).Target.TargetID, 0
	for _, info := range tb.targets() {
		if info.Type == "page" && info.OpenerID == page {
			n++
		}
	}
	return n
}

func (tb *tab) targets() []*target.Info {
	infos, err := chromedp.Targets(tb.ctx)
	if err != nil {
		tb.t.Fatal(err)
	}
	return infos
}

// A tap on a popup card opens one window in the tap itself; the shopper
// buys there with the sandbox, and the publisher's page hears of it once.
func TestPopupCheckoutPurchase(t *testing.T) {
	t.Parallel()
	exclusive(t, &paidOrdersLock)
	tb := popupPage(t, false)
	before := paidOrders(t)
	tb.clickBuy("wgt_notebook")
	popup := tb.popup()
	opens := eval[[]map[string]any](t, tb.ctx, `opens`)
	if len(opens) != 1 || opens[0]["sync"] != true || !strings.HasPrefix(fmt.Sprint(opens[0]["url"]), h.host+"/checkout/wgt_notebook/popup?t=") {
		t.Fatalf("window.open calls = %v, want one, in the tap, to the popup page", opens)
	}
	if n := tb.windows(); n != 1 {
		t.Errorf("%d windows opened, want 1", n)
	}
	if eval[bool](t, tb.ctx, `!!`+overlayJS+`?.open`) {
		t.Error("the overlay opened as well")
	}
	if got := text(t, popup, "#bc-title"); got != "Leather field notebook" {
		t.Errorf("popup title = %q", got)
	}
	screenshot(t, popup, "popup-choose.png")

	// Meanwhile the shopper opens another card's overlay: the purchase in
	// the popup is still the notebook card's.
	if _, err := chromedp.Call(tb.ctx, page.BringToFront, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	tb.clickBuy("wgt_matcha")
	waitFor(t, tb.ctx, overlayJS+`?.open`)

	clickIn(t, popup, "#bc-primary") // Continue
	enterDetails(t, popup)
	waitNavigated(t, popup, `!!document.querySelector('[data-card="4242 4242 4242 4242"]')`)
	clickIn(t, popup, `[data-card="4242 4242 4242 4242"]`)
	clickIn(t, popup, "#bc-primary") // Pay
	waitNavigated(t, popup, `document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
	number := text(t, popup, ".bc-order-number-value")
	screenshot(t, popup, "popup-receipt.png")

	waitFor(t, tb.ctx, `purchases.length === 1`)
	got := eval[map[string]any](t, tb.ctx, `purchases[0]`)
	if order, _ := got["order"].(map[string]any); got["target"] != "wgt_notebook" || order["number"] != number {
		t.Errorf("buycard:purchase = %v, want on wgt_notebook with order %s", got, number)
	}
	if after := paidOrders(t); after != before+1 {
		t.Errorf("paid orders %d → %d, want one more", before, after)
	}
	// Done closes the window, so the click may fail as its target goes
	// away: what counts is that the window is gone.
	err := chromedp.Do(popup, chromedp.WaitReady("html[data-bc-armed]"), chromedp.WaitEnabled(chromedp.CSS("#bc-primary")), chromedp.Click(chromedp.CSS("#bc-primary")))
	for deadline := time.Now().Add(10 * time.Second); tb.windows() > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Done left the popup open (click: %v)", err)
		}
	}
	if n := eval[int](t, tb.ctx, `purchases.length`); n != 1 {
		t.Errorf("%d purchase events, want 1", n)
	}
	tb.noErrors()
}

// When the browser blocks the window, Buy opens the overlay instead.
func TestPopupBlockedFallsBackToOverlay(t *testing.T) {
	t.Parallel()
	tb := popupPage(t, true)
	tb.clickBuy("wgt_notebook")
	waitFor(t, tb.ctx, overlayJS+`?.open`)
	frame := tb.frame()
	waitFor(t, frame, `document.querySelector('#bc-title')?.textContent === 'Leather field notebook'`)
	if n := eval[int](t, tb.ctx, `opens.length`); n != 1 {
		t.Errorf("window.open called %d times, want 1", n)
	}
	if n := tb.windows(); n != 0 {
		t.Errorf("%d windows opened, want none", n)
	}
	tb.noErrors()
}
