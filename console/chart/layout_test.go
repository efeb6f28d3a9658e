package chart

import (
	"slices"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		name string
		max  int64
		want []int64
	}{
		{"all zeros", 0, []int64{0, 1}},
		{"negative", -5, []int64{0, 1}},
		{"one", 1, []int64{0, 1}},
		{"seven", 7, []int64{0, 2, 4, 6, 8}},
		{"ten", 10, []int64{0, 2, 4, 6, 8, 10}},
		{"2340", 2340, []int64{0, 500, 1000, 1500, 2000, 2500}},
		{"just above a step", 1001, []int64{0, 500, 1000, 1500}},
		{"money 98765 cents", 98765, []int64{0, 20000, 40000, 60000, 80000, 100000}},
		{"10^12", 1e12, []int64{0, 2e11, 4e11, 6e11, 8e11, 1e12}},
		{"near 10^12", 999_999_999_999, []int64{0, 2e11, 4e11, 6e11, 8e11, 1e12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := niceTicks(tt.max, 5); !slices.Equal(got, tt.want) {
				t.Errorf("niceTicks(%d) = %v, want %v", tt.max, got, tt.want)
			}
		})
	}
}

func TestNiceTicksCoverAndStepBy125(t *testing.T) {
	for _, m := range []int64{3, 17, 99, 101, 4321, 77_777, 123_456_789, 5e11, 3_141_592_653_589} {
		ticks := niceTicks(m, 5)
		step := ticks[1]
		for step%10 == 0 {
			step /= 10
		}
		if !slices.Contains([]int64{1, 2, 5}, step) || ticks[len(ticks)-1] < m || len(ticks) > 6 {
			t.Errorf("niceTicks(%d) = %v", m, ticks)
		}
	}
}

func TestNum(t *testing.T) {
	tests := map[float64]string{0: "0", 12: "12", 12.25: "12.3", 12.04: "12", -3.16: "-3.2", -0.01: "0", 1e12 / 3: "333333333333.3"}
	for f, want := range tests {
		if got := num(f); got != want {
			t.Errorf("num(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestPaths(t *testing.T) {
	pts := []point{{10, 20}, {30.04, 40.06}, {50, 0}}
	if got, want := linePath(pts), "M10 20 L30 40.1 L50 0"; got != want {
		t.Errorf("linePath = %q, want %q", got, want)
	}
	if got, want := areaPath(pts, 100), "M10 20 L30 40.1 L50 0 L50 100 L10 100 Z"; got != want {
		t.Errorf("areaPath = %q, want %q", got, want)
	}
	if got := areaPath(nil, 100); got != "" {
		t.Errorf("areaPath(nil) = %q", got)
	}
	if got, want := linePath(pts[:1]), "M10 20"; got != want {
		t.Errorf("single point = %q, want %q", got, want)
	}
}

func TestMarkers(t *testing.T) {
	p := point{10, 10}
	tests := []struct {
		shape int
		want  string
	}{
		{markerCircle, "M7 10 a3 3 0 1 0 6 0 a3 3 0 1 0 -6 0"},
		{markerSquare, "M7 7 h6 v6 h-6 Z"},
		{markerTriangle, "M10 7 L13 13 L7 13 Z"},
		{markerDiamond, "M10 7 L13 10 L10 13 L7 10 Z"},
	}
	for _, tt := range tests {
		if got := marker(tt.shape, p, 3); got != tt.want {
			t.Errorf("marker(%d) = %q, want %q", tt.shape, got, tt.want)
		}
	}
	if got := markerPath(markerSquare, []point{{0, 0}, {10, 0}}, 1); strings.Count(got, "M") != 2 {
		t.Errorf("markerPath = %q, want two subpaths", got)
	}
}

func TestLabelStride(t *testing.T) {
	tests := []struct {
		name         string
		n            int
		width, label float64
		want         int
	}{
		{"no days", 0, 600, 50, 1},
		{"single day", 1, 600, 50, 1},
		{"few days all fit", 7, 600, 50, 1},
		{"a month", 30, 600, 50, 3},
		{"a year", 366, 600, 50, 31},
		{"narrower than a label", 10, 40, 50, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := labelStride(tt.n, tt.width, tt.label)
			if got != tt.want {
				t.Fatalf("labelStride = %d, want %d", got, tt.want)
			}
			if labels := (tt.n-1)/got + 1; tt.n > 1 && got < tt.n && float64(labels-1)*tt.label > tt.width {
				t.Errorf("%d labels of %v do not fit in %v", labels, tt.label, tt.width)
			}
		})
	}
}

func TestYScale(t *testing.T) {
	s := yScale{top: 1000, bottom: 270, height: 250}
	for v, want := range map[int64]float64{0: 270, 500: 145, 1000: 20} {
		if got := s.at(v); got != want {
			t.Errorf("at(%d) = %v, want %v", v, got, want)
		}
	}
	if got := (yScale{bottom: 270, height: 250}).at(5); got != 270 {
		t.Errorf("empty scale at(5) = %v", got)
	}
	if got := xAt(0, 1, 40, 600); got != 340 {
		t.Errorf("single day x = %v, want the middle", got)
	}
}

func TestCount(t *testing.T) {
	tests := map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234", 1e12: "1,000,000,000,000"}
	for n, want := range tests {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		n, of int64
		want  string
	}{
		{1, 8, "12.5%"},
		{1, 3, "33.3%"},
		{2, 3, "66.7%"},
		{5, 5, "100%"},
		{0, 5, "0%"},
		{1, 1e12, "<0.1%"},
		{3, 0, ""},
	}
	for _, tt := range tests {
		if got := Percent(tt.n, tt.of); got != tt.want {
			t.Errorf("Percent(%d, %d) = %q, want %q", tt.n, tt.of, got, tt.want)
		}
	}
}

func TestDayLabels(t *testing.T) {
	if got := shortDay("2026-12-01"); got != "Dec 1" {
		t.Errorf("shortDay = %q", got)
	}
	if got := longDay("2026-12-01"); got != "Dec 1, 2026" {
		t.Errorf("longDay = %q", got)
	}
	if got := shortDay("soon"); got != "soon" {
		t.Errorf("malformed day = %q", got)
	}
}
