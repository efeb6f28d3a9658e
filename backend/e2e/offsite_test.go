package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/buycard/buycard"
)

// TestOffSiteWidget: on a site its allowed domains leave out, a widget's
// card says it is not available there instead of offering Buy; allowed,
// it sells. An overlay whose checkout that site's page may not frame
// (the browser shows its "refused to connect" page inside) still closes
// on Esc: the dialog keeps the focus until the checkout says it loaded.
func TestOffSiteWidget(t *testing.T) {
	t.Parallel()
	p := newDigitalProduct(t, "Glaze chemistry notes")
	elsewhere := &buycard.Widget{MerchantID: p.merchantID, ProductID: p.productID, CTA: "Buy", AllowedDomains: []string{"shop.example"}}
	// The publisher site's host: allowed over http in development.
	here := &buycard.Widget{MerchantID: p.merchantID, ProductID: p.productID, CTA: "Buy", AllowedDomains: []string{"127.0.0.1"}}
	for _, w := range []*buycard.Widget{elsewhere, here} {
		must(t, h.main.DB.CreateWidget(t.Context(), w))
	}
	token := cardToken(t, elsewhere.ID)
	page := publisherPage(t, fmt.Sprintf(`<div data-buycard="%s"></div><div data-buycard="%s"></div>`+
		`<p><a id="open-elsewhere" data-buycard-open="%s" href="%s/p/%s?t=%s">Open its checkout anyway</a></p>`,
		elsewhere.ID, here.ID, elsewhere.ID, h.host, elsewhere.ID, token))
	tb := newTab(t)
	tb.do(chromedp.EmulateViewport(narrowWidth, 844), navigate(page))
	tb.renderedCards(2)
	screenshot(t, tb.ctx, "offsite-cards-390.png")
	if got := eval[string](t, tb.ctx, cardJS(elsewhere.ID)+`.shadowRoot.textContent`); !strings.Contains(got, "Not available on this site") {
		t.Errorf("the card off its allowed sites reads %q", got)
	}
	if !eval[bool](t, tb.ctx, buyJS(elsewhere.ID)+`.disabled`) || eval[bool](t, tb.ctx, buyJS(here.ID)+`.disabled`) {
		t.Error("Buy: want disabled off the allowed sites, enabled on them")
	}

	// A link opens the overlay all the same: the browser refuses the frame.
	tb.do(clickCSS("#open-elsewhere"))
	waitFor(t, tb.ctx, overlayJS+`?.open`)
	tb.watchClose()
	tb.press(kb.Escape)
	tb.closed()
	waitFor(t, tb.ctx, `document.activeElement?.id === 'open-elsewhere'`)
}
