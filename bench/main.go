// Command bench measures Buycard beside baselines run in the same
// invocation — sizes against the Shopify Buy Button, publisher pages and
// the checkout overlay in headless Chromium against static HTML, memory
// against static divs, and the backend's hot paths against a minimal Fiber
// handler, and the ledger's sale journals against plain INSERTs into the
// same database — and writes the medians, ratios and DESIGN.md budget
// checks as Markdown. It exits 1 when a budget is missed.
//
//	go run ./bench -out BENCHMARKS.md   # make bench: everything, a few minutes
//	go run ./bench -quick               # make bench-quick: a subset, under 2 minutes
//
// Buycard runs in process through server.Main on 127.0.0.1:0 with a fresh
// SQLite database, as the binary runs; publisher pages come from a second
// server on 127.0.0.1 while Buycard is reached as localhost, another site.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// options are the command line.
type options struct {
	quick    bool
	out      string
	web      string
	chromium string
	only     []string
}

var sectionNames = []string{"sizes", "pages", "shift", "lighthouse", "overlay", "memory", "backend", "analytics", "ledger", "jobs"}

func parseFlags() (options, error) {
	var o options
	var only string
	flag.BoolVar(&o.quick, "quick", false, "run a subset with fewer runs (under 2 minutes)")
	flag.StringVar(&o.out, "out", "", "also write the Markdown report to this file")
	flag.StringVar(&o.web, "web", "bin/web", "directory with the built client WASM (make build)")
	flag.StringVar(&o.chromium, "chromium", os.Getenv("CHROMIUM"), "Chromium binary (default: chromium on PATH)")
	flag.StringVar(&only, "only", strings.Join(sectionNames, ","), "sections to run")
	flag.Parse()
	for _, s := range strings.Split(only, ",") {
		if !slices.Contains(sectionNames, s) {
			return o, fmt.Errorf("-only: unknown section %q (have %s)", s, strings.Join(sectionNames, ","))
		}
		o.only = append(o.only, s)
	}
	var err error
	if o.web, err = filepath.Abs(o.web); err != nil {
		return o, err
	}
	if o.chromium == "" {
		o.chromium, _ = exec.LookPath("chromium")
	}
	return o, nil
}

// plan is how much each section runs.
type plan struct {
	pageCounts []int
	pageRuns   int
	shiftRuns  int
	taps       []tapCase
	memoryRuns int
	load       loadSettings
	ledger     ledgerSettings
	jobs       jobSettings
}

func newPlan(quick bool) plan {
	if quick {
		return plan{
			pageCounts: []int{10}, pageRuns: 2, shiftRuns: 1,
			taps:       []tapCase{{runs: 3}, {link: slowLink, runs: 1}},
			memoryRuns: 1,
			load:       loadSettings{workers: 4, each: time.Second, reps: 3},
			ledger:     ledgerSettings{each: 500 * time.Millisecond, reps: 3},
			jobs:       jobSettings{workers: 4, buying: 2 * time.Second},
		}
	}
	return plan{
		pageCounts: []int{1, 10, 50}, pageRuns: 5, shiftRuns: 3,
		taps:       []tapCase{{runs: 5}, {warm: true, runs: 5}, {link: slowLink, runs: 3}, {warm: true, link: slowLink, runs: 3}},
		memoryRuns: 3,
		load:       loadSettings{workers: 4, each: 5 * time.Second, reps: 3},
		ledger:     ledgerSettings{each: 2 * time.Second, reps: 3},
		jobs:       jobSettings{workers: 4, buying: 5 * time.Second},
	}
}

func main() { os.Exit(run()) }

func run() int {
	o, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	start := time.Now()
	tmp, err := os.MkdirTemp("", "buycard-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	defer os.RemoveAll(tmp)
	rep, err := bench(context.Background(), o, tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	rep.Header = append(rep.Header, [2]string{"took", time.Since(start).Round(time.Second).String()})
	return finish(o, rep)
}

// finish prints and writes the report and turns missed budgets into the
// exit status.
func finish(o options, rep *Report) int {
	md := rep.Markdown()
	fmt.Print(md)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(md), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 2
		}
	}
	if missed := rep.Missed(); len(missed) > 0 {
		fmt.Fprintf(os.Stderr, "bench: %s missed:\n  %s\n", plural(len(missed), "budget"), strings.Join(missed, "\n  "))
		return 1
	}
	return 0
}

// bench starts the system under test and runs the sections: the backend
// and the ledger first, while no browser runs beside it. The ledger opens
// databases of its own, so it alone does not start Buycard.
func bench(ctx context.Context, o options, tmp string) (*Report, error) {
	p := newPlan(o.quick)
	var box *mailbox
	if slices.Contains(o.only, "jobs") {
		var err error
		if box, err = startMailbox(tmp); err != nil {
			return nil, fmt.Errorf("mailpit: %w", err)
		}
		defer box.stop()
	}
	var e *env
	if slices.ContainsFunc(o.only, func(s string) bool { return s != "ledger" }) {
		var err error
		if e, err = startEnv(ctx, tmp, o.web, box); err != nil {
			return nil, err
		}
		defer e.close()
	}
	rep := &Report{Title: "Buycard benchmarks", Header: header(o, p)}
	step := func(name string, f func() []Section) {
		if !slices.Contains(o.only, name) {
			return
		}
		t := time.Now()
		rep.Sections = append(rep.Sections, f()...)
		fmt.Fprintf(os.Stderr, "bench: %s done in %v\n", name, time.Since(t).Round(100*time.Millisecond))
	}
	step("sizes", func() []Section { return []Section{measureSizes(ctx, e, tmp, o.web)} })
	step("backend", func() []Section { return []Section{measureBackend(ctx, e, p.load)} })
	step("analytics", func() []Section { return []Section{measureEvents(ctx, e, p.load)} })
	step("ledger", func() []Section { return []Section{measureLedger(ctx, tmp, p.ledger)} })
	step("jobs", func() []Section { return []Section{measureJobs(ctx, e, box, p.jobs)} })
	if err := browserSections(ctx, o, p, e, tmp, rep, step); err != nil {
		return nil, err
	}
	// The backend and the ledger ran first, before the browser; they read
	// best last.
	last := func(s Section) int {
		return slices.Index([]string{backendTitle, eventsTitle, ledgerTitle, jobsTitle}, s.Title)
	}
	slices.SortStableFunc(rep.Sections, func(a, b Section) int { return cmp.Compare(last(a), last(b)) })
	return rep, nil
}

// browserSections runs the sections that need Chromium.
func browserSections(ctx context.Context, o options, p plan, e *env, tmp string, rep *Report, step func(string, func() []Section)) error {
	step("lighthouse", func() []Section { return []Section{measureLighthouse(ctx, e, o.chromium, tmp)} })
	if !slices.ContainsFunc(o.only, func(s string) bool { return s == "pages" || s == "shift" || s == "overlay" || s == "memory" }) {
		return nil
	}
	if o.chromium == "" {
		return errors.New("no Chromium: install it (apt-get install -y chromium) or set -chromium / CHROMIUM")
	}
	b, err := startBrowser(o.chromium, tmp)
	if err != nil {
		return err
	}
	defer b.cancel()
	rep.Header = append(rep.Header, [2]string{"Chromium", b.version + " (headless)"})
	step("pages", func() []Section {
		weight, paint := measurePages(ctx, b, e, p.pageCounts, p.pageRuns)
		return []Section{weight, paint}
	})
	step("shift", func() []Section { return []Section{measureShift(ctx, b, e, p.shiftRuns)} })
	step("overlay", func() []Section { return []Section{measureOverlay(ctx, b, e, p.taps)} })
	step("memory", func() []Section { return []Section{measureMemory(ctx, e, o.chromium, tmp, p.memoryRuns)} })
	return nil
}

func header(o options, p plan) [][2]string {
	cmd := "`" + strings.Join(append([]string{"go run ./bench"}, os.Args[1:]...), " ") + "`"
	if os.Getenv("MAKELEVEL") != "" {
		target := "make bench"
		if o.quick {
			target = "make bench-quick"
		}
		cmd += ", run by `" + target + "`"
	}
	return [][2]string{
		{"date", time.Now().UTC().Format("2006-01-02 15:04 UTC")},
		{"command", cmd},
		{"Go", runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH},
		{"machine", machine()},
		{"runs", p.describe()},
	}
}

// describe says how many runs each median is of.
func (p plan) describe() string {
	taps := make([]string, len(p.taps))
	for i, c := range p.taps {
		taps[i] = fmt.Sprintf("%d %s", c.runs, strings.ReplaceAll(c.name(), ",", ""))
	}
	return fmt.Sprintf("every figure is a median, Buycard and baseline alternating: %d cold loads per page; %d per layout-shift page and width; taps: %s; %s of memory; %d runs of %v per endpoint; %d runs of %v per ledger figure",
		p.pageRuns, p.shiftRuns, strings.Join(taps, ", "), plural(p.memoryRuns, "browser"), p.load.reps, p.load.each, p.ledger.reps, p.ledger.each)
}
