package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
)

// A shopper goes on to payment for a perfume, then closes the overlay:
// the unit the order held is back on sale at once, not in half an hour.
// Back in the overlay, the shopper pays after all; then, with another
// order open, leaves the page: that order goes too.
func TestClosingTheCheckoutReleasesTheOrder(t *testing.T) {
	t.Parallel()
	shared(t, &paidOrdersLock)
	exclusive(t, &oudStockLock)
	tb := openDemo(t)
	before := oudStock(t)

	// Pay step: the order holds one unit.
	frame := tb.buy("wgt_oud")
	appReady(t, frame)
	clickIn(t, frame, "#bc-primary") // Continue
	enterDetails(t, frame)
	waitFor(t, frame, `document.querySelector('[data-card="4242 4242 4242 4242"]')`)
	first := newestOudOrder(t)
	if first.status != "pending" || oudStock(t) != before-1 {
		t.Fatalf("after Continue: order %+v, stock %d; want pending, %d", first, oudStock(t), before-1)
	}

	// Esc closes the overlay, which releases the order.
	tb.press(kb.Escape)
	waitFor(t, tb.ctx, `!`+overlayJS+`.open`)
	eventually(t, "the closed overlay's order is canceled and its unit back", func() bool {
		return orderStatus(t, first.id) == "canceled" && oudStock(t) == before
	})

	// Open again: a new order, which the shopper pays.
	frame = tb.buy("wgt_oud")
	clickIn(t, frame, "#bc-primary") // Continue
	enterDetails(t, frame)
	waitFor(t, frame, `document.querySelector('[data-card="4242 4242 4242 4242"]')`)
	clickIn(t, frame, `[data-card="4242 4242 4242 4242"]`)
	clickIn(t, frame, "#bc-primary") // Pay
	waitFor(t, frame, `document.querySelector('.bc-order-number-value')`)
	if paid := newestOudOrder(t); paid.id == first.id || paid.status != "paid" || oudStock(t) != before-1 {
		t.Fatalf("after paying: order %+v, stock %d; want a new paid order, %d", paid, oudStock(t), before-1)
	}
	clickIn(t, frame, "#bc-primary") // Done
	waitFor(t, tb.ctx, `!`+overlayJS+`.open`)

	// A third order, left open when the shopper leaves the page.
	frame = tb.buy("wgt_oud")
	clickIn(t, frame, "#bc-primary") // Continue
	enterDetails(t, frame)
	waitFor(t, frame, `document.querySelector('[data-card="4242 4242 4242 4242"]')`)
	left := newestOudOrder(t)
	tb.do(navigate("about:blank"))
	eventually(t, "the order of the page left is canceled and its unit back", func() bool {
		return orderStatus(t, left.id) == "canceled" && oudStock(t) == before-1
	})
	tb.noErrors()
}

// oudStock is the perfume's stock in the server's database.
func oudStock(t *testing.T) int {
	t.Helper()
	var n int
	queryDB(t, `SELECT stock FROM variants WHERE product_id = 'prd_oud'`, nil, &n)
	return n
}

type orderRow struct{ id, status string }

// newestOudOrder is the perfume's latest order.
func newestOudOrder(t *testing.T) orderRow {
	t.Helper()
	var o orderRow
	queryDB(t, `SELECT id, status FROM orders WHERE product_id = 'prd_oud' ORDER BY created_at DESC LIMIT 1`, nil, &o.id, &o.status)
	return o
}

// eventually waits, up to 10 s, until done reports true: the server acts
// on the page's requests on its own time.
func eventually(t *testing.T, what string, done func() bool) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !done() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}
