package ledger

import (
	"fmt"
	"slices"
	"strings"
	"time"
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

// StoredPosting is one row a store reads back to verify: a posting with
// its journal's columns. Effective times are Unix microseconds.
type StoredPosting struct {
	Seq         int64
	Key         string
	Kind        JournalKind
	OrderID     string
	Currency    string
	EffectiveAt int64
	Hash        string
	Posting     Posting
}

// Fields returns pointers to r's fields in the order of the stores'
// verify query, for Scan.
func (r *StoredPosting) Fields() []any {
	return []any{&r.Seq, &r.Key, &r.Kind, &r.OrderID, &r.Currency, &r.EffectiveAt, &r.Hash,
		&r.Posting.Account, &r.Posting.Amount, &r.Posting.Memo}
}

// StoredPostingsQuery selects every posting as StoredPosting.Fields scans
// it, in append order: the same SQL on SQLite and PostgreSQL. A journal
// that lost its postings still comes back, with one empty row, so that
// its digest fails.
const StoredPostingsQuery = `
	SELECT j.seq, j.key, j.kind, j.order_id, j.currency, j.effective_at, j.hash,
	       COALESCE(p.account, ''), COALESCE(p.amount, 0), COALESCE(p.memo, '')
	FROM ledger_journals j LEFT JOIN ledger_postings p ON p.journal_seq = j.seq
	ORDER BY j.seq, p.account`

// AddStored appends r to links, starting a new link when r begins a new
// journal; rows must come in append order.
func AddStored(links []Link, lastSeq *int64, r StoredPosting) []Link {
	if len(links) == 0 || r.Seq != *lastSeq {
		*lastSeq = r.Seq
		links = append(links, Link{Hash: r.Hash, Journal: Journal{
			Key: r.Key, Kind: r.Kind, OrderID: r.OrderID, Currency: r.Currency,
			EffectiveAt: time.UnixMicro(r.EffectiveAt).UTC(),
		}})
	}
	if r.Posting.Account != (AccountID{}) {
		last := &links[len(links)-1].Journal
		last.Postings = append(last.Postings, r.Posting)
	}
	return links
}
