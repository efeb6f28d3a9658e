package chart

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Series is one line of a TimeSeries: a name for the legend and the table,
// and one value per day of the chart (missing values count as 0).
type Series struct {
	Name   string
	Values []int64
}

func (s Series) at(i int) int64 {
	if i < len(s.Values) {
		return s.Values[i]
	}
	return 0
}

// TimeSeries is a line chart of one or more series over consecutive days:
// gridlines on 1-2-5 ticks, date labels thinned to fit, a legend, and a
// hidden table with every value.
type TimeSeries struct {
	app.Compo

	// ID prefixes the ids of the chart's elements; unique in the page.
	ID string
	// Title heads the chart and names it to assistive technology.
	Title string
	// Days are the x axis, oldest first, as buycard.DayLayout.
	Days []string
	// Series are drawn in order, each in its own color, dash and marker.
	Series []Series
	// Format writes a value for the axis, the table and the summary:
	// Count when nil, or a money formatter for amounts in minor units.
	Format func(int64) string
	// Area shades the area under each line.
	Area bool
}

// Geometry of a time series, in SVG user units.
const (
	tsWidth    = 720.0
	tsHeight   = 300.0
	tsTop      = 12.0
	tsRight    = 24.0
	tsBottom   = 30.0
	tsFontSize = 12.0
	tsTicks    = 5
	markerSize = 3.5
)

// Render draws the chart, or says there is nothing to draw.
func (c *TimeSeries) Render() app.UI {
	if len(c.Days) == 0 || len(c.Series) == 0 {
		return figure("bc-chart-time", c.Title, app.P().Text("No data for these days."))
	}
	l := layoutTimeSeries(c.Days, c.Series, c.format())
	id := idOr(c.ID)
	return figure("bc-chart-time", c.Title,
		svgRoot(tsWidth, tsHeight, id+"-title", id+"-desc", c.Title,
			timeSummary(c.Days, c.Series, c.format()), l.body(c.Area)...),
		legend(c.Series),
		srTable(c.Title, c.tableHead(), c.tableRows()),
	)
}

func (c *TimeSeries) format() func(int64) string {
	if c.Format == nil {
		return Count
	}
	return c.Format
}

// idOr returns id, or "chart" when it is empty.
func idOr(id string) string {
	if id == "" {
		return "chart"
	}
	return id
}

func (c *TimeSeries) tableHead() []string {
	head := []string{"Day"}
	for _, s := range c.Series {
		head = append(head, s.Name)
	}
	return head
}

func (c *TimeSeries) tableRows() [][]string {
	format := c.format()
	rows := make([][]string, len(c.Days))
	for i, day := range c.Days {
		row := []string{longDay(day)}
		for _, s := range c.Series {
			row = append(row, format(s.at(i)))
		}
		rows[i] = row
	}
	return rows
}

// timeSummary is the chart's <desc>: its range, and each series' total
// and peak day.
func timeSummary(days []string, series []Series, format func(int64) string) string {
	var b strings.Builder
	b.WriteString(longDay(days[0]))
	if len(days) > 1 {
		b.WriteString(" to " + longDay(days[len(days)-1]))
	}
	b.WriteString(".")
	for _, s := range series {
		var total int64
		peak := 0
		for i := range days {
			total += s.at(i)
			if s.at(i) > s.at(peak) {
				peak = i
			}
		}
		b.WriteString(" " + s.Name + ": total " + format(total) +
			", highest " + format(s.at(peak)) + " on " + longDay(days[peak]) + ".")
	}
	return b.String()
}

// legend names each series next to a sample of its line and marker.
func legend(series []Series) app.UI {
	items := make([]app.UI, len(series))
	for i, s := range series {
		st := styleOf(i)
		sample := svgElem("svg").
			Attr("viewBox", "0 0 32 12").Attr("width", "32").Attr("height", "12").
			Attr("role", "presentation").
			Body(
				seriesLine(st, "M2 6 L30 6"),
				seriesMarker(st, marker(st.marker, point{16, 6}, markerSize)),
			)
		items[i] = app.Li().
			Style("display", "inline-flex").Style("align-items", "center").Style("gap", "6px").
			Body(sample, app.Span().Text(s.Name))
	}
	return app.Ul().Class("bc-chart-legend").
		Style("list-style", "none").Style("margin", "4px 0 0").Style("padding", "0").
		Style("display", "flex").Style("flex-wrap", "wrap").Style("gap", "4px 16px").
		Style("font-size", "14px").
		Body(items...)
}

// seriesLine strokes d in the series' color and dash.
func seriesLine(st seriesStyle, d string) app.UI {
	p := svgElem("path").Class("series").Attr("d", d).
		Attr("fill", "none").Attr("stroke", st.color).Attr("stroke-width", "2").
		Attr("stroke-linejoin", "round").Attr("stroke-linecap", "round")
	if st.dash != "" {
		p = p.Attr("stroke-dasharray", st.dash)
	}
	return p
}

// seriesMarker fills the markers d in the series' color.
func seriesMarker(st seriesStyle, d string) app.UI {
	return svgElem("path").Class("markers").Attr("d", d).
		Attr("fill", st.color).Attr("stroke", "#fff").Attr("stroke-width", "1")
}

// seriesArea shades d in the series' color.
func seriesArea(st seriesStyle, d string) app.UI {
	return svgElem("path").Class("area").Attr("d", d).
		Attr("fill", st.color).Attr("fill-opacity", "0.1").Attr("stroke", "none")
}
