package ledger

import (
	"context"
	"time"

	"github.com/buycard/buycard"
)

// Store is an append-only ledger. The SQLite and PostgreSQL stores
// implement it; Memory is the reference model they are tested against.
type Store interface {
	// Post validates j and appends it in one transaction with the balance
	// changes and its chain hash. Posting a key again with the same Digest
	// changes nothing and returns Existed. Errors: EINVALID (j.Validate),
	// ECONFLICT (the key exists with another digest, or an account that
	// may not go negative would; nothing is written).
	Post(ctx context.Context, j Journal) (PostResult, error)

	// Balance returns a's balance on its normal side; zero if nothing was
	// ever posted to it. Errors: EINVALID (a.Validate).
	Balance(ctx context.Context, a AccountID) (Balance, error)

	// Balances returns every account of p that was ever posted to, sorted
	// by the text form of the account id. Errors: EINVALID (p.Validate).
	Balances(ctx context.Context, p Party) ([]Balance, error)

	// Statement returns the entries of one account in append order,
	// after q.After and at most q.Limit of them. Errors: EINVALID.
	Statement(ctx context.Context, q StatementQuery) ([]Entry, error)
}

// Books is a database store's whole ledger: Store plus what the
// operator's jobs and tools read.
type Books interface {
	Store

	// VerifyLedger reads every journal back and checks the hash chain and
	// the stored balances (Verify).
	VerifyLedger(ctx context.Context) (Verification, error)

	// BalancesOfKind returns every balance of accounts of party kind pk
	// and account kind k ("every publisher's available balance"), sorted
	// by account.
	BalancesOfKind(ctx context.Context, pk PartyKind, k AccountKind) ([]Balance, error)

	// OrderJournals returns the journals about one order in append order:
	// its split, and whatever happened to the money since.
	OrderJournals(ctx context.Context, orderID string) ([]Journal, error)

	// DueReleases returns, for sales effective before cutoff whose
	// publisher share was not released yet, the release of what is still
	// pending of each (the share less clawbacks, when positive), effective
	// at now; at most 1000 at a time.
	DueReleases(ctx context.Context, cutoff, now time.Time) ([]Release, error)
}

// PostResult says what Post did.
type PostResult struct {
	// Existed is true when a journal with the same key and content was
	// already there, so nothing was written.
	Existed bool
}

// Balance is an account's balance on its normal side: a publisher's
// pending 500 means the platform owes the publisher 500.
type Balance struct {
	Account AccountID `json:"account"`
	Amount  int64     `json:"amount"`
}

// Money returns b as an amount of its account's currency.
func (b Balance) Money() buycard.Money {
	return buycard.Money{Amount: b.Amount, Currency: b.Account.Currency}
}

// StatementQuery selects entries of one account.
type StatementQuery struct {
	Account AccountID
	After   int64 // only entries with a larger Seq; 0 from the start
	// Limit is at most how many journals' entries; 0 means all. A page
	// never ends inside a journal, whose entries on one account (a
	// sale's net, shipping and tax to the merchant) share its Seq: the
	// next page starts after the last entry's Seq (NextAfter).
	Limit int
}

// NextAfter is the After of the page following entries, a page of q: the
// last entry's Seq when the page is full (Limit journals), else 0, the
// page being the last.
func (q StatementQuery) NextAfter(entries []Entry) int64 {
	journals := 0
	for i, e := range entries {
		if i == 0 || e.Seq != entries[i-1].Seq {
			journals++
		}
	}
	if q.Limit == 0 || journals < q.Limit {
		return 0
	}
	return entries[len(entries)-1].Seq
}

// Validate returns an EINVALID error for a bad account, position or
// limit.
func (q StatementQuery) Validate() error {
	if err := q.Account.Validate(); err != nil {
		return err
	}
	if q.After < 0 || q.Limit < 0 {
		return buycard.Errorf(buycard.EINVALID, "Statement position and limit must not be negative.")
	}
	return nil
}

// Entry is one posting on an account's statement.
type Entry struct {
	// Seq is the journal's position in the store's append order, from 1.
	Seq         int64       `json:"seq"`
	JournalKey  string      `json:"journal_key"`
	Kind        JournalKind `json:"kind"`
	OrderID     string      `json:"order_id,omitempty"`
	EffectiveAt time.Time   `json:"effective_at"`
	Memo        string      `json:"memo,omitempty"`
	Amount      int64       `json:"amount"`  // change on the account's normal side
	Balance     int64       `json:"balance"` // running balance after the entry
}
