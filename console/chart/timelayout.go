package chart

import (
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// tick is an axis label at a position along its axis.
type tick struct {
	pos   float64
	label string
}

// seriesPaths are the path strings of one series.
type seriesPaths struct {
	line, area, markers string
}

// timeLayout is where everything of a time series goes.
type timeLayout struct {
	left, top, right, bottom float64 // the plot area
	yTicks, xTicks           []tick
	paths                    []seriesPaths
}

// layoutTimeSeries places days, series and their axes in the viewBox.
func layoutTimeSeries(days []string, series []Series, format func(int64) string) timeLayout {
	ticks := niceTicks(seriesMax(series, len(days)), tsTicks)
	labels := make([]string, len(ticks))
	for i, t := range ticks {
		labels[i] = format(t)
	}
	dateWidth := textWidth("Mmm 00", tsFontSize)
	l := timeLayout{
		// room for the y labels, and for half the first date label
		left:   max(maxWidth(labels, tsFontSize)+12, dateWidth/2+4),
		top:    tsTop,
		right:  tsWidth - tsRight,
		bottom: tsHeight - tsBottom,
	}
	y := yScale{top: ticks[len(ticks)-1], bottom: l.bottom, height: l.bottom - l.top}
	for i, t := range ticks {
		l.yTicks = append(l.yTicks, tick{pos: y.at(t), label: labels[i]})
	}
	stride := labelStride(len(days), l.right-l.left, dateWidth+12)
	for i := 0; i < len(days); i += stride {
		l.xTicks = append(l.xTicks, tick{pos: l.x(i, len(days)), label: shortDay(days[i])})
	}
	every := 1
	if (l.right-l.left)/float64(len(days)) < 4*markerSize {
		every = stride // too dense for a marker on every day
	}
	for i, s := range series {
		l.paths = append(l.paths, l.seriesPaths(s, len(days), y, every, styleOf(i).marker))
	}
	return l
}

func (l timeLayout) x(i, n int) float64 { return xAt(i, n, l.left, l.right-l.left) }

// seriesPaths draws s over n days, with a marker of shape on every
// every-th day.
func (l timeLayout) seriesPaths(s Series, n int, y yScale, every, shape int) seriesPaths {
	pts := make([]point, n)
	var marked []point
	for i := range n {
		pts[i] = point{l.x(i, n), y.at(s.at(i))}
		if i%every == 0 {
			marked = append(marked, pts[i])
		}
	}
	return seriesPaths{
		line:    linePath(pts),
		area:    areaPath(pts, l.bottom),
		markers: markerPath(shape, marked, markerSize),
	}
}

// seriesMax is the largest value of any series over n days.
func seriesMax(series []Series, n int) int64 {
	var m int64
	for _, s := range series {
		for i := range n {
			m = max(m, s.at(i))
		}
	}
	return m
}

// maxWidth is the width of the widest of labels.
func maxWidth(labels []string, fontSize float64) float64 {
	widths := make([]float64, len(labels))
	for i, s := range labels {
		widths[i] = textWidth(s, fontSize)
	}
	return slices.Max(append(widths, 0))
}

// body is the SVG content: grid and y labels, x labels, then the series.
func (l timeLayout) body(area bool) []app.UI {
	var ui []app.UI
	for _, t := range l.yTicks {
		ui = append(ui,
			svgLine(point{l.left, t.pos}, point{l.right, t.pos}, gridColor),
			svgText(l.left-8, t.pos+4, "end", tsFontSize, mutedColor, t.label))
	}
	ui = append(ui, svgLine(point{l.left, l.bottom}, point{l.right, l.bottom}, axisColor))
	for _, t := range l.xTicks {
		ui = append(ui, svgText(t.pos, l.bottom+18, "middle", tsFontSize, mutedColor, t.label))
	}
	for i, p := range l.paths {
		if area {
			ui = append(ui, seriesArea(styleOf(i), p.area))
		}
	}
	for i, p := range l.paths {
		ui = append(ui, seriesLine(styleOf(i), p.line), seriesMarker(styleOf(i), p.markers))
	}
	return ui
}
