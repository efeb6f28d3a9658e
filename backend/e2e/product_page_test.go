package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The hosted product page is the link fallback: it must work with
// JavaScript turned off.
func TestProductPageWithoutJavaScript(t *testing.T) {
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
