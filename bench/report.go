package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// unit says how a figure is written.
type unit int

const (
	bytesUnit unit = iota
	msUnit
	rpsUnit
	countUnit
	yesNoUnit  // 1 is yes, 0 is no
	perSecUnit // events per second of any kind: journals, inserts
	scoreUnit  // a unitless score with 4 decimals: cumulative layout shift
)

// A Budget is a bound from DESIGN.md's "Performance budgets". A missed
// budget makes the harness exit non-zero.
type Budget struct {
	Text     string  // as the table shows it: "≤ 4,096 B"
	Min, Max float64 // inclusive
	// OnRatio bounds the ratio to the baseline instead of the figure.
	OnRatio bool
}

// atMost is the budget "≤ max".
func atMost(max float64, text string) *Budget { return &Budget{Text: text, Max: max} }

// atLeast is the budget "≥ min".
func atLeast(min float64, text string) *Budget {
	return &Budget{Text: text, Min: min, Max: math.Inf(1)}
}

// exactly is the budget "= v".
func exactly(v float64, text string) *Budget { return &Budget{Text: text, Min: v, Max: v} }

// A Row is one figure: Buycard's median beside its baseline's median.
type Row struct {
	What     string
	Unit     unit
	Buycard  float64 // NaN when not measured
	Baseline float64 // NaN when there is none
	Budget   *Budget
}

// Ratio is Buycard over its baseline.
func (r Row) Ratio() float64 { return Ratio(r.Buycard, r.Baseline) }

// Met reports whether the row has a budget and whether it holds. A figure
// that could not be measured does not hold.
func (r Row) Met() (checked, ok bool) {
	if r.Budget == nil {
		return false, false
	}
	v := r.Buycard
	if r.Budget.OnRatio {
		v = r.Ratio()
	}
	return true, !math.IsNaN(v) && v >= r.Budget.Min && v <= r.Budget.Max
}

// A Section is one table with what it measured and how.
type Section struct {
	Title    string
	Baseline string   // what the baseline column is, one line
	Notes    []string // how it was measured, under the table
	Rows     []Row
	Err      error // the section could not finish; its rows are what it had
}

// Report is the whole benchmark.
type Report struct {
	Title    string
	Header   [][2]string // name, value
	Sections []Section
}

// Missed lists the rows whose budget does not hold, and the sections that
// failed, one line each.
func (r *Report) Missed() []string {
	var out []string
	for _, s := range r.Sections {
		if s.Err != nil {
			out = append(out, fmt.Sprintf("%s: not measured: %v", s.Title, s.Err))
		}
		for _, row := range s.Rows {
			if checked, ok := row.Met(); checked && !ok {
				out = append(out, fmt.Sprintf("%s: %s is %s, budget %s", s.Title, row.What, row.figure(), row.Budget.Text))
			}
		}
	}
	return out
}

// checked counts the rows with a budget.
func (r *Report) checked() int {
	n := 0
	for _, s := range r.Sections {
		for _, row := range s.Rows {
			if c, _ := row.Met(); c {
				n++
			}
		}
	}
	return n
}

// Markdown renders the report.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n| | |\n|---|---|\n", r.Title)
	for _, h := range r.Header {
		fmt.Fprintf(&b, "| %s | %s |\n", h[0], h[1])
	}
	r.budgetsMarkdown(&b)
	for _, s := range r.Sections {
		b.WriteString("\n")
		s.markdown(&b)
	}
	return b.String()
}

// budgetsMarkdown is the summary: every budget checked, then what missed.
func (r *Report) budgetsMarkdown(b *strings.Builder) {
	missed := r.Missed()
	fmt.Fprintf(b, "\n## Budgets (DESIGN.md)\n\n%d checked, %d missed.\n\n", r.checked(), len(missed))
	b.WriteString("| section | what | measured | budget | ok |\n|---|---|--:|---|---|\n")
	for _, s := range r.Sections {
		for _, row := range s.Rows {
			if checked, _ := row.Met(); checked {
				measured := row.figure()
				if row.Budget.OnRatio {
					measured = formatRatio(row.Ratio())
				}
				fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", cell(s.Title), cell(row.What), measured, row.budgetText(), row.verdict())
			}
		}
	}
	for _, m := range missed {
		fmt.Fprintf(b, "\n- MISSED %s", m)
	}
	if len(missed) > 0 {
		b.WriteString("\n")
	}
}

func (s *Section) markdown(b *strings.Builder) {
	fmt.Fprintf(b, "## %s\n\n", s.Title)
	if s.Baseline != "" {
		fmt.Fprintf(b, "Baseline: %s.\n\n", s.Baseline)
	}
	if s.Err != nil {
		fmt.Fprintf(b, "**Not measured:** %s\n\n", cell(s.Err.Error()))
	}
	if len(s.Rows) > 0 {
		b.WriteString("| what | Buycard | baseline | ratio | budget | ok |\n|---|--:|--:|--:|---|---|\n")
		for _, row := range s.Rows {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", cell(row.What), row.figure(),
				format(row.Unit, row.Baseline), formatRatio(row.Ratio()), row.budgetText(), row.verdict())
		}
		b.WriteString("\n")
	}
	for _, n := range s.Notes {
		fmt.Fprintf(b, "%s\n\n", n)
	}
}

func (r Row) figure() string { return format(r.Unit, r.Buycard) }

func (r Row) budgetText() string {
	if r.Budget == nil {
		return ""
	}
	if r.Budget.OnRatio {
		return "ratio " + r.Budget.Text
	}
	return r.Budget.Text
}

func (r Row) verdict() string {
	switch checked, ok := r.Met(); {
	case !checked:
		return ""
	case ok:
		return "yes"
	}
	return "**MISSED**"
}

// format writes v in unit, or "—" when it is NaN.
func format(u unit, v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	switch u {
	case bytesUnit:
		s := thousands(int64(math.Round(v))) + " B"
		if v >= 1e6 {
			s += fmt.Sprintf(" (%.2f MB)", v/1e6)
		}
		return s
	case msUnit:
		if v < 10 {
			return fmt.Sprintf("%.2f ms", v)
		}
		return thousands(int64(math.Round(v))) + " ms"
	case rpsUnit:
		return thousands(int64(math.Round(v))) + " req/s"
	case perSecUnit:
		return thousands(int64(math.Round(v))) + " /s"
	case scoreUnit:
		return fmt.Sprintf("%.4f", v)
	case yesNoUnit:
		if v == 1 {
			return "yes"
		}
		return "no"
	}
	return thousands(int64(math.Round(v)))
}

func formatRatio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return fmt.Sprintf("%.2f×", v)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
