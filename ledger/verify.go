package ledger

import (
	"fmt"
	"slices"
	"strings"
)

// Verification is what checking a store's ledger found.
type Verification struct {
	Journals int `json:"journals"`
	// FirstAltered is the position (from 1) and key of the first journal
	// whose content or chain hash no longer matches the chain; 0 and ""
	// when the chain is intact. Every journal after it is suspect too.
	FirstAltered    int64  `json:"first_altered,omitempty"`
	FirstAlteredKey string `json:"first_altered_key,omitempty"`
	// BalanceMismatches are the accounts whose stored balance is not the
	// sum of their postings, sorted.
	BalanceMismatches []string `json:"balance_mismatches,omitempty"`
}

// OK reports whether the ledger verified.
func (v Verification) OK() bool {
	return v.FirstAltered == 0 && len(v.BalanceMismatches) == 0
}

// String says what was found, in one line.
func (v Verification) String() string {
	if v.OK() {
		return fmt.Sprintf("ledger ok: %d journals, chain intact, balances match postings", v.Journals)
	}
	var problems []string
	if v.FirstAltered != 0 {
		problems = append(problems, fmt.Sprintf("journal #%d (%s) is the first that does not match the chain", v.FirstAltered, v.FirstAlteredKey))
	}
	if len(v.BalanceMismatches) > 0 {
		problems = append(problems, "balances differ from postings: "+strings.Join(v.BalanceMismatches, ", "))
	}
	return fmt.Sprintf("ledger NOT ok (%d journals): %s", v.Journals, strings.Join(problems, "; "))
}

// Verify checks journals as a store read them back, in append order with
// the chain hashes it recorded, against the chain and against the stored
// balances (on each account's normal side).
func Verify(links []Link, balances map[AccountID]int64) Verification {
	v := Verification{Journals: len(links)}
	if i := VerifyChain(links); i >= 0 {
		v.FirstAltered, v.FirstAlteredKey = int64(i+1), links[i].Journal.Key
	}
	sums := make(map[AccountID]int64)
	for _, l := range links {
		for _, p := range l.Journal.Postings {
			sums[p.Account] += p.NormalAmount()
		}
	}
	for a, stored := range balances {
		if sums[a] != stored {
			v.BalanceMismatches = append(v.BalanceMismatches, a.String())
		}
	}
	for a := range sums {
		if _, ok := balances[a]; !ok {
			v.BalanceMismatches = append(v.BalanceMismatches, a.String())
		}
	}
	slices.Sort(v.BalanceMismatches)
	return v
}

// JournalsOf returns the journals of links.
func JournalsOf(links []Link) []Journal {
	out := make([]Journal, len(links))
	for i, l := range links {
		out[i] = l.Journal
	}
	return out
}
