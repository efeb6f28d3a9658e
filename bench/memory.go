package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"
)

// memoryRun is one page's memory in a browser of its own.
type memoryRun struct {
	browserPSS float64            // the whole Chromium process tree
	metrics    map[string]float64 // the page's Performance.getMetrics
}

// memoryOnce starts a Chromium for this page alone, loads url, waits for
// its cards and a quiet second, collects garbage, and reads the memory.
func memoryOnce(chrome, dir, url string) (memoryRun, error) {
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserFlags(chrome, dir)...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, time.Minute)
	defer cancelTimeout()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return memoryRun{}, err
	}
	if _, err := poll[float64](ctx, "bench.all", 30*time.Second); err != nil {
		return memoryRun{}, err
	}
	if _, err := chromedp.Call(ctx, performance.Enable, performance.EnableParams{}); err != nil {
		return memoryRun{}, err
	}
	time.Sleep(time.Second)
	if _, err := chromedp.Call(ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		return memoryRun{}, err
	}
	time.Sleep(300 * time.Millisecond)
	res, err := chromedp.Call(ctx, performance.GetMetrics, cdp.Empty{})
	if err != nil {
		return memoryRun{}, err
	}
	run := memoryRun{metrics: map[string]float64{}}
	for _, m := range res.Metrics {
		run.metrics[m.Name] = m.Value
	}
	run.browserPSS, err = processTreePSS(chromedp.FromContext(ctx).Browser.Process().Pid)
	return run, err
}

// measureMemory compares the 50-card page with its static baseline, each
// run in a fresh browser, alternately.
func measureMemory(ctx context.Context, e *env, chrome, tmp string, runs int) Section {
	sec := Section{Title: "Browser memory, 50 cards", Baseline: "the same page with the 50 cards' HTML in 50 static `<div>`s", Notes: memoryNotes()}
	widgets := e.widgets[:benchCards]
	html, err := e.cardHTML(ctx, widgets)
	if err != nil {
		sec.Err = err
		return sec
	}
	bcURL := e.addPage("memory-cards", buycardPage(e.host, widgets))
	baseURL := e.addPage("memory-static", staticPage(html, ""))
	var bc, base []memoryRun
	for i := range runs {
		for _, side := range []struct {
			url  string
			runs *[]memoryRun
		}{{bcURL, &bc}, {baseURL, &base}} {
			r, err := memoryOnce(chrome, filepath.Join(tmp, fmt.Sprintf("memory-%d-%d", i, len(*side.runs))), side.url)
			if err != nil {
				sec.Err = err
				return sec
			}
			*side.runs = append(*side.runs, r)
		}
	}
	sec.Rows = memoryRows(bc, base)
	return sec
}

func memoryRows(bc, base []memoryRun) []Row {
	pss := func(r memoryRun) float64 { return r.browserPSS }
	metric := func(name string) func(memoryRun) float64 {
		return func(r memoryRun) float64 { return r.metrics[name] }
	}
	row := func(what string, u unit, f func(memoryRun) float64) Row {
		return Row{What: what, Unit: u, Buycard: medianOf(bc, f), Baseline: medianOf(base, f)}
	}
	rows := []Row{
		row("browser memory: PSS of all Chromium processes", bytesUnit, pss),
		row("page JS heap used, after GC", bytesUnit, metric("JSHeapUsedSize")),
		row("page DOM nodes", countUnit, metric("Nodes")),
		row("page layout objects", countUnit, metric("LayoutObjects")),
		row("page JS event listeners", countUnit, metric("JSEventListeners")),
	}
	rows[0].Budget = &Budget{Text: "≤ 1.2×", Max: 1.2, OnRatio: true}
	return rows
}

func memoryNotes() []string {
	return []string{
		"Each run starts a Chromium of its own (same flags, fresh profile) with the page as its only tab, on loopback, waits until " +
			"all 50 cards are painted, waits 1 s, forces a garbage collection (`HeapProfiler.collectGarbage`), waits 0.3 s and reads. " +
			"`performance.measureUserAgentSpecificMemory` needs cross-origin isolation, so the harness reads from the outside instead.",
		"Budget metric, \"browser memory\": the proportional set size (`Pss` of `/proc/PID/smaps_rollup`) summed over the browser " +
			"process and every process below it — browser, zygotes, GPU, utility and renderer processes; memory shared among them counts " +
			"once. There are no out-of-process frames before a tap (cards live in shadow roots of the page), so the page's renderer " +
			"holds all of Buycard. Page rows come from `Performance.getMetrics` of the page: the JS heap, DOM nodes (shadow roots " +
			"included), layout objects and event listeners.",
		"The baseline's card HTML comes from `/v1/cards`, styled by one `<style>` with the card CSS; it has no shadow roots and " +
			"no script but the harness's probe.",
	}
}
