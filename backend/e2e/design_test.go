package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/buycard/buycard"
)

// The checkout wears the merchant's design: a studio designs three
// widgets, a bright yellow one with square corners that follows the
// shopper's scheme, a near-black round one that is always dark and a blue
// one that is always light. The overlay, the popup, the product page and
// the order page of each wear its colour on their buttons, links and
// focus rings, its corners and its scheme, and stay readable (axe finds
// nothing) in the shopper's light and dark schemes, however little the
// merchant's colour contrasts with the page.

// designCase is a designed widget and how its pages must draw it.
type designCase struct {
	name   string
	design buycard.Design
	// button and label are the primary button's background and text;
	// light and dark are the link colour on a light and a dark page.
	button, label, light, dark string
}

var designCases = []designCase{
	{"yellow", buycard.Design{ThemeColor: "#ffff00", CornerRadius: 0, ColorScheme: buycard.SchemeAuto}, "#ffff00", "#000000", "#0f1419", "#ffff00"},
	{"near-black", buycard.Design{ThemeColor: "#111111", CornerRadius: 24, ColorScheme: buycard.SchemeDark}, "#111111", "#ffffff", "#111111", "#e7e9ea"},
	{"blue", buycard.Design{ThemeColor: "#1d4ed8", CornerRadius: 6, ColorScheme: buycard.SchemeLight}, "#1d4ed8", "#ffffff", "#1d4ed8", "#e7e9ea"},
}

// newDesignedProduct is newDigitalProduct with its widget designed.
func newDesignedProduct(t *testing.T, title string, d buycard.Design) digitalProduct {
	t.Helper()
	p := newDigitalProduct(t, title)
	w, err := h.main.DB.FindWidget(t.Context(), p.widgetID)
	must(t, err)
	w.ThemeColor, w.CornerRadius, w.ColorScheme = d.ThemeColor, d.CornerRadius, d.ColorScheme
	must(t, h.main.DB.UpdateWidget(t.Context(), w))
	return p
}

func TestCheckoutWearsTheDesign(t *testing.T) {
	t.Parallel()
	axeScript(t)
	products := make([]digitalProduct, len(designCases))
	cards := ""
	for i, c := range designCases {
		products[i] = newDesignedProduct(t, "Print, "+c.name, c.design)
		cards += `<div data-buycard="` + products[i].widgetID + `"></div>`
	}

	t.Run("overlay", func(t *testing.T) {
		t.Parallel()
		tb := newTab(t)
		tb.do(navigate(publisherPage(t, `<main>`+cards+`</main>`)))
		tb.renderedCards(len(designCases))
		// One overlay for the page: each Buy opens it on another offer, and
		// it changes its design with the offer.
		for i, c := range designCases {
			frame := tb.buy(products[i].widgetID)
			appReady(t, frame)
			wantDesign(t, frame, "the overlay", c, "#bc-primary")
			if n := eval[int](t, frame, `document.querySelectorAll('head > link#bc-design').length`); n != 1 {
				t.Errorf("the overlay of the %s design has %d design links in its head, want 1", c.name, n)
			}
			checkAxeSchemes(t, frame, "the overlay, "+c.name)
			shotSchemes(t, tb.ctx, frame, "design-overlay-"+c.name)
			tb.watchClose()
			clickIn(t, frame, ".bc-close")
			tb.closed()
		}
	})

	for i, c := range designCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			shared(t, &paidOrdersLock) // it buys
			tb := newTab(t)
			widget := products[i].widgetID
			tb.do(navigate(h.host + "/checkout/" + widget + "/popup?t=" + url.QueryEscape(cardToken(t, widget))))
			waitFor(t, tb.ctx, `!!document.querySelector('#bc-primary')`)
			wantDesign(t, tb.ctx, "the popup", c, "#bc-primary")
			checkAxeSchemes(t, tb.ctx, "the popup, "+c.name)
			shotSchemes(t, tb.ctx, tb.ctx, "design-popup-"+c.name)

			tb.do(navigate(h.host + "/p/" + widget))
			wantDesign(t, tb.ctx, "the product page", c, ".bc-buy")
			checkAxeSchemes(t, tb.ctx, "the product page, "+c.name)
			shotSchemes(t, tb.ctx, tb.ctx, "design-product-"+c.name)

			page := buyDigital(t, tb, widget, true)
			tb.do(navigate(page), chromedp.WaitVisible(chromedp.CSS(".bc-download, .bc-keys, .bc-breakdown")))
			wantDesign(t, tb.ctx, "the order page", c, "")
			checkAxeSchemes(t, tb.ctx, "the order page, "+c.name)
			shotSchemes(t, tb.ctx, tb.ctx, "design-order-"+c.name)
		})
	}
}

// wantDesign checks the page in ctx against c, in the light and the dark
// scheme: button (a selector, "" for a page without one) in the theme
// colour with its label colour and the design's corners, and links in
// the accent of the page's scheme, which the design's own scheme fixes.
func wantDesign(t *testing.T, ctx context.Context, what string, c designCase, button string) {
	t.Helper()
	defer setColorScheme(t, ctx, "")
	for _, scheme := range []string{"light", "dark"} {
		setColorScheme(t, ctx, scheme)
		if c.design.ColorScheme != buycard.SchemeAuto {
			scheme = c.design.ColorScheme
		}
		link := map[string]string{"light": c.light, "dark": c.dark}[scheme]
		got := eval[[]string](t, ctx, `(() => {
			const a = document.createElement('a'); a.href = '#'; document.body.append(a);
			const sel = '`+button+`', b = (sel && document.querySelector(sel)) || a, s = getComputedStyle(b);
			const r = [s.backgroundColor, s.color, s.borderTopLeftRadius, getComputedStyle(a).color];
			a.remove(); return r;
		})()`)
		want := []string{rgb(c.button), rgb(c.label), "", rgb(link)}
		if button == "" {
			got, want = got[3:], want[3:]
		} else {
			radius := c.design.CornerRadius * 2 // buttons round at twice the design's radius
			want[2] = strconv.Itoa(radius) + "px"
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s of the %s design, %s: button and link %v, want %v", what, c.name, scheme, got, want)
		}
	}
}

// rgb is "#rrggbb" as getComputedStyle writes it.
func rgb(hex string) string {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	return fmt.Sprintf("rgb(%d, %d, %d)", v>>16, v>>8&0xff, v&0xff)
}

// shotSchemes saves what tab shows at a phone's width and a desktop's, in
// the light and the dark scheme (emulated in page and in frame, which
// may be the overlay's), when BUYCARD_SCREENSHOTS is set.
func shotSchemes(t *testing.T, tab, frame context.Context, name string) {
	t.Helper()
	if os.Getenv("BUYCARD_SCREENSHOTS") == "" {
		return
	}
	for _, scheme := range []string{"light", "dark"} {
		setColorScheme(t, tab, scheme)
		setColorScheme(t, frame, scheme)
		for _, width := range []int64{narrowWidth, 1280} {
			if _, err := chromedp.Run(tab, chromedp.EmulateViewport(width, 844)); err != nil {
				t.Fatal(err)
			}
			// The overlay's frame lays itself out again a frame or two later.
			const frames = `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`
			for _, ctx := range []context.Context{tab, frame} {
				if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](frames, chromedp.EvalAwaitPromise)); err != nil {
					t.Fatal(err)
				}
			}
			screenshot(t, tab, fmt.Sprintf("%s-%s-%d.png", name, scheme, width))
		}
	}
	setColorScheme(t, tab, "")
	setColorScheme(t, frame, "")
	if _, err := chromedp.Run(tab, chromedp.EmulateReset()); err != nil {
		t.Fatal(err)
	}
}
