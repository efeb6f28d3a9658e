package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/buycard/buycard/backend/demo"
)

const shiftTitle = "Publisher page layout shift while cards load"

// shiftWidths are the viewport widths of DESIGN.md's layout-shift budget:
// a phone (Lighthouse's mobile width) and a laptop.
var shiftWidths = []int64{412, 1280}

// shiftCards is how many cards the budget's page has.
const shiftCards = 10

// measureShift loads the page of shiftCards cards over the slow link at
// each width, with Buycard's recommended snippet, with the snippet
// published before the card stylesheet, and as static divs, and returns
// the pages' cumulative layout shift.
func measureShift(ctx context.Context, b *browser, e *env, runs int) Section {
	sec := Section{Title: shiftTitle, Baseline: staticBaseline, Notes: shiftNotes()}
	widgets := e.widgets[:shiftCards]
	html, err := e.cardHTML(ctx, widgets)
	if err != nil {
		sec.Err = err
		return sec
	}
	urls := []string{
		e.addPage("shift-cards", buycardPage(e.host, widgets)),
		e.addPage("shift-script-only", scriptOnlyPage(e.host, widgets)),
		e.addPage("shift-static", staticPage(html, "")),
	}
	for _, width := range shiftWidths {
		cls := make([][]float64, len(urls))
		for range runs {
			for i, url := range urls {
				v, err := pageShift(b, url, width)
				if err != nil {
					sec.Err = fmt.Errorf("%s at %d px: %w", url, width, err)
					return sec
				}
				cls[i] = append(cls[i], v)
			}
		}
		label := func(s string) string { return fmt.Sprintf("%d cards at %d px: %s", shiftCards, width, s) }
		sec.Rows = append(sec.Rows,
			Row{What: label("cumulative layout shift"), Unit: scoreUnit, Buycard: Median(cls[0]), Baseline: Median(cls[2]), Budget: atMost(0.01, "≤ 0.01")},
			Row{What: label("cumulative layout shift, snippet without the card stylesheet (published before it)"), Unit: scoreUnit,
				Buycard: Median(cls[1]), Baseline: Median(cls[2])})
	}
	return sec
}

// pageShift loads url cold over the slow link in a viewport width pixels
// wide, waits until its cards are painted, and returns its cumulative
// layout shift.
func pageShift(b *browser, url string, width int64) (float64, error) {
	t, err := newTab(b.ctx, slowLink, chromedp.WithNewBrowserContext())
	if err != nil {
		return 0, err
	}
	defer t.close()
	if err := chromedp.Do(t.ctx, chromedp.EmulateViewport(width, 900)); err != nil {
		return 0, err
	}
	if err := t.navigate(url); err != nil {
		return 0, err
	}
	if _, err := poll[float64](t.ctx, "bench.all", 60*time.Second); err != nil {
		return 0, err
	}
	// The shifts of the frame that painted the last card are reported
	// after it: read them a frame later.
	return chromedp.Run(t.ctx, chromedp.Evaluate[float64](`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(bench.cls)))))`,
		chromedp.EvalAwaitPromise))
}

func shiftNotes() []string {
	return []string{
		"Each run loads the page cold over the slow link (" + slowLink.definition + "), so the loader and the card data arrive " +
			"well after the page's first paint, in a viewport of the width named and 900 px high. The probe adds up the page's " +
			"`layout-shift` entries not caused by input (PerformanceObserver) until a frame after all cards are painted: the sum " +
			"bounds the page's CLS from above. Buycard's page uses the recommended snippet, the card stylesheet " +
			"(`/buycard.css`) and the loader; the script-only row is the snippet publishers pasted before the stylesheet existed.",
	}
}

// lighthousePackage is the Lighthouse the harness runs: the last major
// release that runs on Node 20.
const lighthousePackage = "lighthouse@12.8.2"

// measureLighthouse runs Lighthouse (mobile, its default simulated slow
// 4G and 4× CPU) on the demo feed, seeded first, and returns its scores.
func measureLighthouse(ctx context.Context, e *env, chromium, tmp string) Section {
	sec := Section{Title: "Demo feed in Lighthouse (mobile)", Notes: lighthouseNotes()}
	if err := seedDemo(ctx, e); err != nil {
		sec.Err = err
		return sec
	}
	url := strings.Replace(e.host, "localhost", "127.0.0.1", 1) + "/demo"
	lhr, err := runLighthouse(ctx, filepath.Join(tmp, "lighthouse"), chromium, url)
	if err != nil {
		sec.Err = err
		return sec
	}
	nan := math.NaN()
	score := func(c string) float64 { return math.Round(lhr.Categories[c].Score * 100) }
	sec.Rows = []Row{
		{What: "performance score", Unit: countUnit, Buycard: score("performance"), Baseline: nan, Budget: atLeast(95, "≥ 95")},
		{What: "accessibility score", Unit: countUnit, Buycard: score("accessibility"), Baseline: nan, Budget: exactly(100, "= 100")},
		{What: "SEO score", Unit: countUnit, Buycard: score("seo"), Baseline: nan, Budget: exactly(100, "= 100")},
		{What: "cumulative layout shift", Unit: scoreUnit, Buycard: lhr.Audits["cumulative-layout-shift"].NumericValue, Baseline: nan, Budget: atMost(0.01, "≤ 0.01")},
	}
	for _, m := range []struct{ id, what string }{
		{"first-contentful-paint", "first contentful paint"}, {"largest-contentful-paint", "largest contentful paint"},
		{"total-blocking-time", "total blocking time"}, {"speed-index", "speed index"},
	} {
		sec.Rows = append(sec.Rows, Row{What: m.what + " (simulated)", Unit: msUnit, Buycard: lhr.Audits[m.id].NumericValue, Baseline: nan})
	}
	if failed := lhr.failed(); len(failed) > 0 {
		sec.Notes = append(sec.Notes, "Audits not passed: "+strings.Join(failed, "; ")+".")
	}
	return sec
}

// failed lists the titles of the audits that scored below 1, by id.
func (r *lighthouseResult) failed() []string {
	var out []string
	for id, a := range r.Audits {
		if a.Score != nil && *a.Score < 1 && a.ScoreDisplayMode != "informative" && a.ScoreDisplayMode != "manual" {
			out = append(out, fmt.Sprintf("`%s` %s (%.2f)", id, a.Title, *a.Score))
		}
	}
	slices.Sort(out)
	return out
}

// seedDemo writes the demo data the feed shows, once.
func seedDemo(ctx context.Context, e *env) error {
	seeded, err := demo.Seeded(ctx, e.main.DB)
	if err != nil || seeded {
		return err
	}
	return demo.Seed(ctx, e.main.DB)
}

// lighthouseResult is what the harness reads of Lighthouse's JSON report.
type lighthouseResult struct {
	Categories map[string]struct{ Score float64 }
	Audits     map[string]struct {
		Title            string
		Score            *float64
		ScoreDisplayMode string  `json:"scoreDisplayMode"`
		NumericValue     float64 `json:"numericValue"`
	}
}

// runLighthouse installs lighthousePackage into dir with npm (no install
// scripts run) and runs it on url with chromium.
func runLighthouse(ctx context.Context, dir, chromium, url string) (*lighthouseResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, "npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "--ignore-scripts", "--silent", lighthousePackage)
	if out, err := install.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("npm install %s: %v: %s", lighthousePackage, err, strings.TrimSpace(string(out)))
	}
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "node_modules/lighthouse/cli/index.js"), url,
		"--quiet", "--output=json", "--output-path=stdout", "--only-categories=performance,accessibility,seo",
		"--chrome-flags=--headless=new --no-sandbox --disable-gpu")
	cmd.Env = append(cmd.Environ(), "CHROME_PATH="+chromium)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("lighthouse: %w", err)
	}
	var lhr lighthouseResult
	if err := json.Unmarshal(out, &lhr); err != nil {
		return nil, fmt.Errorf("lighthouse report: %w", err)
	}
	return &lhr, nil
}

func lighthouseNotes() []string {
	return []string{
		"`" + lighthousePackage + "` from npm, run once on the demo feed (`/demo`, opened as http://127.0.0.1 while Buycard is " +
			"http://localhost, another site) with its defaults: mobile form factor (412 px), simulated slow 4G and 4× CPU " +
			"slowdown, headless Chromium. Scores are Lighthouse's 0–100; CLS is its cumulative-layout-shift audit.",
	}
}
