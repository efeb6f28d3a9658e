package ledger_test

import (
	"math"
	"slices"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// Expected parts below were worked out by hand: floors of the quotas, then
// the leftover steps by remainder, weight, name.
func TestSplit(t *testing.T) {
	tests := []struct {
		name   string
		total  int64
		shares []ledger.Share
		step   int64
		want   []int64
	}{
		// 15×20/25 = 12, 15×2/25 = 1.2, 15×3/25 = 1.8: one step left, to 1.8.
		{"15 by 4/5 2/25 3/25", 15, []ledger.Share{{"a", 20}, {"b", 2}, {"c", 3}}, 1, []int64{12, 1, 2}},
		{"15 listed the other way", 15, []ledger.Share{{"c", 3}, {"b", 2}, {"a", 20}}, 1, []int64{2, 1, 12}},
		// 3.5 and 1.5: equal remainders, the larger weight wins.
		{"5 by 70/30", 5, []ledger.Share{{"big", 70}, {"small", 30}}, 1, []int64{4, 1}},
		{"5 by 30/70", 5, []ledger.Share{{"small", 30}, {"big", 70}}, 1, []int64{1, 4}},
		// Equal remainders and weights: the smaller name wins.
		{"name breaks ties", 1, []ledger.Share{{"b", 1}, {"a", 1}}, 1, []int64{0, 1}},
		{"zero total", 0, []ledger.Share{{"a", 1}, {"b", 2}}, 1, []int64{0, 0}},
		{"zero weight gets nothing", 7, []ledger.Share{{"a", 0}, {"b", 3}}, 1, []int64{0, 7}},
		// KWD: 2 steps of 10 among three equal parties.
		{"step 10", 20, []ledger.Share{{"c", 1}, {"b", 1}, {"a", 1}}, 10, []int64{0, 10, 10}},
		{"step 10 even", 30, []ledger.Share{{"a", 1}, {"b", 1}, {"c", 1}}, 10, []int64{10, 10, 10}},
		// Needs 128-bit products: MaxInt64 × (MaxInt64−1) / MaxInt64.
		{"no overflow", math.MaxInt64, []ledger.Share{{"a", math.MaxInt64 - 1}, {"b", 1}}, 1, []int64{math.MaxInt64 - 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ledger.Split(tt.total, tt.shares, tt.step)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Split(%d, %v, %d) = %v, want %v", tt.total, tt.shares, tt.step, got, tt.want)
			}
		})
	}
}

func TestSplitErrors(t *testing.T) {
	tests := []struct {
		name    string
		total   int64
		shares  []ledger.Share
		step    int64
		message string
	}{
		{"zero step", 10, []ledger.Share{{"a", 1}}, 0, "Split step must be positive."},
		{"negative total", -10, []ledger.Share{{"a", 1}}, 1, "Split total must not be negative."},
		{"total off step", 15, []ledger.Share{{"a", 1}}, 10, "Split total 15 is not a multiple of 10."},
		{"no shares", 10, nil, 1, "Split needs at least one share."},
		{"negative weight", 10, []ledger.Share{{"a", -1}, {"b", 2}}, 1, `Share "a" has a negative weight.`},
		{"duplicate party", 10, []ledger.Share{{"a", 1}, {"a", 2}}, 1, `Party "a" is listed twice.`},
		{"all zero", 10, []ledger.Share{{"a", 0}, {"b", 0}}, 1, "Split needs a share with a positive weight."},
		{"weights overflow", 10, []ledger.Share{{"a", math.MaxInt64}, {"b", 1}}, 1, "Split weights are too large."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ledger.Split(tt.total, tt.shares, tt.step)
			wantErr(t, err, buycard.EINVALID, tt.message)
		})
	}
}

// TestClawbackThirds refunds 333, 333 and 334 of a 1000-cent sale split
// platform 88, publisher 37, merchant 875 (8.75% + 3.75% of 1000: 87.5 and
// 37.5 tie on remainder, the larger weight takes the cent).
func TestClawbackThirds(t *testing.T) {
	original := []ledger.Share{{"platform", 88}, {"publisher", 37}, {"merchant", 875}}
	// split(333)  = 29.304, 12.321, 291.375 → 29, 12, 292
	// split(666)  = 58.608, 24.642, 582.750 → 58, 25, 583
	// split(1000) = 88, 37, 875
	steps := []struct {
		before, now int64
		want        []int64
	}{
		{0, 333, []int64{29, 12, 292}},
		{333, 333, []int64{29, 13, 291}},
		{666, 334, []int64{30, 12, 292}},
	}
	sum := make([]int64, 3)
	for _, s := range steps {
		got, err := ledger.Clawback(original, s.before, s.now, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, s.want) {
			t.Errorf("Clawback(before %d, now %d) = %v, want %v", s.before, s.now, got, s.want)
		}
		for i := range got {
			sum[i] += got[i]
		}
	}
	if want := []int64{88, 37, 875}; !slices.Equal(sum, want) {
		t.Errorf("clawbacks sum to %v, want the original %v", sum, want)
	}
}

func TestClawbackErrors(t *testing.T) {
	original := []ledger.Share{{"a", 60}, {"b", 40}}
	tests := []struct {
		name        string
		before, now int64
		step        int64
	}{
		{"more than the total", 50, 51, 1},
		{"negative now", 0, -1, 1},
		{"negative before", -1, 1, 1},
		{"off step", 0, 15, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ledger.Clawback(original, tt.before, tt.now, tt.step)
			wantErr(t, err, buycard.EINVALID, "")
		})
	}
}
