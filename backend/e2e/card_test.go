package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// demoCards is how many cards the demo feed shows: five embedded cards and
// one product link the loader upgrades.
const demoCards = 6

func TestDemoRendersCardsInShadowRoots(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.do(navigate(demoURL()))
	tb.renderedCards(demoCards)

	cards := eval[[]renderedCard](t, tb.ctx, `[...document.querySelectorAll('[data-buycard]')].map(e => {
		const c = e.shadowRoot.querySelector('.bc-card');
		return {Widget: e.dataset.buycard, State: c.dataset.state, Shadow: !!e.shadowRoot,
			Price: c.querySelector('.bc-price').textContent, Text: c.textContent,
			Disabled: c.querySelector('.bc-buy').disabled};
	})`)
	want := map[string]string{
		"wgt_notebook": "$24.00", "wgt_tee": "From $28.00", "wgt_matcha": "¥4,800",
		"wgt_oud": "KWD\u00a012.500", "wgt_print": "$60.00", "wgt_mug": "€34.00",
	}
	for _, c := range cards {
		if !c.Shadow || c.Price != want[c.Widget] {
			t.Errorf("%s: price %q, want %q (shadow root %v)", c.Widget, c.Price, want[c.Widget], c.Shadow)
		}
		notBuyable := c.Widget == "wgt_print" || c.Widget == "wgt_mug"
		if c.Disabled != notBuyable {
			t.Errorf("%s: Buy disabled = %v", c.Widget, c.Disabled)
		}
	}
	if len(cards) != demoCards {
		t.Errorf("%d cards, want %d", len(cards), demoCards)
	}
	if !strings.Contains(cardText(cards, "wgt_print"), "Sold out") || !strings.Contains(cardText(cards, "wgt_mug"), "Not available") {
		t.Error("sold-out and unavailable cards must say so")
	}
	// The host page's CSS does not reach into the card, and ours does not leak out.
	if got := eval[int](t, tb.ctx, `document.querySelectorAll('.bc-card').length`); got != 0 {
		t.Errorf("%d card elements in the light DOM, want 0", got)
	}
	if n := tb.count("/v1/cards"); n != 1 {
		t.Errorf("%d card-data requests, want 1", n)
	}
	if n := tb.count(".wasm"); n != 0 {
		t.Errorf("%d WASM requests before any intent, want 0", n)
	}
	tb.noErrors()
}

// renderedCard is what a test reads of a card in the page.
type renderedCard struct {
	Widget, State, Price, Text string
	Disabled, Shadow           bool
}

func cardText(cards []renderedCard, widget string) string {
	for _, c := range cards {
		if c.Widget == widget {
			return c.Text
		}
	}
	return ""
}

func TestCardAddedAfterLoadRenders(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.do(navigate(demoURL()))
	tb.renderedCards(demoCards)
	tb.do(clickCSS("#load-more"))
	tb.renderedCards(demoCards + 1)

	// Single-page apps can also ask for a scan.
	eval[bool](t, tb.ctx, `(() => { const d = document.createElement('div'); d.dataset.buycard = 'wgt_matcha';
		document.body.append(d); window.Buycard.scan(); return true })()`)
	tb.renderedCards(demoCards + 2)
	tb.noErrors()
}

func TestFiftyCardsMakeOneRequest(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	widgets := []string{"wgt_notebook", "wgt_tee", "wgt_matcha", "wgt_oud", "wgt_print"}
	for i := range 50 {
		fmt.Fprintf(&b, `<p>Post %d</p><div data-buycard="%s"></div>`, i, widgets[i%len(widgets)])
	}
	tb := newTab(t)
	tb.do(navigate(publisherPage(t, b.String())))
	tb.renderedCards(50)
	if n := tb.count("/v1/cards"); n != 1 {
		t.Errorf("%d card-data requests for 50 cards, want 1", n)
	}
	// The box the loader reserves before the data comes is the card's box,
	// so filling it shifts nothing.
	if !eval[bool](t, tb.ctx, skeletonMatchesCardJS) {
		t.Error("a card is not the height of the skeleton that reserved its box")
	}
	tb.noErrors()
}

// skeletonMatchesCardJS renders the loader's skeleton with the loader's
// own stylesheet beside the first card and compares their boxes.
const skeletonMatchesCardJS = `(() => {
	const card = document.querySelector('[data-buycard]');
	const probe = document.createElement('div');
	card.after(probe);
	const root = probe.attachShadow({mode: 'open'});
	root.adoptedStyleSheets = card.shadowRoot.adoptedStyleSheets;
	root.innerHTML = '<div class="bc-card bc-skeleton"></div>';
	const a = card.getBoundingClientRect(), b = probe.getBoundingClientRect();
	probe.remove();
	return a.height > 0 && a.height === b.height && a.width === b.width;
})()`

func TestUnknownWidgetRendersNothingAndWarnsOnce(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.do(navigate(publisherPage(t, `<div data-buycard="wgt_doesnotexist"></div><div data-buycard="wgt_notebook"></div>`)))
	tb.renderedCards(1)
	waitFor(t, tb.ctx, cardJS("wgt_doesnotexist")+`.shadowRoot.childElementCount === 0`)
	tb.mu.Lock()
	warnings := strings.Join(tb.warnings, "\n")
	tb.mu.Unlock()
	if strings.Count(warnings, "\n") != 0 || !strings.Contains(warnings, "wgt_doesnotexist") {
		t.Errorf("warnings = %q, want exactly one naming wgt_doesnotexist", warnings)
	}
	tb.noErrors()
}
