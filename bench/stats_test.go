package main

import (
	"math"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		name string
		xs   []float64
		want float64
	}{
		{"empty", nil, math.NaN()},
		{"one", []float64{7}, 7},
		{"odd count unsorted", []float64{9, 1, 5}, 5},
		{"even count is the mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
		{"outlier does not move it", []float64{10, 11, 12, 1000}, 11.5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Median(tt.xs); !same(got, tt.want) {
				t.Errorf("Median(%v) = %v, want %v", tt.xs, got, tt.want)
			}
		})
	}
}

func TestMedianLeavesInputAlone(t *testing.T) {
	xs := []float64{3, 1, 2}
	Median(xs)
	if xs[0] != 3 || xs[1] != 1 || xs[2] != 2 {
		t.Errorf("Median reordered its input: %v", xs)
	}
}

func TestPercentiles(t *testing.T) {
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(100 - i) // 100 … 1, unsorted on purpose
	}
	for _, tt := range []struct {
		name string
		xs   []float64
		ps   []float64
		want []float64
	}{
		{"1 to 100", hundred, []float64{50, 99, 100}, []float64{50, 99, 100}},
		{"nearest rank rounds up", []float64{1, 2, 3, 4, 5}, []float64{50, 99}, []float64{3, 5}},
		{"tiny p is the minimum", []float64{5, 6}, []float64{0.1}, []float64{5}},
		{"one value", []float64{42}, []float64{50, 99}, []float64{42, 42}},
		{"empty", nil, []float64{50}, []float64{math.NaN()}},
		{"p out of range", []float64{1, 2}, []float64{0, 101}, []float64{math.NaN(), math.NaN()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Percentiles(tt.xs, tt.ps...)
			for i := range got {
				if !same(got[i], tt.want[i]) {
					t.Errorf("p%v = %v, want %v", tt.ps[i], got[i], tt.want[i])
				}
			}
		})
	}
}

func TestRatio(t *testing.T) {
	for _, tt := range []struct {
		name string
		a, b float64
		want float64
	}{
		{"plain", 3, 2, 1.5},
		{"zero baseline", 3, 0, math.NaN()},
		{"missing figure", math.NaN(), 2, math.NaN()},
		{"missing baseline", 2, math.NaN(), math.NaN()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Ratio(tt.a, tt.b); !same(got, tt.want) {
				t.Errorf("Ratio(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestMilliseconds(t *testing.T) {
	got := Milliseconds([]time.Duration{1500 * time.Microsecond, 2 * time.Second})
	if got[0] != 1.5 || got[1] != 2000 {
		t.Errorf("Milliseconds = %v, want [1.5 2000]", got)
	}
}

// same is == that also holds for two NaNs.
func same(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

func TestMedianOf(t *testing.T) {
	type run struct{ ms float64 }
	got := medianOf([]run{{30}, {10}, {20}}, func(r run) float64 { return r.ms })
	if got != 20 {
		t.Errorf("medianOf = %v, want 20", got)
	}
}
