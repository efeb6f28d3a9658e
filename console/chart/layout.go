package chart

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// point is a position in SVG user units.
type point struct{ x, y float64 }

// niceTicks returns the y-axis ticks for values up to max: 0 and then
// equal steps of 1, 2 or 5 times a power of ten, at most count steps, the
// last tick at or above max. With nothing to show (max ≤ 0) the axis is
// 0 to 1.
func niceTicks(max int64, count int) []int64 {
	if max <= 0 {
		return []int64{0, 1}
	}
	if count < 1 {
		count = 1
	}
	step := niceStep(ceilDiv(max, int64(count)))
	n := ceilDiv(max, step)
	ticks := make([]int64, 0, n+1)
	for i := int64(0); i <= n; i++ {
		ticks = append(ticks, i*step)
	}
	return ticks
}

// niceStep returns the smallest 1, 2 or 5 times a power of ten that is at
// least raw (raw > 0).
func niceStep(raw int64) int64 {
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if m*p >= raw {
				return m * p
			}
		}
		if p > math.MaxInt64/100 {
			return raw
		}
	}
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// yScale maps values from 0 to top onto the pixel rows bottom to
// bottom-height (SVG y grows downwards).
type yScale struct {
	top            int64
	bottom, height float64
}

func (s yScale) at(v int64) float64 {
	if s.top <= 0 {
		return s.bottom
	}
	return s.bottom - float64(v)/float64(s.top)*s.height
}

// xAt places day i of n across the width from left; a single day sits in
// the middle.
func xAt(i, n int, left, width float64) float64 {
	if n <= 1 {
		return left + width/2
	}
	return left + float64(i)*width/float64(n-1)
}

// num writes f rounded to one decimal, without trailing zeros: "12",
// "12.5", "-3.2".
func num(f float64) string {
	r := math.Round(f*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// linePath is the SVG path through pts: "M x y L x y …".
func linePath(pts []point) string {
	var b strings.Builder
	for i, p := range pts {
		if i == 0 {
			b.WriteString("M")
		} else {
			b.WriteString(" L")
		}
		b.WriteString(num(p.x) + " " + num(p.y))
	}
	return b.String()
}

// areaPath closes the line through pts down to the baseline y = base.
func areaPath(pts []point, base float64) string {
	if len(pts) == 0 {
		return ""
	}
	last, first := pts[len(pts)-1], pts[0]
	return linePath(pts) + " L" + num(last.x) + " " + num(base) +
		" L" + num(first.x) + " " + num(base) + " Z"
}

// Marker shapes, so series differ by more than their color.
const (
	markerCircle = iota
	markerSquare
	markerTriangle
	markerDiamond
)

// markerPath draws one marker of shape (radius r) on each of pts, as the
// subpaths of a single path.
func markerPath(shape int, pts []point, r float64) string {
	parts := make([]string, 0, len(pts))
	for _, p := range pts {
		parts = append(parts, marker(shape, p, r))
	}
	return strings.Join(parts, " ")
}

func marker(shape int, p point, r float64) string {
	x, y, d, rr := num(p.x), num(p.y), num(2*r), num(r)
	switch shape {
	case markerSquare:
		return "M" + num(p.x-r) + " " + num(p.y-r) + " h" + d + " v" + d + " h-" + d + " Z"
	case markerTriangle:
		return "M" + x + " " + num(p.y-r) + " L" + num(p.x+r) + " " + num(p.y+r) +
			" L" + num(p.x-r) + " " + num(p.y+r) + " Z"
	case markerDiamond:
		return "M" + x + " " + num(p.y-r) + " L" + num(p.x+r) + " " + y +
			" L" + x + " " + num(p.y+r) + " L" + num(p.x-r) + " " + y + " Z"
	default:
		return "M" + num(p.x-r) + " " + y + " a" + rr + " " + rr + " 0 1 0 " + d + " 0" +
			" a" + rr + " " + rr + " 0 1 0 -" + d + " 0"
	}
}

// labelStride returns k such that labelling every k-th of n days, from
// the first, keeps labels of labelWidth apart across width.
func labelStride(n int, width, labelWidth float64) int {
	if n <= 1 || labelWidth <= 0 {
		return 1
	}
	fit := int(width/labelWidth) + 1 // labels that fit, both ends included
	if fit < 2 {
		return n
	}
	return max(1, (n-1+fit-2)/(fit-1))
}

// textWidth estimates the width of s in SVG user units at fontSize, for a
// sans-serif font (digits and most letters are about 0.6 em).
func textWidth(s string, fontSize float64) float64 {
	return float64(utf8.RuneCountInString(s)) * fontSize * 0.62
}

// shortDay writes a DayLayout day as "Dec 1"; longDay as "Dec 1, 2026".
// A malformed day is written as it is.
func shortDay(day string) string { return formatDay(day, "Jan 2") }
func longDay(day string) string  { return formatDay(day, "Jan 2, 2006") }

func formatDay(day, layout string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return t.Format(layout)
}

// Count writes n with comma thousands separators: "1,234,567".
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

// Percent writes n/of as a percentage rounded to 0.1 ("12.5%", "100%"),
// "<0.1%" for a share too small to round to 0.1, and "" when of is 0.
func Percent(n, of int64) string {
	if of == 0 {
		return ""
	}
	p := math.Round(float64(n)/float64(of)*1000) / 10
	if p == 0 && n > 0 {
		return "<0.1%"
	}
	return num(p) + "%"
}
