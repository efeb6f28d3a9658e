package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// pageRun is what one cold load of a publisher page measured.
type pageRun struct {
	pageBytes, buycardBytes, wasmBytes float64
	buycardRequests, cardRequests      int
	first, all                         float64 // ms from navigation start
}

// loadPage loads url in a fresh browser context (empty cache), waits for
// all its cards and its requests, and reads the figures. No pointer moves,
// so there is no Buy intent.
func loadPage(b *browser, host, url string) (pageRun, error) {
	t, err := newTab(b.ctx, nil, chromedp.WithNewBrowserContext())
	if err != nil {
		return pageRun{}, err
	}
	defer t.close()
	if err := t.navigate(url); err != nil {
		return pageRun{}, err
	}
	all, err := poll[float64](t.ctx, "bench.all", 30*time.Second)
	if err != nil {
		return pageRun{}, err
	}
	first, err := eval[float64](t.ctx, "bench.first")
	if err != nil {
		return pageRun{}, err
	}
	if err := t.settled(onWire); err != nil {
		return pageRun{}, err
	}
	fromHost := func(r *request) bool { return onWire(r) && strings.HasPrefix(r.url, host+"/") }
	run := pageRun{
		pageBytes:       t.traffic(onWire).bytes,
		buycardBytes:    t.traffic(fromHost).bytes,
		buycardRequests: t.traffic(fromHost).requests,
		cardRequests:    t.traffic(func(r *request) bool { return strings.HasPrefix(r.url, host+"/v1/cards") }).requests,
		wasmBytes:       t.traffic(func(r *request) bool { return strings.Contains(r.url, ".wasm") }).bytes,
		first:           first, all: all,
	}
	return run, t.err()
}

// onWire is an HTTP request that is not an image: what page weight counts.
func onWire(r *request) bool {
	return strings.HasPrefix(r.url, "http") && r.typ != "Image"
}

const staticBaseline = "the same card HTML written into the page as static `<div>`s, with the card CSS in one `<style>`"

// pageCase is one card count with its Buycard and static pages.
type pageCase struct {
	cards                int
	buycardURL, baseURL  string
	buycardRuns, baseRun []pageRun
}

// measurePages loads each page size cold, Buycard and its static baseline
// alternately, and returns the page-weight and paint sections.
func measurePages(ctx context.Context, b *browser, e *env, counts []int, runs int) (weight, paint Section) {
	weight = Section{Title: "Publisher page weight before any tap", Baseline: staticBaseline, Notes: weightNotes()}
	paint = Section{Title: "Cards painted, from navigation start", Baseline: staticBaseline, Notes: paintNotes()}
	for _, n := range counts {
		c, err := runPageCase(ctx, b, e, n, runs)
		if err != nil {
			weight.Err, paint.Err = err, err
			return weight, paint
		}
		weight.Rows = append(weight.Rows, c.weightRows()...)
		paint.Rows = append(paint.Rows, c.paintRows()...)
	}
	return weight, paint
}

func runPageCase(ctx context.Context, b *browser, e *env, n, runs int) (*pageCase, error) {
	widgets := e.widgets[:n]
	html, err := e.cardHTML(ctx, widgets)
	if err != nil {
		return nil, err
	}
	c := &pageCase{
		cards:      n,
		buycardURL: e.addPage(fmt.Sprintf("cards-%d", n), buycardPage(e.host, widgets)),
		baseURL:    e.addPage(fmt.Sprintf("static-%d", n), staticPage(html, "")),
	}
	for range runs {
		r, err := loadPage(b, e.host, c.buycardURL)
		if err != nil {
			return nil, fmt.Errorf("%d cards: %w", n, err)
		}
		c.buycardRuns = append(c.buycardRuns, r)
		if r, err = loadPage(b, e.host, c.baseURL); err != nil {
			return nil, fmt.Errorf("%d static cards: %w", n, err)
		}
		c.baseRun = append(c.baseRun, r)
	}
	return c, nil
}

func (c *pageCase) weightRows() []Row {
	nan := math.NaN()
	bc := func(f func(pageRun) float64) float64 { return medianOf(c.buycardRuns, f) }
	label := func(s string) string { return fmt.Sprintf("%s: %s", plural(c.cards, "card"), s) }
	rows := []Row{
		{What: label("whole page on the wire (document + Buycard)"), Unit: bytesUnit,
			Buycard: bc(func(r pageRun) float64 { return r.pageBytes }), Baseline: medianOf(c.baseRun, func(r pageRun) float64 { return r.pageBytes })},
		{What: label("from Buycard (loader + card data)"), Unit: bytesUnit, Buycard: bc(func(r pageRun) float64 { return r.buycardBytes }), Baseline: nan},
		{What: label("requests to Buycard"), Unit: countUnit, Buycard: bc(func(r pageRun) float64 { return float64(r.buycardRequests) }), Baseline: nan},
		{What: label("card-data requests"), Unit: countUnit, Buycard: bc(func(r pageRun) float64 { return float64(r.cardRequests) }), Baseline: nan, Budget: exactly(1, "= 1")},
		{What: label("WASM bytes before Buy intent"), Unit: bytesUnit, Buycard: bc(func(r pageRun) float64 { return r.wasmBytes }), Baseline: nan, Budget: exactly(0, "= 0")},
	}
	if c.cards == 10 {
		rows[1].Budget = atMost(10*1024, "≤ 10,240 B")
	}
	return rows
}

func (c *pageCase) paintRows() []Row {
	label := func(s string) string { return fmt.Sprintf("%s: %s", plural(c.cards, "card"), s) }
	first := func(r pageRun) float64 { return r.first }
	all := func(r pageRun) float64 { return r.all }
	return []Row{
		{What: label("first card painted"), Unit: msUnit, Buycard: medianOf(c.buycardRuns, first), Baseline: medianOf(c.baseRun, first)},
		{What: label("all cards painted"), Unit: msUnit, Buycard: medianOf(c.buycardRuns, all), Baseline: medianOf(c.baseRun, all)},
	}
}

func weightNotes() []string {
	return []string{
		"Each run loads the page in a new browser context (empty cache), on loopback at full speed, and never moves the pointer: " +
			"no Buy intent. Bytes are Chromium's `encodedDataLength` of every finished HTTP request, headers included, of the page and " +
			"of any frame it started (there are none before intent); images are left out (the cards' product images are the publisher's " +
			"choice and lazy). The publisher page is gzipped by its server. \"10 KB\" is read as 10,240 bytes. The baseline's card HTML " +
			"comes from `/v1/cards`: it is what the cards cost with no embed at all.",
	}
}

func paintNotes() []string {
	return []string{
		"Same runs as the page weight. A probe script first in the page's `<head>` checks on every animation frame how many cards " +
			"are in the DOM (Buycard: shadow roots holding a rendered `.bc-card`, not the skeleton); a card counts as painted at the " +
			"task right after the first frame that held it, when that frame's rendering has run. Times are `performance.now()`, " +
			"from navigation start.",
	}
}
