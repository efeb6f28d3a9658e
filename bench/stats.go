package main

import (
	"math"
	"slices"
	"time"
)

// Median returns the median of xs (the mean of the two middle values for an
// even count), or NaN when xs is empty. It does not change xs.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := sorted(xs)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

// Percentiles returns the p-th percentiles (0 < p ≤ 100) of xs by the
// nearest-rank method: the smallest value with at least p% of the values at
// or below it. It sorts one copy of xs for all of them; each is NaN when xs
// is empty.
func Percentiles(xs []float64, ps ...float64) []float64 {
	s := sorted(xs)
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = nearestRank(s, p)
	}
	return out
}

func nearestRank(sorted []float64, p float64) float64 {
	if len(sorted) == 0 || p <= 0 || p > 100 {
		return math.NaN()
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}

// Ratio returns a/b, or NaN when b is zero or either is NaN.
func Ratio(a, b float64) float64 {
	if b == 0 || math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return a / b
}

// medianOf is the median of one figure of each run.
func medianOf[T any](runs []T, figure func(T) float64) float64 {
	xs := make([]float64, len(runs))
	for i, r := range runs {
		xs[i] = figure(r)
	}
	return Median(xs)
}

// Milliseconds converts durations to float milliseconds.
func Milliseconds(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d) / float64(time.Millisecond)
	}
	return out
}

func sorted(xs []float64) []float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s
}
