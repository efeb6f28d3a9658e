package ledger

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/buycard/buycard"
)

// Share is one party's weight in a split.
type Share struct {
	Party  string
	Weight int64
}

// Split divides total among shares in proportion to their weights, in
// multiples of step, by the largest-remainder method: each party gets the
// floor of its quota, and the steps left over go one each to the parties
// with the larger remainder, then the larger weight, then the smaller party
// name. The parts are in the order of shares and sum exactly to total; a
// party's part does not depend on the order shares are listed in.
//
// total must be a non-negative multiple of step, weights non-negative with
// a positive sum that fits in int64, and party names distinct. Errors:
// EINVALID.
func Split(total int64, shares []Share, step int64) ([]int64, error) {
	weightSum, err := validateSplit(total, shares, step)
	if err != nil {
		return nil, err
	}
	units := uint64(total / step)
	parts := make([]int64, len(shares))
	remainders := make([]uint64, len(shares))
	var given uint64
	for i, s := range shares {
		hi, lo := bits.Mul64(units, uint64(s.Weight))
		// hi < weightSum because Weight <= weightSum, so Div64 cannot panic.
		q, r := bits.Div64(hi, lo, weightSum)
		parts[i], remainders[i] = int64(q), r
		given += q
	}
	for _, i := range leftoverOrder(shares, remainders)[:units-given] {
		parts[i]++
	}
	for i := range parts {
		parts[i] *= step
	}
	return parts, nil
}

// leftoverOrder returns the indexes of shares in the order leftover steps
// are handed out: larger remainder, then larger weight, then party name.
func leftoverOrder(shares []Share, remainders []uint64) []int {
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if remainders[a] != remainders[b] {
			return cmp.Compare(remainders[b], remainders[a])
		}
		if shares[a].Weight != shares[b].Weight {
			return cmp.Compare(shares[b].Weight, shares[a].Weight)
		}
		return strings.Compare(shares[a].Party, shares[b].Party)
	})
	return order
}

func validateSplit(total int64, shares []Share, step int64) (uint64, error) {
	switch {
	case step < 1:
		return 0, buycard.Errorf(buycard.EINVALID, "Split step must be positive.")
	case total < 0:
		return 0, buycard.Errorf(buycard.EINVALID, "Split total must not be negative.")
	case total%step != 0:
		return 0, buycard.Errorf(buycard.EINVALID, "Split total %d is not a multiple of %d.", total, step)
	case len(shares) == 0:
		return 0, buycard.Errorf(buycard.EINVALID, "Split needs at least one share.")
	}
	var sum int64
	seen := make(map[string]bool, len(shares))
	for _, s := range shares {
		if s.Weight < 0 {
			return 0, buycard.Errorf(buycard.EINVALID, "Share %q has a negative weight.", s.Party)
		}
		if s.Weight > math.MaxInt64-sum {
			return 0, buycard.Errorf(buycard.EINVALID, "Split weights are too large.")
		}
		if seen[s.Party] {
			return 0, buycard.Errorf(buycard.EINVALID, "Party %q is listed twice.", s.Party)
		}
		seen[s.Party] = true
		sum += s.Weight
	}
	if sum == 0 {
		return 0, buycard.Errorf(buycard.EINVALID, "Split needs a share with a positive weight.")
	}
	return uint64(sum), nil
}

// Clawback splits a reversal (refund or lost dispute) of now, after before
// was already reversed, among the parties of an original split. original
// holds each party's original part as its Weight; the original total is
// their sum. The result, in the order of original, is
// Split(before+now) − Split(before), both in proportion to the original
// parts, so it sums to now; the clawbacks of reversals adding up to the
// total sum exactly to the original parts; and each party's remaining part
// stays within [0, original]. A clawback can be negative by one step in
// rare cases (see the package comment).
//
// before and now must be non-negative multiples of step with before+now at
// most the original total. Errors: EINVALID.
func Clawback(original []Share, before, now, step int64) ([]int64, error) {
	var total int64
	for _, s := range original {
		if s.Weight < 0 || s.Weight > math.MaxInt64-total {
			return nil, buycard.Errorf(buycard.EINVALID, "Original part of %q is out of range.", s.Party)
		}
		total += s.Weight
	}
	if before < 0 || now < 0 || before > total || now > total-before {
		return nil, buycard.Errorf(buycard.EINVALID, "Cannot reverse %d after %d of an original %d.", now, before, total)
	}
	earlier, err := Split(before, original, step)
	if err != nil {
		return nil, err
	}
	sofar, err := Split(before+now, original, step)
	if err != nil {
		return nil, err
	}
	for i := range sofar {
		sofar[i] -= earlier[i]
	}
	return sofar, nil
}
