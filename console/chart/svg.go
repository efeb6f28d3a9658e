package chart

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// svgNS is the SVG namespace. go-app creates each element with its own
// XMLNS (createElementNS), so every SVG element must carry it.
const svgNS = "http://www.w3.org/2000/svg"

// Colors, chosen for at least 4.5:1 against white so they serve for text
// as well as for lines and bars.
const (
	textColor  = "#222"
	mutedColor = "#555" // 7.5:1
	gridColor  = "#d0d0d0"
	axisColor  = "#767676" // 4.5:1
)

// fontFamily is the charts' typeface.
const fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

// srOnly hides an element from the eye but not from screen readers.
const srOnly = "position:absolute;width:1px;height:1px;padding:0;margin:-1px;" +
	"overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0"

// seriesStyle tells one series from another without relying on color.
type seriesStyle struct {
	color  string
	dash   string // stroke-dasharray; "" for a solid line
	marker int
}

// seriesStyles are taken in turn by the series of a chart.
var seriesStyles = []seriesStyle{
	{color: "#1f5fbf", marker: markerCircle},
	{color: "#b3470c", dash: "8 4", marker: markerSquare},
	{color: "#1c7a36", dash: "2 3", marker: markerTriangle},
	{color: "#7a3fa8", dash: "10 3 2 3", marker: markerDiamond},
	{color: "#b0213e", dash: "4 4", marker: markerCircle},
}

func styleOf(i int) seriesStyle { return seriesStyles[i%len(seriesStyles)] }

// svgElem is an SVG element in the SVG namespace.
func svgElem(tag string) app.HTMLElem { return app.Elem(tag).XMLNS(svgNS) }

// svgText is a <text> at (x, y) with the given anchor ("start", "middle",
// "end"), font size and fill.
func svgText(x, y float64, anchor string, size float64, fill, s string) app.HTMLElem {
	return svgElem("text").
		Attr("x", num(x)).Attr("y", num(y)).
		Attr("text-anchor", anchor).Attr("font-size", num(size)).
		Attr("fill", fill).
		Text(s)
}

// svgLine is a 1-unit line from a to b.
func svgLine(a, b point, stroke string) app.HTMLElem {
	return svgElem("line").
		Attr("x1", num(a.x)).Attr("y1", num(a.y)).
		Attr("x2", num(b.x)).Attr("y2", num(b.y)).
		Attr("stroke", stroke).Attr("stroke-width", "1")
}

// svgRoot is the chart's <svg>: as wide as its container, as tall as the
// viewBox's aspect ratio, named by its <title> and <desc> (ids titleID and
// descID), and an image to assistive technology, whose numbers are in the
// table that follows it.
func svgRoot(width, height float64, titleID, descID, title, desc string, body ...app.UI) app.UI {
	head := []app.UI{
		svgElem("title").ID(titleID).Text(title),
		svgElem("desc").ID(descID).Text(desc),
	}
	svg := svgElem("svg").
		Attr("viewBox", "0 0 "+num(width)+" "+num(height)).
		Attr("width", "100%").
		Attr("role", "img").
		Attr("aria-labelledby", titleID+" "+descID).
		Attr("font-family", fontFamily).
		Style("display", "block").Style("height", "auto").Style("min-width", minChartWidth).
		Body(append(head, body...)...)
	// Below minChartWidth the text would be too small to read, so the
	// chart scrolls; a scrolling region must be reachable by keyboard.
	return app.Div().Style("overflow-x", "auto").
		TabIndex(0).Attr("role", "group").Attr("aria-labelledby", titleID).
		Body(svg)
}

// minChartWidth is the narrowest a chart is drawn.
const minChartWidth = "480px"

// srTable is a table only screen readers see, with the chart's numbers.
func srTable(caption string, head []string, rows [][]string) app.UI {
	ths := make([]app.UI, len(head))
	for i, h := range head {
		ths[i] = app.Th().Scope("col").Text(h)
	}
	trs := make([]app.UI, len(rows))
	for i, row := range rows {
		cells := make([]app.UI, len(row))
		cells[0] = app.Th().Scope("row").Text(row[0])
		for j := 1; j < len(row); j++ {
			cells[j] = app.Td().Text(row[j])
		}
		trs[i] = app.Tr().Body(cells...)
	}
	// The style is on a wrapper: a table is never narrower than its
	// cells, so a 1 px table would still widen the page.
	return app.Div().Attr("style", srOnly).Body(app.Table().Body(
		app.Caption().Text(caption),
		app.THead().Body(app.Tr().Body(ths...)),
		app.TBody().Body(trs...),
	))
}

// figure wraps a chart: its visible heading, then the rest.
func figure(class, title string, body ...app.UI) app.UI {
	return app.Figure().Class("bc-chart", class).
		Style("margin", "0 0 24px").Style("position", "relative").
		Style("color", textColor).Style("font-family", fontFamily).
		Body(append([]app.UI{
			app.FigCaption().Style("font-weight", "600").Style("margin-bottom", "4px").Text(title),
		}, body...)...)
}
