package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// clickjackPage frames a checkout's pay step the way a hostile page
// would: in a layer of opacity 0 over bait of its own, so the shopper sees
// the bait and their clicks land on Pay.
const clickjackPage = `<style>
#bait,#layer{position:absolute;left:0;top:0;width:460px;height:720px}
#layer{opacity:0}
#checkout{position:absolute;left:0;top:0;width:100%;height:100%;border:0}
</style>
<div id="bait"><p>Click anywhere to win a prize!</p></div>
<div id="layer"><iframe id="checkout" src="PAY_URL"></iframe></div>`

// TestClickjackedPayDoesNothing is a hostile publisher framing the pay
// step in an invisible layer over its bait, then sliding it around under
// the pointer: Pay ignores the shopper's clicks while the browser reports the
// frame covered and while it keeps moving; left alone in plain view, the
// same frame pays.
func TestClickjackedPayDoesNothing(t *testing.T) {
	t.Parallel()
	shared(t, &paidOrdersLock)
	order, pay := payStep(t, "wgt_notebook")
	tb := newTab(t)
	tb.do(navigate(publisherPage(t, strings.Replace(clickjackPage, "PAY_URL", pay, 1))))
	frame := tb.frame()
	appReady(t, frame)
	waitFor(t, frame, `!!document.querySelector('[data-card]')`)
	eval[bool](t, frame, `(document.querySelector('[data-card]').click(), true)`) // fills the card number

	// Covered: the browser's visibility signal (IntersectionObserver v2).
	waitFor(t, frame, `document.documentElement.hasAttribute('data-bc-covered')`)
	clickPayAnyway(t, frame, 1)

	// In view but moving: the page slides the frame by 300 px every 150 ms.
	eval[bool](t, tb.ctx, `(document.getElementById('layer').style.opacity = 1, window.slide = setInterval(() => {
		const f = document.getElementById('checkout');
		f.style.top = f.style.top === '-300px' ? '0px' : '-300px';
	}, 150), true)`)
	waitFor(t, frame, `!document.documentElement.hasAttribute('data-bc-covered')`)
	clickPayAnyway(t, frame, 2)
	if got := orderStatus(t, order); got != "pending" {
		t.Fatalf("order %s after the hijacked clicks: %s, want pending", order, got)
	}

	// Left alone in plain view, the shopper's own click pays.
	eval[bool](t, tb.ctx, `(clearInterval(window.slide), document.getElementById('checkout').style.top = '0px', true)`)
	clickIn(t, frame, "#bc-primary")
	waitFor(t, frame, `document.body.textContent.includes('Your order is confirmed')`)
	if got := orderStatus(t, order); got != "paid" {
		t.Errorf("order %s after the shopper's click: %s, want paid", order, got)
	}
}

// clickPayAnyway clicks Pay with the mouse without waiting for the
// clickjacking guard until the guard has refused clicks refused times. A
// click aimed at a sliding frame may land beside Pay (the frame moved
// between aiming and clicking), so it clicks again until one lands; a
// click that paid would show in the order's status, which callers check.
func clickPayAnyway(t *testing.T, frame context.Context, refused int) {
	t.Helper()
	if eval[bool](t, frame, `document.documentElement.hasAttribute('data-bc-armed')`) {
		t.Fatal("the pay step takes clicks; the test wants it refusing them")
	}
	landed := fmt.Sprintf(`document.documentElement.dataset.bcRefused === '%d'`, refused)
	for deadline := time.Now().Add(20 * time.Second); ; {
		if err := chromedp.Do(frame, chromedp.Click(chromedp.CSS("#bc-primary"))); err != nil {
			t.Fatal(err)
		}
		if eval[bool](t, frame, landed) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the guard never refused click %d", refused)
		}
	}
}

// payStep starts a checkout of a widget's first variant through the API,
// as the overlay does, and returns the order id and its pay step's URL.
func payStep(t *testing.T, widget string) (orderID, payURL string) {
	t.Helper()
	token := cardToken(t, widget)
	resp, err := http.Get(h.host + "/v1/offers/" + widget + "?t=" + url.QueryEscape(token))
	if err != nil {
		t.Fatal(err)
	}
	var offer struct{ Variants []struct{ ID string } }
	err = json.NewDecoder(resp.Body).Decode(&offer)
	resp.Body.Close()
	if err != nil || len(offer.Variants) == 0 {
		t.Fatalf("offer of %s: %v", widget, err)
	}
	body, _ := json.Marshal(map[string]any{"token": token, "variant_id": offer.Variants[0].ID, "quantity": 1, "buyer": testBuyer})
	resp, err = http.Post(h.host+"/v1/checkout", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var started struct {
		Order      struct{ ID string }
		OrderToken string `json:"order_token"`
		Payment    struct {
			ClientSecret string `json:"client_secret"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&started); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /v1/checkout = %d: %v", resp.StatusCode, err)
	}
	q := url.Values{"order": {started.Order.ID}, "ot": {started.OrderToken}, "cs": {started.Payment.ClientSecret}, "lang": {"en"}}
	return started.Order.ID, h.host + "/checkout/" + widget + "/pay?" + q.Encode()
}

// TestScriptlessFrameCannotPay is the same publisher framing the pay step
// with scripts off (<iframe sandbox>), where checkout.js cannot guard Pay:
// the form's post is refused, and the order stays unpaid.
func TestScriptlessFrameCannotPay(t *testing.T) {
	t.Parallel()
	order, pay := payStep(t, "wgt_notebook")
	tb := newTab(t)
	tb.do(navigate(publisherPage(t, `<iframe sandbox="allow-forms allow-same-origin" width="460" height="720" src="`+pay+`"></iframe>`)))
	frame := tb.frame()
	if err := chromedp.Do(frame,
		chromedp.SendKeys(chromedp.CSS("#bc-card"), "4242 4242 4242 4242"),
		chromedp.Click(chromedp.CSS("#bc-primary")),
	); err != nil {
		t.Fatal(err)
	}
	// The post replaces the frame's page, which may come as a new target.
	refused := `document.body.textContent.includes('Inside another page this checkout needs JavaScript')`
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if ok, err := chromedp.Run(tb.frame(), chromedp.Evaluate[bool](refused)); err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the framed pay page never said it was refused")
		}
	}
	if got := orderStatus(t, order); got != "pending" {
		t.Errorf("order %s: %s, want pending", order, got)
	}
}
