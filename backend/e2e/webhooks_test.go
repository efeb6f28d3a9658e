package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// hookReceiver is a merchant's own system receiving Buycard's webhooks:
// it counts the requests whose Standard Webhooks signature verifies with
// the secret the console showed, and answers with a bit of HTML, which
// the console must show as text.
type hookReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	signed   int
	unsigned []string
	arrived  chan struct{}
}

// hookAnswer is what the receiver answers.
const hookAnswer = "<b>received</b>"

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{arrived: make(chan struct{}, 10)}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	wh, err := standardwebhooks.NewWebhook(r.secret)
	if err == nil {
		err = wh.Verify(body, req.Header)
	}
	if err != nil {
		r.unsigned = append(r.unsigned, req.Header.Get("webhook-signature")+": "+err.Error())
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	r.signed++
	w.Header().Set("Content-Type", "text/html")
	io.WriteString(w, hookAnswer)
	r.arrived <- struct{}{}
}

func (r *hookReceiver) setSecret(secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = secret
}

// wait waits for the next signed request.
func (r *hookReceiver) wait(t *testing.T) {
	t.Helper()
	select {
	case <-r.arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("no webhook arrived")
	}
}

// TestWebhooksTestEvent: a merchant adds an endpoint of its own systems
// on the Webhooks page, copies its secret, shown once, sends a test
// event, and refreshes the endpoint's deliveries until they show it
// delivered, with what the receiver answered, as text; the receiver got
// it once, signed with that secret.
func TestWebhooksTestEvent(t *testing.T) {
	t.Parallel()
	axeScript(t)
	receiver := newHookReceiver(t)
	merchant, _ := signUp(t, "merchant", "Birchwood Candles")
	visitConsole(t, merchant, "/console/webhooks", `!!document.getElementById('wh-type-order-paid') && !!document.querySelector('main a[href="https://www.standardwebhooks.com"]')`)
	merchant.do(fill("#wh-url", receiver.URL+"/buycard"), fill("#wh-description", "Order sync"), clickCSS(`main form button[type=submit]`))
	waitConsole(t, merchant, `!!document.getElementById('wh-secret') && document.querySelectorAll('.cs-table tbody tr').length === 1 &&
		document.getElementById('wh-url').value === ''`)
	secret := eval[string](t, merchant.ctx, `document.getElementById('wh-secret').value`)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret = %q", secret)
	}
	receiver.setSecret(secret)
	if got := eval[string](t, merchant.ctx, `document.querySelector('.cs-table tbody tr').textContent`); !strings.Contains(got, "Active") || !strings.Contains(got, "order.refunded") {
		t.Errorf("endpoint row = %q", got)
	}

	merchant.do(clickCSS(`button[aria-label^="Send test event to"]`))
	waitConsole(t, merchant, `!!document.querySelector('[aria-labelledby=wh-deliveries-h] button[aria-label^="Refresh"]')`)
	receiver.wait(t)
	refreshDeliveriesUntil(t, merchant, `row.textContent.includes('Succeeded') && row.textContent.includes('test.webhook') && row.textContent.includes('200')`)
	if got, markup := eval[string](t, merchant.ctx, `document.querySelector('.cs-wh-body').textContent`), eval[bool](t, merchant.ctx, `!!document.querySelector('.cs-wh-body b')`); got != hookAnswer || markup {
		t.Errorf("response shown as %q (as markup: %v), want the text %q", got, markup, hookAnswer)
	}
	checkAxeSchemes(t, merchant.ctx, "console /console/webhooks with deliveries")
	merchant.do(chromedp.EmulateViewport(narrowWidth, 844))
	if w := eval[int](t, merchant.ctx, `document.documentElement.scrollWidth`); w > narrowWidth {
		t.Errorf("the page with its deliveries is %d px wide at %d px", w, narrowWidth)
	}
	merchant.do(chromedp.EmulateReset())
	webhookScreenshots(t, merchant)

	// Reloaded, the page no longer shows the secret.
	openConsole(t, merchant, "/console/webhooks")
	if eval[bool](t, merchant.ctx, `!!document.getElementById('wh-secret')`) {
		t.Error("the endpoint's secret is shown again after a reload")
	}
	receiver.mu.Lock()
	if receiver.signed != 1 || len(receiver.unsigned) > 0 {
		t.Errorf("receiver got %d signed requests and these unsigned or badly signed: %q; want 1 signed", receiver.signed, receiver.unsigned)
	}
	receiver.mu.Unlock()
	consoleNoErrors(merchant)
}

// refreshDeliveriesUntil presses Refresh until the first row of the
// deliveries (row, in the JS condition) holds: the attempt is recorded
// once the receiver has answered, which may be after a press.
func refreshDeliveriesUntil(t *testing.T, tb *tab, condition string) {
	t.Helper()
	js := `(() => { const row = document.querySelector('[aria-labelledby=wh-deliveries-h] tbody tr'); return !!row && (` + condition + `) })()`
	deadline := time.Now().Add(20 * time.Second)
	for {
		tb.do(clickCSS(`[aria-labelledby=wh-deliveries-h] button[aria-label^="Refresh"]`))
		ok, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(2*time.Second)))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the deliveries never showed %s:\n%s", condition, eval[string](t, tb.ctx, `document.querySelector('main').innerText`))
		}
	}
}

// webhookScreenshots saves the page at a phone's width and a desktop's,
// whole, in BUYCARD_SCREENSHOTS when it is set.
func webhookScreenshots(t *testing.T, tb *tab) {
	t.Helper()
	dir := os.Getenv("BUYCARD_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, width := range []int64{narrowWidth, 1280} {
		tb.do(chromedp.EmulateViewport(width, 900))
		png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100)) // 100: PNG
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, "webhooks-"+strconv.FormatInt(width, 10)+".png")
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tb.do(chromedp.EmulateReset())
}
