package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// narrowWidth is the narrowest phone the console is laid out for.
const narrowWidth = 390

// fitsNarrowScreen opens each console page in tb at narrowWidth and fails
// when the page is wider than the screen: a page that scrolls sideways
// hides its right edge on a phone. Wide content (charts, tables) must
// scroll inside its own region instead.
func fitsNarrowScreen(t *testing.T, tb *tab, paths ...string) {
	t.Helper()
	tb.do(chromedp.EmulateViewport(narrowWidth, 844))
	defer tb.do(chromedp.EmulateReset())
	for _, path := range paths {
		openConsole(t, tb, path)
		consoleReady(t, tb)
		if w := eval[int](t, tb.ctx, `document.documentElement.scrollWidth`); w > narrowWidth {
			wide := eval[string](t, tb.ctx, `[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('svg')).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).join(', ')`)
			t.Errorf("%s at %d px is %d px wide (widest: %s)", path, narrowWidth, w, wide)
		}
	}
}
