package main

import (
	"errors"
	"math"
	"strings"
	"testing"
)

var nan = math.NaN()

func TestRowMet(t *testing.T) {
	for _, tt := range []struct {
		name           string
		row            Row
		checked, holds bool
		verdict, fig   string
	}{
		{"no budget", Row{Unit: msUnit, Buycard: 5, Baseline: nan}, false, false, "", "5.00 ms"},
		{"under", Row{Unit: bytesUnit, Buycard: 4000, Budget: atMost(4096, "≤ 4,096 B")}, true, true, "yes", "4,000 B"},
		{"at the bound", Row{Unit: bytesUnit, Buycard: 4096, Budget: atMost(4096, "≤ 4,096 B")}, true, true, "yes", "4,096 B"},
		{"over", Row{Unit: bytesUnit, Buycard: 4097, Budget: atMost(4096, "≤ 4,096 B")}, true, false, "**MISSED**", "4,097 B"},
		{"exactly one", Row{Unit: countUnit, Buycard: 2, Budget: exactly(1, "= 1")}, true, false, "**MISSED**", "2"},
		{"not measured", Row{Unit: msUnit, Buycard: nan, Budget: atMost(300, "≤ 300 ms")}, true, false, "**MISSED**", "—"},
		{"ratio under", Row{Unit: bytesUnit, Buycard: 110, Baseline: 100, Budget: &Budget{Text: "≤ 1.2×", Max: 1.2, OnRatio: true}}, true, true, "yes", "110 B"},
		{"ratio over", Row{Unit: bytesUnit, Buycard: 130, Baseline: 100, Budget: &Budget{Text: "≤ 1.2×", Max: 1.2, OnRatio: true}}, true, false, "**MISSED**", "130 B"},
		{"ratio without baseline", Row{Unit: bytesUnit, Buycard: 130, Baseline: nan, Budget: &Budget{Text: "≤ 1.2×", Max: 1.2, OnRatio: true}}, true, false, "**MISSED**", "130 B"},
		{"yes wanted", Row{Unit: yesNoUnit, Buycard: 1, Budget: exactly(1, "yes")}, true, true, "yes", "yes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checked, holds := tt.row.Met()
			if checked != tt.checked || holds != tt.holds {
				t.Errorf("Met() = %v, %v; want %v, %v", checked, holds, tt.checked, tt.holds)
			}
			if got := tt.row.verdict(); got != tt.verdict {
				t.Errorf("verdict %q, want %q", got, tt.verdict)
			}
			if got := tt.row.figure(); got != tt.fig {
				t.Errorf("figure %q, want %q", got, tt.fig)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		u    unit
		v    float64
		want string
	}{
		{bytesUnit, 0, "0 B"},
		{bytesUnit, 999, "999 B"},
		{bytesUnit, 3412.4, "3,412 B"},
		{bytesUnit, 1402331, "1,402,331 B (1.40 MB)"},
		{msUnit, 0.456, "0.46 ms"},
		{msUnit, 212.6, "213 ms"},
		{msUnit, 12345, "12,345 ms"},
		{rpsUnit, 23456.7, "23,457 req/s"},
		{countUnit, 1, "1"},
		{yesNoUnit, 0, "no"},
		{msUnit, nan, "—"},
	} {
		if got := format(tt.u, tt.v); got != tt.want {
			t.Errorf("format(%v, %v) = %q, want %q", tt.u, tt.v, got, tt.want)
		}
	}
	for v, want := range map[float64]string{1.049: "1.05×", 12: "12.00×", nan: "—", math.Inf(1): "—"} {
		if got := formatRatio(v); got != want {
			t.Errorf("formatRatio(%v) = %q, want %q", v, got, want)
		}
	}
	if got := thousands(-1234567); got != "-1,234,567" {
		t.Errorf("thousands = %q", got)
	}
}

func TestReportMarkdown(t *testing.T) {
	r := &Report{
		Title:  "Buycard benchmarks",
		Header: [][2]string{{"Go", "go1.26"}, {"CPU", "Test CPU | 2 cores"}},
		Sections: []Section{
			{
				Title:    "Sizes",
				Baseline: "a script people use today",
				Notes:    []string{"Compressed by the server."},
				Rows: []Row{
					{What: "loader, brotli", Unit: bytesUnit, Buycard: 3300, Baseline: 66000, Budget: atMost(4096, "≤ 4,096 B")},
					{What: "WASM, brotli", Unit: bytesUnit, Buycard: 1500000, Baseline: nan, Budget: atMost(1450000, "≤ 1,450,000 B")},
				},
			},
			{Title: "Browser", Err: errors.New("chromium | crashed")},
		},
	}
	md := r.Markdown()
	for _, want := range []string{
		"# Buycard benchmarks\n",
		"| CPU | Test CPU | 2 cores |", // header values are trusted text
		"## Budgets (DESIGN.md)\n\n2 checked, 2 missed.\n",
		"| Sizes | loader, brotli | 3,300 B | ≤ 4,096 B | yes |",
		"| Sizes | WASM, brotli | 1,500,000 B (1.50 MB) | ≤ 1,450,000 B | **MISSED** |",
		"- MISSED Sizes: WASM, brotli is 1,500,000 B (1.50 MB), budget ≤ 1,450,000 B",
		"- MISSED Browser: not measured: chromium | crashed",
		"## Sizes\n\nBaseline: a script people use today.\n\n| what | Buycard | baseline | ratio | budget | ok |\n|---|--:|--:|--:|---|---|\n",
		"| loader, brotli | 3,300 B | 66,000 B | 0.05× | ≤ 4,096 B | yes |",
		"| WASM, brotli | 1,500,000 B (1.50 MB) | — | — | ≤ 1,450,000 B | **MISSED** |",
		"Compressed by the server.\n",
		`**Not measured:** chromium \| crashed`,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "## Browser\n\n| what") {
		t.Error("a section without rows has a table")
	}
}

func TestReportAllHold(t *testing.T) {
	r := &Report{Title: "t", Sections: []Section{{Title: "s", Rows: []Row{
		{What: "a", Unit: countUnit, Buycard: 1, Budget: exactly(1, "= 1")},
		{What: "b", Unit: countUnit, Buycard: 7, Baseline: nan},
		{What: "c", Unit: bytesUnit, Buycard: 110, Baseline: 100, Budget: &Budget{Text: "≤ 1.2×", Max: 1.2, OnRatio: true}},
	}}}}
	if m := r.Missed(); len(m) != 0 {
		t.Errorf("Missed() = %v", m)
	}
	md := r.Markdown()
	if !strings.Contains(md, "2 checked, 0 missed.") || strings.Contains(md, "MISSED") || !strings.Contains(md, "| s | c | 1.10× | ratio ≤ 1.2× | yes |") {
		t.Error(md)
	}
}
