package main

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/buycard/buycard/storefront"
)

// probeJS runs first in every publisher page. It adds up the layout
// shifts no input caused (the page's cumulative layout shift, cls), and
// records when the first and the last of __WANT__ cards were painted (performance.now(), so from
// navigation start) and when a pointer went down (on the shared clock
// performance.timeOrigin + now, comparable with the overlay's). A card is
// painted at the task after the animation frame that first found it in
// the DOM: that frame's rendering, paint included, has run by then.
const probeJS = `(() => {
const b = window.bench = {first: 0, all: 0, tapAt: 0, cls: 0};
new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) b.cls += e.value; }).observe({type: "layout-shift", buffered: true});
document.addEventListener("pointerdown", () => b.tapAt ||= performance.timeOrigin + performance.now(), {capture: true});
const count = () => __COUNT__;
let seen = false;
const tick = () => {
const n = count();
if (n > 0 && !seen) { seen = true; setTimeout(() => b.first = performance.now()); }
if (n >= __WANT__) return setTimeout(() => b.all = performance.now());
requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
})();`

// Card counters for probeJS: cards the loader rendered into shadow roots,
// and static cards in the page itself.
const (
	countBuycardJS = `[...document.querySelectorAll("[data-buycard]")].filter((e) => e.shadowRoot?.querySelector(".bc-card:not(.bc-skeleton)")).length`
	countStaticJS  = `document.querySelectorAll(".bench-card .bc-card").length`
)

// staticOverlayJS opens the baseline overlay: the hosted product page (a
// static, server-rendered page with product and price) in a cross-site
// iframe in a <dialog>, loaded on pointerdown as Buycard's loader loads
// its overlay on pointerover, and shown on click.
const staticOverlayJS = `(() => {
const d = document.getElementById("bench-overlay"), f = d.querySelector("iframe");
document.addEventListener("pointerdown", (e) => e.target.closest(".bc-buy") && !f.src && (f.src = "__SRC__"));
document.addEventListener("click", (e) => e.target.closest(".bc-buy") && (e.preventDefault(), d.showModal()));
})();`

const staticOverlayCSS = `dialog{width:460px;height:720px;padding:0;border:0}iframe{width:100%;height:100%;border:0}`

// pageShell is the publisher page around the cards: the same for Buycard
// and its baselines.
func pageShell(head, body string) string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The Daily Scroll</title><link rel="icon" href="data:,">` +
		head + `</head><body>` + body + `</body></html>`
}

func probe(count string, want int) string {
	js := strings.NewReplacer("__COUNT__", count, "__WANT__", strconv.Itoa(want)).Replace(probeJS)
	return "<script>" + js + "</script>"
}

// posts lays out one card per feed post.
func posts(cards []string) string {
	var b strings.Builder
	for i, c := range cards {
		fmt.Fprintf(&b, "<p>Post %d</p>%s", i+1, c)
	}
	return b.String()
}

// buycardPage embeds widgets with Buycard's recommended snippet: the card
// stylesheet, which reserves the cards' boxes, and the loader.
func buycardPage(host string, widgets []string) string {
	return snippetPage(`<link rel="stylesheet" href="`+host+`/buycard.css">`, host, widgets)
}

// scriptOnlyPage embeds widgets with the snippet published before the card
// stylesheet: the loader and the card elements alone.
func scriptOnlyPage(host string, widgets []string) string {
	return snippetPage("", host, widgets)
}

func snippetPage(stylesheet, host string, widgets []string) string {
	divs := make([]string, len(widgets))
	for i, w := range widgets {
		divs[i] = fmt.Sprintf(`<div data-buycard="%s"></div>`, html.EscapeString(w))
	}
	head := probe(countBuycardJS, len(widgets)) + stylesheet + `<script async src="` + host + `/buycard.js"></script>`
	return pageShell(head, posts(divs))
}

// staticPage is the baseline: the same card HTML written into the page as
// plain divs, styled by one <style> with the card CSS. overlaySrc, when
// set, adds the baseline overlay.
func staticPage(cardHTML []string, overlaySrc string) string {
	divs := make([]string, len(cardHTML))
	for i, c := range cardHTML {
		divs[i] = `<div class="bench-card">` + c + `</div>`
	}
	head := probe(countStaticJS, len(cardHTML)) + "<style>" + storefront.CardCSS + "</style>"
	body := posts(divs)
	if overlaySrc != "" {
		head += "<style>" + staticOverlayCSS + "</style>"
		body += `<dialog id="bench-overlay"><iframe title="Checkout"></iframe></dialog><script>` +
			strings.ReplaceAll(staticOverlayJS, "__SRC__", overlaySrc) + `</script>`
	}
	return pageShell(head, body)
}

// cardHTML fetches the server-rendered HTML of widgets' cards, in order.
func (e *env) cardHTML(ctx context.Context, widgets []string) ([]string, error) {
	var data struct {
		Cards map[string]struct{ HTML string } `json:"cards"`
	}
	if err := e.getJSON(ctx, "/v1/cards?lang=en-US&ids="+strings.Join(widgets, ","), &data); err != nil {
		return nil, err
	}
	out := make([]string, len(widgets))
	for i, w := range widgets {
		if out[i] = data.Cards[w].HTML; out[i] == "" {
			return nil, fmt.Errorf("no card HTML for %s", w)
		}
	}
	return out, nil
}
