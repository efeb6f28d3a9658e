package chart

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// attrRE matches one attribute of a start tag as go-app writes it.
var attrRE = regexp.MustCompile(` [a-zA-Z0-9:-]+(="(?:[^"\\]|\\.)*")?`)

// tagRE matches a start tag.
var tagRE = regexp.MustCompile(`<[a-z]+(?: [a-zA-Z0-9:-]+(?:="(?:[^"\\]|\\.)*")?)*>`)

// spaceRE matches the indentation between tags.
var spaceRE = regexp.MustCompile(`>\s+<`)

// render is ui's server-side HTML without indentation and with each tag's
// attributes sorted: go-app writes them in map order.
func render(ui app.UI) string {
	html := spaceRE.ReplaceAllString(app.HTMLString(ui), "><")
	return tagRE.ReplaceAllStringFunc(html, func(tag string) string {
		attrs := attrRE.FindAllString(tag, -1)
		slices.Sort(attrs)
		name := tag[:strings.IndexAny(tag, " >")]
		return name + strings.Join(attrs, "") + ">"
	})
}

func mustContain(t *testing.T, html string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(html, p) {
			t.Errorf("missing %q in:\n%s", p, html)
		}
	}
}

func TestTimeSeriesRender(t *testing.T) {
	c := &TimeSeries{
		ID: "ts", Title: "Clicks and sales",
		Days:   []string{"2026-11-29", "2026-11-30", "2026-12-01"},
		Series: []Series{{"Clicks", []int64{1234, 0, 20}}, {"Sales", []int64{3, 4}}},
	}
	html := render(c)
	mustContain(t, html,
		` role="img"`, ` viewBox="0 0 720 300"`, ` width="100%"`, ` aria-labelledby="ts-title ts-desc"`,
		`<title id="ts-title">Clicks and sales</title>`,
		`<desc id="ts-desc">Nov 29, 2026 to Dec 1, 2026. Clicks: total 1,254, highest 1,234 on Nov 29, 2026. Sales: total 7, highest 4 on Nov 30, 2026.</desc>`,
		`<caption>Clicks and sales</caption>`,
		`<th scope="col">Sales</th>`,
		`<th scope="row">Dec 1, 2026</th>`, `<td>1,234</td>`, `<td>20</td>`,
		`<span>Clicks</span>`, `<span>Sales</span>`,
		`stroke-dasharray="8 4"`, // the second series is dashed, not only colored
		`>1,500</text>`,          // a 1-2-5 tick
	)
	// one line per series in the chart, plus one per legend sample
	if n := strings.Count(html, `class="series"`); n != 2*2 {
		t.Errorf("%d series paths, want 4", n)
	}
	if strings.Contains(html, `class="area"`) {
		t.Error("area drawn without Area")
	}
}

func TestTimeSeriesEmpty(t *testing.T) {
	for name, c := range map[string]*TimeSeries{
		"no days":   {Title: "Clicks", Series: []Series{{Name: "Clicks"}}},
		"no series": {Title: "Clicks", Days: []string{"2026-12-01"}},
	} {
		html := render(c)
		if strings.Contains(html, "<svg") || !strings.Contains(html, "No data for these days.") {
			t.Errorf("%s: %s", name, html)
		}
	}
}

func TestTimeSeriesSingleDayAllZeros(t *testing.T) {
	l := layoutTimeSeries([]string{"2026-12-01"}, []Series{{"Sales", []int64{0}}}, Count)
	if got := tickLabels(l.yTicks); !slices.Equal(got, []string{"0", "1"}) {
		t.Errorf("y ticks = %v", got)
	}
	mid := num((l.left + l.right) / 2)
	if want := "M" + mid + " " + num(l.bottom); l.paths[0].line != want {
		t.Errorf("line = %q, want %q", l.paths[0].line, want)
	}
	if len(l.xTicks) != 1 || l.xTicks[0].label != "Dec 1" {
		t.Errorf("x ticks = %v", l.xTicks)
	}
}

func TestTimeSeriesMoney(t *testing.T) {
	c := &TimeSeries{
		ID: "rev", Title: "Revenue", Days: []string{"2026-12-01", "2026-12-02"},
		Series: []Series{{"Revenue", []int64{123456, 98765}}}, Format: Money("USD", "en-US"), Area: true,
	}
	html := render(c)
	mustContain(t, html, `<td>$1,234.56</td>`, `<td>$987.65</td>`, `>$1,500.00</text>`,
		`total $2,222.21, highest $1,234.56 on Dec 1, 2026.`, `class="area"`)
}

func TestTimeSeriesLargeNumbers(t *testing.T) {
	l := layoutTimeSeries([]string{"2026-12-01", "2026-12-02"},
		[]Series{{"Impressions", []int64{1e12, 5e11}}}, Count)
	if got := l.yTicks[len(l.yTicks)-1].label; got != "1,000,000,000,000" {
		t.Errorf("top tick = %q", got)
	}
	if l.left < textWidth("1,000,000,000,000", tsFontSize) || l.left >= l.right {
		t.Errorf("plot from %v to %v leaves no room for the labels", l.left, l.right)
	}
	if want := "M" + num(l.left) + " " + num(l.top); !strings.HasPrefix(l.paths[0].line, want) {
		t.Errorf("line %q does not start at the top tick %q", l.paths[0].line, want)
	}
}

func TestTimeSeriesManyDays(t *testing.T) {
	days := Days("2026-01-01", "2026-12-31")
	l := layoutTimeSeries(days, []Series{{"Clicks", make([]int64, len(days))}}, Count)
	if n := len(l.xTicks); n < 5 || n > 15 {
		t.Errorf("%d date labels for a year", n)
	}
	for i := 1; i < len(l.xTicks); i++ {
		if gap := l.xTicks[i].pos - l.xTicks[i-1].pos; gap < textWidth("Mmm 00", tsFontSize) {
			t.Errorf("labels %v and %v overlap", l.xTicks[i-1], l.xTicks[i])
		}
	}
	if n := strings.Count(l.paths[0].markers, "M"); n != len(l.xTicks) {
		t.Errorf("%d markers on a dense line, want one per date label (%d)", n, len(l.xTicks))
	}
}

func tickLabels(ticks []tick) []string {
	out := make([]string, len(ticks))
	for i, t := range ticks {
		out[i] = t.label
	}
	return out
}

func TestFunnelRender(t *testing.T) {
	c := &Funnel{ID: "fn", Title: "Funnel", Steps: []Step{
		{"Impressions", 8000}, {"Clicks", 1000}, {"Checkouts", 0}, {"Sales", 0},
	}}
	html := render(c)
	mustContain(t, html,
		` viewBox="0 0 720 224"`, `<title id="fn-title">Funnel</title>`,
		`<desc id="fn-desc">Impressions 8,000, Clicks 1,000 (12.5% of impressions), Checkouts 0 (0% of clicks), Sales 0.</desc>`,
		`>12.5% of impressions</text>`, `>8,000</text>`,
		`<th scope="row">Clicks</th><td>1,000</td><td>12.5%</td>`,
		`<th scope="row">Sales</th><td>0</td><td>none before</td>`,
	)
	rows := layoutFunnel(c.Steps)
	if rows[0].width != fnBarRight-fnBarLeft || rows[1].width != rows[0].width/8 || rows[2].width != 0 {
		t.Errorf("bar widths %v, %v, %v are not proportional", rows[0].width, rows[1].width, rows[2].width)
	}
}

func TestFunnelEdgeCases(t *testing.T) {
	if html := render(&Funnel{Title: "Funnel"}); strings.Contains(html, "<svg") {
		t.Errorf("empty funnel drew a chart: %s", html)
	}
	rows := layoutFunnel([]Step{{"Impressions", 1e12}, {"Clicks", 1}})
	if rows[1].width != 2 || rows[1].rate != "<0.1%" || rows[0].count != "1,000,000,000,000" {
		t.Errorf("tiny step: %+v", rows[1])
	}
	for _, r := range layoutFunnel([]Step{{"Impressions", 0}, {"Clicks", 0}}) {
		if r.width != 0 || r.rate != "" {
			t.Errorf("all zeros: %+v", r)
		}
	}
}

func TestRenderIsStableAndRounded(t *testing.T) {
	first := render(samplePage())
	for range 10 {
		if got := render(samplePage()); got != first {
			t.Fatal("output changed between renders")
		}
	}
	// coordinates are in attributes, amounts only in text
	for _, a := range attrRE.FindAllString(first, -1) {
		if regexp.MustCompile(`\d\.\d\d`).MatchString(a) {
			t.Errorf("number with excess precision: %s", a)
		}
	}
}

func TestSVGNamespace(t *testing.T) {
	for _, tag := range []string{"svg", "path", "text"} {
		if ns := svgElem(tag).(app.HTML).XMLNamespace(); ns != svgNS {
			t.Errorf("%s namespace = %q", tag, ns)
		}
	}
}
