package ledger

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/buycard/buycard"
)

// JournalKind is the money event a journal records.
type JournalKind string

// Journal kinds. Builders name their keys "kind:event id".
const (
	KindSale               JournalKind = "sale"
	KindProcessorFee       JournalKind = "processor_fee"
	KindRefund             JournalKind = "refund"
	KindDisputeOpened      JournalKind = "dispute_opened"
	KindDisputeWon         JournalKind = "dispute_won"
	KindDisputeLost        JournalKind = "dispute_lost"
	KindPublisherRelease   JournalKind = "publisher_release"
	KindPublisherPayout    JournalKind = "publisher_payout"
	KindPublisherReversal  JournalKind = "publisher_reversal"
	KindMerchantSettlement JournalKind = "merchant_settlement"
	// KindAdjustment is an operator's correction; it has no builder.
	KindAdjustment JournalKind = "adjustment"
)

var journalKinds = map[JournalKind]bool{
	KindSale: true, KindProcessorFee: true, KindRefund: true,
	KindDisputeOpened: true, KindDisputeWon: true, KindDisputeLost: true,
	KindPublisherRelease: true, KindPublisherPayout: true, KindPublisherReversal: true,
	KindMerchantSettlement: true, KindAdjustment: true,
}

// Limits of a journal. MaxAmount (10^15 minor units, ten trillion dollars)
// keeps every sum of postings and balances far from int64 overflow.
const (
	MaxKeyLen   = 200
	MaxPostings = 32
	MaxMemoLen  = 200
	MaxAmount   = 1_000_000_000_000_000
)

// Posting is one line of a journal.
type Posting struct {
	Account AccountID `json:"account"`
	Amount  int64     `json:"amount"` // minor units; positive is a debit, negative a credit
	Memo    string    `json:"memo,omitempty"`
}

// NormalAmount returns how much p changes its account's balance on the
// account's normal side.
func (p Posting) NormalAmount() int64 { return int64(p.Account.Normal()) * p.Amount }

// Journal is one balanced money event, appended and never edited.
type Journal struct {
	Key         string      `json:"key"` // idempotency key, unique in a store
	Kind        JournalKind `json:"kind"`
	OrderID     string      `json:"order_id,omitempty"`
	Currency    string      `json:"currency"`
	Postings    []Posting   `json:"postings"`
	EffectiveAt time.Time   `json:"effective_at"`
}

// Validate returns an EINVALID error unless j is a journal a store may
// append: a well-formed key and kind, one supported currency, 2 to
// MaxPostings postings on distinct valid accounts of that currency (but
// for an account's postings with memo "shipping" and "tax"), no zero
// amount, every amount a multiple of the currency's minor-unit step and at
// most MaxAmount, and postings summing to zero.
func (j Journal) Validate() error {
	if err := j.validateHeader(); err != nil {
		return err
	}
	if len(j.Postings) < 2 || len(j.Postings) > MaxPostings {
		return buycard.Errorf(buycard.EINVALID, "Journal %s must have 2 to %d postings.", j.Key, MaxPostings)
	}
	// An account takes one posting, and besides it one for shipping and
	// one for tax (a sale's merchant net, shipping and tax).
	type line struct {
		account AccountID
		memo    string
	}
	seen := make(map[line]bool, len(j.Postings))
	var sum int64
	for _, p := range j.Postings {
		if err := j.validatePosting(p); err != nil {
			return err
		}
		l := line{p.Account, ""}
		if p.Memo == MemoShipping || p.Memo == MemoTax {
			l.memo = p.Memo
		}
		if seen[l] {
			return buycard.Errorf(buycard.EINVALID, "Journal %s posts to %s twice.", j.Key, p.Account)
		}
		seen[l] = true
		sum += p.Amount // cannot overflow: at most MaxPostings × MaxAmount
	}
	if sum != 0 {
		return buycard.Errorf(buycard.EINVALID, "Journal %s is unbalanced: postings sum to %d.", j.Key, sum)
	}
	return nil
}

func (j Journal) validateHeader() error {
	if !validKey(j.Key) {
		return buycard.Errorf(buycard.EINVALID, "Journal key must be 1 to %d printable characters without spaces.", MaxKeyLen)
	}
	if !journalKinds[j.Kind] {
		return buycard.Errorf(buycard.EINVALID, "Journal %s has unknown kind %q.", j.Key, j.Kind)
	}
	if j.OrderID != "" && !validID(j.OrderID) {
		return buycard.Errorf(buycard.EINVALID, "Journal %s has invalid order id %q.", j.Key, j.OrderID)
	}
	if !buycard.ValidCurrency(j.Currency) {
		return buycard.Errorf(buycard.EINVALID, "Journal %s has unsupported currency %q.", j.Key, j.Currency)
	}
	if j.EffectiveAt.IsZero() {
		return buycard.Errorf(buycard.EINVALID, "Journal %s has no effective time.", j.Key)
	}
	return nil
}

func (j Journal) validatePosting(p Posting) error {
	if err := p.Account.Validate(); err != nil {
		return err
	}
	if p.Account.Currency != j.Currency {
		return buycard.Errorf(buycard.EINVALID, "Journal %s is in %s but posts to %s.", j.Key, j.Currency, p.Account)
	}
	switch step := buycard.MinorUnitStep(j.Currency); {
	case p.Amount == 0:
		return buycard.Errorf(buycard.EINVALID, "Journal %s posts zero to %s.", j.Key, p.Account)
	case p.Amount > MaxAmount || p.Amount < -MaxAmount:
		return buycard.Errorf(buycard.EINVALID, "Journal %s posts too large an amount to %s.", j.Key, p.Account)
	case p.Amount%step != 0:
		return buycard.Errorf(buycard.EINVALID, "Journal %s posts %d to %s: %s amounts must be multiples of %d.", j.Key, p.Amount, p.Account, j.Currency, step)
	}
	if len(p.Memo) > MaxMemoLen || !utf8.ValidString(p.Memo) {
		return buycard.Errorf(buycard.EINVALID, "Journal %s has a memo that is not UTF-8 of at most %d bytes.", j.Key, MaxMemoLen)
	}
	return nil
}

// validKey reports whether s is 1 to MaxKeyLen printable ASCII characters
// without spaces.
func validKey(s string) bool {
	if s == "" || len(s) > MaxKeyLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// Canonical returns the encoding of j's content that Digest hashes: each
// field as a netstring ("len:bytes,"), the effective time as Unix
// microseconds (what PostgreSQL keeps), and the postings sorted by account
// then memo, so their listing order is not content. Stores should keep EffectiveAt to
// the microsecond; builders already truncate it.
func (j Journal) Canonical() []byte {
	postings := slices.Clone(j.Postings)
	slices.SortFunc(postings, comparePostings)
	b := []byte("buycard-ledger-journal-v1\n")
	b = netstring(b, j.Key)
	b = netstring(b, string(j.Kind))
	b = netstring(b, j.OrderID)
	b = netstring(b, j.Currency)
	b = netstring(b, strconv.FormatInt(j.EffectiveAt.UnixMicro(), 10))
	b = netstring(b, strconv.Itoa(len(postings)))
	for _, p := range postings {
		b = netstring(b, p.Account.String())
		b = netstring(b, strconv.FormatInt(p.Amount, 10))
		b = netstring(b, p.Memo)
	}
	return b
}

// comparePostings orders postings by account, then memo: how Canonical
// and the stores list them.
func comparePostings(a, b Posting) int {
	return cmp.Or(strings.Compare(a.Account.String(), b.Account.String()), strings.Compare(a.Memo, b.Memo))
}

func netstring(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	b = append(b, s...)
	return append(b, ',')
}

// Digest returns the hex SHA-256 of j's canonical encoding. Two journals
// with the same key are the same journal exactly when their digests are
// equal.
func (j Journal) Digest() string {
	sum := sha256.Sum256(j.Canonical())
	return hex.EncodeToString(sum[:])
}

// ChainHash returns the hash that links j after the journal whose chain
// hash is prev; the first journal of a store has prev "". A store records it
// with each journal so that VerifyChain can find the first altered one.
func ChainHash(prev string, j Journal) string {
	return chainHash(prev, j.Digest())
}

// chainHash is ChainHash of the journal whose Digest is digest.
func chainHash(prev, digest string) string {
	sum := sha256.Sum256([]byte("buycard-ledger-chain-v1\n" + prev + "\n" + digest))
	return hex.EncodeToString(sum[:])
}

// Link is a stored journal with the chain hash its store recorded.
type Link struct {
	Journal Journal `json:"journal"`
	Hash    string  `json:"hash"`
}

// VerifyChain recomputes the chain over links, in append order from the
// first journal, and returns the index of the first link whose journal or
// hash was altered, or -1 if the chain is intact.
func VerifyChain(links []Link) int {
	prev := ""
	for i, l := range links {
		if ChainHash(prev, l.Journal) != l.Hash {
			return i
		}
		prev = l.Hash
	}
	return -1
}

// effectiveTime is t as stores keep it: UTC, to the microsecond.
func effectiveTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}
