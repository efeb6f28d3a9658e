package chart

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// Step is one step of a funnel: its name and how many got there.
type Step struct {
	Name  string
	Count int64
}

// FunnelSteps are the steps of a funnel total: impressions, clicks,
// checkouts and sales.
func FunnelSteps(d buycard.FunnelDay) []Step {
	return []Step{
		{"Impressions", d.Impressions},
		{"Clicks", d.Clicks},
		{"Checkouts", d.Checkouts},
		{"Sales", d.Sales},
	}
}

// Funnel is a horizontal bar per step, as long as its count relative to
// the largest, labelled with the count and the conversion from the step
// before ("12.5% of clicks").
type Funnel struct {
	app.Compo

	// ID prefixes the ids of the chart's elements; unique in the page.
	ID string
	// Title heads the chart and names it to assistive technology.
	Title string
	// Steps are drawn top to bottom, usually FunnelSteps(f.Total).
	Steps []Step
}

// Geometry of a funnel, in SVG user units.
const (
	fnWidth    = 720.0
	fnTop      = 8.0
	fnRow      = 52.0
	fnBarLeft  = 120.0
	fnBarRight = 540.0
	fnBar      = 26.0
)

// funnelRow is where one step goes.
type funnelRow struct {
	y, width      float64 // top of the row, length of its bar
	name, count   string
	rate, rateFor string // "12.5%", "12.5% of clicks"; "" for the first step
}

// Render draws the funnel, or says there is nothing to draw.
func (c *Funnel) Render() app.UI {
	if len(c.Steps) == 0 {
		return figure("bc-chart-funnel", c.Title, app.P().Text("No funnel to show."))
	}
	rows := layoutFunnel(c.Steps)
	id := idOr(c.ID)
	height := fnTop*2 + fnRow*float64(len(rows))
	return figure("bc-chart-funnel", c.Title,
		svgRoot(fnWidth, height, id+"-title", id+"-desc", c.Title, funnelSummary(rows), funnelBody(rows)...),
		srTable(c.Title, []string{"Step", "Count", "Conversion from the step before"}, funnelTable(rows)),
	)
}

// layoutFunnel sizes the bars of steps and writes their labels.
func layoutFunnel(steps []Step) []funnelRow {
	var top int64
	for _, s := range steps {
		top = max(top, s.Count)
	}
	rows := make([]funnelRow, len(steps))
	for i, s := range steps {
		r := funnelRow{y: fnTop + fnRow*float64(i), name: s.Name, count: Count(s.Count)}
		if top > 0 && s.Count > 0 {
			r.width = max(2, float64(s.Count)/float64(top)*(fnBarRight-fnBarLeft))
		}
		if i > 0 {
			prev := steps[i-1]
			r.rate = Percent(s.Count, prev.Count)
			if r.rate != "" {
				r.rateFor = r.rate + " of " + strings.ToLower(prev.Name)
			}
		}
		rows[i] = r
	}
	return rows
}

// funnelBody is the SVG content: per step its name, track, bar, count and
// rate.
func funnelBody(rows []funnelRow) []app.UI {
	var ui []app.UI
	for _, r := range rows {
		mid := r.y + fnRow/2
		ui = append(ui,
			svgText(fnBarLeft-12, mid+5, "end", 14, textColor, r.name),
			svgRect(fnBarLeft, mid-fnBar/2, fnBarRight-fnBarLeft, fnBar, "#eef1f5"),
			svgRect(fnBarLeft, mid-fnBar/2, r.width, fnBar, seriesStyles[0].color),
			svgText(fnBarRight+12, mid-3, "start", 14, textColor, r.count).Attr("font-weight", "600"),
		)
		if r.rateFor != "" {
			ui = append(ui, svgText(fnBarRight+12, mid+13, "start", 12, mutedColor, r.rateFor))
		}
	}
	return ui
}

// svgRect is a filled rectangle.
func svgRect(x, y, w, h float64, fill string) app.UI {
	return svgElem("rect").
		Attr("x", num(x)).Attr("y", num(y)).
		Attr("width", num(w)).Attr("height", num(h)).
		Attr("fill", fill)
}

// funnelSummary is the funnel's <desc>: every step with its count and
// rate.
func funnelSummary(rows []funnelRow) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = r.name + " " + r.count
		if r.rateFor != "" {
			parts[i] += " (" + r.rateFor + ")"
		}
	}
	return strings.Join(parts, ", ") + "."
}

// funnelTable is the rows of the funnel's hidden table.
func funnelTable(rows []funnelRow) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		rate := r.rate
		if i > 0 && rate == "" {
			rate = "none before"
		}
		out[i] = []string{r.name, r.count, rate}
	}
	return out
}
