package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/buycard/buycard"
)

// Cards must not move the publisher's page: with the recommended snippet
// each card's box is reserved by the card stylesheet before any script
// runs, so the page lays out once, under a publisher CSP without
// 'unsafe-inline', however late the loader and the card data arrive.

// shiftProbeJS runs in every new document of a tab before the page's own
// scripts (DevTools adds it, so the page's CSP does not apply): it adds up
// the layout shifts no input caused. The sum bounds the page's cumulative
// layout shift from above (Lighthouse and CrUX count the worst session
// window of shifts, a part of it).
const shiftProbeJS = `window.shifts = {cls: 0, n: 0};
new PerformanceObserver((list) => {
	for (const e of list.getEntries()) if (!e.hadRecentInput) shifts.cls += e.value, shifts.n++;
}).observe({type: "layout-shift", buffered: true});`

// maxCLS is DESIGN.md's budget for a publisher page with ten cards.
const maxCLS = 0.01

// strictCSP is a careful publisher's policy: Buycard's origin allowed for
// the card stylesheet, the loader, card data, images and the checkout
// frame, and nothing inline.
func strictCSP() string {
	return "default-src 'self'; script-src 'self' " + h.host + "; style-src 'self' " + h.host + "; img-src 'self' data: " + h.host +
		"; connect-src " + h.host + "; frame-src " + h.host + "; base-uri 'none'; form-action 'none'"
}

// heldTab is a tab whose requests for the loader and for card data wait
// until the test lets them through, so that the page is laid out and
// painted before either answers, as on a slow network.
type heldTab struct {
	*tab
	mu       sync.Mutex
	held     []*fetch.EventRequestPaused
	released []string // a request whose URL contains one of these goes on
}

func newHeldTab(t *testing.T) *heldTab {
	t.Helper()
	ht := &heldTab{tab: newTab(t)}
	if err := chromedp.Listen(ht.ctx, func(ev any) {
		if ev, ok := ev.(*fetch.EventRequestPaused); ok {
			ht.mu.Lock()
			ht.held = append(ht.held, ev)
			ht.mu.Unlock()
			// Commands cannot be sent from inside a listener.
			go ht.letThrough()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ht.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: h.host + "/buycard*.js"}, {URLPattern: h.host + "/v1/cards?*"},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ht.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: shiftProbeJS}); err != nil {
		t.Fatal(err)
	}
	return ht
}

// open navigates to url without waiting for its load event, which the
// held loader delays.
func (ht *heldTab) open(url string) {
	ht.t.Helper()
	ht.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.Navigate, page.NavigateParams{URL: url})
		return err
	}))
}

// release waits until the page has asked for a URL containing what, and
// lets every such request through, now and later.
func (ht *heldTab) release(what string) {
	ht.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !ht.asked(what); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			ht.t.Fatalf("the page never asked for %s", what)
		}
	}
	ht.mu.Lock()
	ht.released = append(ht.released, what)
	ht.mu.Unlock()
	ht.letThrough()
}

// asked reports whether a request containing what is held.
func (ht *heldTab) asked(what string) bool {
	ht.mu.Lock()
	defer ht.mu.Unlock()
	return slices.ContainsFunc(ht.held, func(ev *fetch.EventRequestPaused) bool { return strings.Contains(ev.Request.URL, what) })
}

// letThrough continues the held requests that have been released.
func (ht *heldTab) letThrough() {
	ht.mu.Lock()
	var goOn []*fetch.EventRequestPaused
	ht.held = slices.DeleteFunc(ht.held, func(ev *fetch.EventRequestPaused) bool {
		ok := slices.ContainsFunc(ht.released, func(r string) bool { return strings.Contains(ev.Request.URL, r) })
		if ok {
			goOn = append(goOn, ev)
		}
		return ok
	})
	ht.mu.Unlock()
	for _, ev := range goOn {
		// The tab may have closed with the test: nothing to continue then.
		chromedp.Call(ht.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	}
}

// painted waits until the page has rendered a frame with what it holds
// now.
func painted(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[bool](t, ctx, `new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(true)))))`)
}

// boxHeights returns the heights of the page's card elements, in order.
func boxHeights(t *testing.T, ctx context.Context) []float64 {
	t.Helper()
	return eval[[]float64](t, ctx, `[...document.querySelectorAll('[data-buycard]')].map((e) => e.getBoundingClientRect().height)`)
}

// cardHeight is the height of a card of each layout (card.css: --h, 15 px
// padding and a 1 px border on each side).
var cardHeight = map[string]float64{buycard.LayoutFull: 132, buycard.LayoutCompact: 104}

// shiftCase is one kind of card on the test page.
type shiftCase struct {
	title, image string
	stock        int
}

// newShiftWidgets stores a merchant's products whose cards differ in what
// could change a card's height (a short or very long title, an image or
// none, a note under the price), with a widget of each in each layout:
// ten widgets, full and compact alternating.
func newShiftWidgets(t *testing.T) (widgets, layouts []string) {
	t.Helper()
	ctx := t.Context()
	m := &buycard.Merchant{Name: "Atelier of Unusually Long Merchant Names and Even Longer Product Titles", ChargesEnabled: true}
	must(t, h.main.DB.CreateMerchant(ctx, m))
	long := strings.Repeat("Hand-thrown stoneware serving bowl with an ash glaze ", 3)
	for _, c := range []shiftCase{
		{"Mug", "/web/demo/mug.svg", 5},
		{long, "/web/demo/notebook.svg", 5},
		{long, "", 5},
		{strings.Repeat("Unbreakable", 18), "/web/demo/tee.svg", 5},
		{"Sold-out print", "/web/demo/print.svg", 0},
	} {
		p := &buycard.Product{MerchantID: m.ID, Title: c.title, Currency: "USD", MaxPerOrder: 2, PriceVersion: 1,
			Variants: []buycard.Variant{{Name: "One", Price: 1800, Stock: c.stock}}}
		if c.image != "" {
			p.Image = buycard.Image{URL: c.image, Width: 400, Height: 400, Alt: "Product photo"}
		}
		must(t, h.main.DB.CreateProduct(ctx, p))
		for _, layout := range []string{buycard.LayoutFull, buycard.LayoutCompact} {
			w := &buycard.Widget{MerchantID: m.ID, ProductID: p.ID, CTA: "Buy", Layout: layout}
			must(t, h.main.DB.CreateWidget(ctx, w))
			widgets, layouts = append(widgets, w.ID), append(layouts, layout)
		}
	}
	return widgets, layouts
}

// TestCardsDoNotMoveStrictPage: a publisher whose site sends a strict CSP
// pastes the recommended snippet (GET /v1/embed/snippet) for ten cards,
// full and compact, between posts. A reader opens the page on a phone
// and on a laptop over a slow network: the page is laid out and painted
// with each card's box reserved before the loader arrives, the skeletons
// and then the cards fill those boxes exactly, so nothing moves; and Buy
// works.
func TestCardsDoNotMoveStrictPage(t *testing.T) {
	t.Parallel()
	widgets, layouts := newShiftWidgets(t)
	var body strings.Builder
	for i, w := range widgets {
		fmt.Fprintf(&body, "<p>Post %d: what our readers bought this week.</p>\n%s", i+1, fetchSnippets(t, w, "").Script)
	}
	url := strictPage(t, body.String())
	// The budget's two widths, a small phone and a tablet.
	for _, width := range []int64{320, 412, 768, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			t.Parallel()
			ht := newHeldTab(t)
			ht.do(chromedp.EmulateViewport(width, 900))
			ht.open(url)
			waitFor(t, ht.ctx, `document.readyState !== 'loading'`)
			painted(t, ht.ctx)
			screenshot(t, ht.ctx, fmt.Sprintf("shift-%d-before-loader.png", width))
			reserved := boxHeights(t, ht.ctx)
			for i, got := range reserved {
				if want := cardHeight[layouts[i]]; got != want {
					t.Errorf("before the loader, %s card %d has a %v px box, want %v", layouts[i], i+1, got, want)
				}
			}

			ht.release("/buycard.")
			ht.release("/v1/cards?")
			ht.renderedCards(len(widgets))
			painted(t, ht.ctx)
			screenshot(t, ht.ctx, fmt.Sprintf("shift-%d-cards.png", width))
			if got := boxHeights(t, ht.ctx); fmt.Sprint(got) != fmt.Sprint(reserved) {
				t.Errorf("card heights %v, reserved %v", got, reserved)
			}
			checkShift(t, ht.ctx, width)

			frame := ht.buy(widgets[0])
			if got := text(t, frame, "#bc-title"); got != "Mug" {
				t.Errorf("the overlay shows %q, want the mug", got)
			}
			ht.noErrors()
		})
	}
}

// checkShift fails when the page in ctx has shifted more than maxCLS.
func checkShift(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	cls := eval[float64](t, ctx, `shifts.cls`)
	t.Logf("cumulative layout shift at %d px: %.4f", width, cls)
	if cls > maxCLS {
		t.Errorf("cumulative layout shift %.4f at %d px (%d shifts), want ≤ %v", cls, width, eval[int](t, ctx, `shifts.n`), maxCLS)
	}
}

// strictPage registers a publisher page served with strictCSP, holding
// body and nothing else, and returns its URL.
func strictPage(t *testing.T, body string) string {
	path := "/" + strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	h.pages.Store(path, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>publisher</title><link rel="icon" href="data:,">`+
		`<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>`+body+`</body></html>`)
	h.policies.Store(path, strictCSP())
	return h.site + path
}

// TestDemoFeedDoesNotMove: the demo feed, a publisher page with the
// recommended snippet under a strict CSP, opened on phones and a laptop
// over a slow network, does not move when its cards arrive.
func TestDemoFeedDoesNotMove(t *testing.T) {
	t.Parallel()
	for _, width := range []int64{390, 412, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			t.Parallel()
			ht := newHeldTab(t)
			ht.do(chromedp.EmulateViewport(width, 900))
			ht.open(demoURL())
			waitFor(t, ht.ctx, `document.readyState !== 'loading'`)
			painted(t, ht.ctx)
			screenshot(t, ht.ctx, fmt.Sprintf("demo-%d-before-loader.png", width))
			ht.release("/buycard.")
			ht.release("/v1/cards?")
			ht.renderedCards(demoCards)
			painted(t, ht.ctx)
			screenshot(t, ht.ctx, fmt.Sprintf("demo-%d-cards.png", width))
			checkShift(t, ht.ctx, width)
			ht.noErrors()
		})
	}
}
