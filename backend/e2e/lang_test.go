package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// speak makes tb's browser read lang: navigator.language, which the
// loader passes on to the cards and the checkout, and Accept-Language.
func speak(t *testing.T, tb *tab, lang string) {
	t.Helper()
	tb.do(navigate("about:blank"))
	ua := eval[string](t, tb.ctx, `navigator.userAgent`)
	if _, err := chromedp.Call(tb.ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: lang}); err != nil {
		t.Fatal(err)
	}
}

// fitsWidth fails when the document ctx shows is wider than its window:
// a long word that does not wrap pushes the checkout sideways on a phone.
func fitsWidth(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	if wide := eval[string](t, ctx, `[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
		.slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + e.textContent.slice(0, 40)).join(' | ')`); wide != "" {
		t.Errorf("%s overflows %d px: %s", what, narrowWidth, wide)
	}
}

// TestGermanShopperBuysAMug: a shopper whose browser reads German sees the
// card in German, and the whole checkout — choose, details with the
// address, payment, receipt — speaks German on a 390 px phone, passes
// axe in German, and the order remembers German for the receipt email
// and the order page the receipt links to.
func TestGermanShopperBuysAMug(t *testing.T) {
	t.Parallel()
	shared(t, &paidOrdersLock)
	openMugShop(t)
	tb := newTab(t)
	speak(t, tb, "de-DE")
	tb.do(chromedp.EmulateViewport(narrowWidth, 844))
	tb.do(navigate(publisherPage(t, `<main><div data-buycard="`+mugWidget+`"></div></main>`)))
	tb.renderedCards(1)
	frame := tb.buy(mugWidget)
	appReady(t, frame)
	if got := eval[string](t, frame, `document.documentElement.lang + ' | ' + document.querySelector('.bc-qty label').textContent + ' | ' + document.querySelector('#bc-primary').textContent`); got != "de-DE | Menge | Weiter" {
		t.Errorf("choose step = %q, want German", got)
	}
	checkAxe(t, frame, "the German choose step")
	clickIn(t, frame, `.bc-adjust[aria-label="Menge erhöhen"]`)
	clickIn(t, frame, "#bc-primary") // Weiter
	waitFor(t, frame, `document.activeElement?.id === 'bc-step-title' && !!document.querySelector('.bc-breakdown')`)
	typeInto(t, frame, "#bc-f-email", "ann@example.com", "#bc-f-name", "Ann Lee",
		"#bc-f-line1", "1 Main St", "#bc-f-city", "New York", "#bc-f-postal_code", "10001")
	selectOption(t, frame, "#bc-f-region", "NY")
	waitFor(t, frame, `!!document.querySelector('input[name=shipping_rate_id]:checked')`)
	if got := text(t, frame, "#bc-step-title"); got != "Ihre Angaben" {
		t.Errorf("details title = %q", got)
	}
	wantBreakdown(t, frame, "German details", "Zwischensumme 39,98\u00a0$", "Versand (Standard) 4,50\u00a0$", "MwSt. 3,95\u00a0$", "Gesamt 48,43\u00a0$")
	// A code the shop does not have: the API refuses it in German.
	typeInto(t, frame, "#bc-f-discount_code", "nope")
	clickIn(t, frame, ".bc-apply")
	waitFor(t, frame, `document.querySelector('#bc-f-discount_code-error')?.textContent === 'Dieser Rabattcode ist ungültig.'`)
	screenshot(t, tb.ctx, "code-refused-de-390.png")
	eval[bool](t, frame, `(c => (c.value = '', ['input', 'change'].forEach(e => c.dispatchEvent(new Event(e, {bubbles: true}))), true))(document.querySelector('#bc-f-discount_code'))`)
	checkAxe(t, frame, "the German details step")
	fitsWidth(t, frame, "the German details step")
	screenshot(t, tb.ctx, "details-de-390.png")

	clickIn(t, frame, "#bc-primary") // Weiter zur Zahlung
	waitFor(t, frame, `!!document.querySelector('[data-card="4242 4242 4242 4242"]')`)
	if got := text(t, frame, "#bc-primary"); got != "48,43\u00a0$ bezahlen" {
		t.Errorf("pay button = %q", got)
	}
	checkAxe(t, frame, "the German payment step")
	fitsWidth(t, frame, "the German payment step")
	screenshot(t, tb.ctx, "pay-de-390.png")
	clickIn(t, frame, `[data-card="4242 4242 4242 4242"]`)
	clickIn(t, frame, "#bc-primary") // bezahlen
	waitFor(t, frame, `document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
	if got := text(t, frame, "#bc-step-title"); got != "Vielen Dank! Ihre Bestellung ist bestätigt." {
		t.Errorf("receipt title = %q", got)
	}
	checkAxe(t, frame, "the German receipt")
	fitsWidth(t, frame, "the German receipt")
	screenshot(t, tb.ctx, "receipt-de-390.png")
	var lang string
	queryDB(t, `SELECT lang FROM orders WHERE number = ?`, []any{text(t, frame, ".bc-order-number-value")}, &lang)
	if lang != "de" {
		t.Errorf("order lang = %q, want de", lang)
	}
	tb.noErrors()
	followOrderPageLink(t, frame, "Gesamt 48,43 $") // innerText, spaces collapsed
}
