package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The hosted product page is the link fallback: it must work with
// JavaScript turned off.
func TestProductPageWithoutJavaScript(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	tb.do(
		navigate(h.host+"/p/wgt_notebook?pl=plc_feednotebook"),
		chromedp.WaitVisible(chromedp.CSS(".bc-buy")),
	)
	if got := eval[string](t, tb.ctx, `document.querySelector('h1').textContent`); got != "Leather field notebook" {
		t.Errorf("title = %q", got)
	}
	if got := eval[string](t, tb.ctx, `document.body.textContent`); !contains(got, "$24.00") {
		t.Error("the page does not show the price")
	}
	href := eval[string](t, tb.ctx, `document.querySelector('.bc-buy').getAttribute('href')`)
	if !contains(href, "/checkout/wgt_notebook?t=") {
		t.Errorf("Buy link = %q", href)
	}
}

// The hosted product page runs under a CSP as strict as the checkout's:
// its loader still turns the Buy link into the overlay, with no
// violation (the browser reports each as a console error).
func TestProductPageOverlayUnderItsCSP(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.do(navigate(h.host + "/p/wgt_notebook?pl=plc_feednotebook"))
	waitFor(t, tb.ctx, `!!window.Buycard`)
	tb.do(clickCSS(".bc-buy"))
	waitFor(t, tb.ctx, overlayJS+`?.open`)
	// The overlay's page is of this origin: read it through the frame.
	const title = overlayJS + `.querySelector('iframe').contentDocument?.querySelector('#bc-title')?.textContent`
	waitFor(t, tb.ctx, title+` === 'Leather field notebook'`)
	tb.noErrors()
}
