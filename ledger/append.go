package ledger

import (
	"context"
	"math"
	"slices"

	"github.com/buycard/buycard"
)

// Tx is one store transaction as Append sees it. The database stores
// implement it on their own transactions, so that a journal can be
// appended in the same transaction as the order change it records (the
// sale journal commits with the order becoming paid, or neither does).
// The transaction must hold the ledger's append lock: appends are
// serialized, because each journal's chain hash names the one before.
type Tx interface {
	// JournalDigest returns the digest stored with the journal key, if any.
	JournalDigest(ctx context.Context, key string) (digest string, found bool, err error)
	// Head returns the sequence number and chain hash of the last journal;
	// 0 and "" for an empty ledger.
	Head(ctx context.Context) (seq int64, hash string, err error)
	// AccountBalance returns an account's balance on its normal side; 0
	// for an account never posted to.
	AccountBalance(ctx context.Context, a AccountID) (int64, error)
	// Insert writes the journal, its postings and the new balances.
	Insert(ctx context.Context, r Record) error
}

// Record is a journal as Append hands it to a store: its position in the
// chain, and the balances of the accounts it touches after it.
type Record struct {
	Seq      int64
	Journal  Journal // EffectiveAt in UTC, to the microsecond
	Digest   string
	Hash     string // ChainHash(previous hash, Journal)
	Balances map[AccountID]int64
}

// Append validates j and appends it within tx: the same key with the same
// digest is a no-op that reports Existed; the same key with other content
// is ECONFLICT; a journal that would overflow a balance or take an account
// negative where it may not is refused. On any error nothing was written,
// and the caller must roll tx back.
func Append(ctx context.Context, tx Tx, j Journal) (PostResult, error) {
	if err := j.Validate(); err != nil {
		return PostResult{}, err
	}
	j.Postings = slices.Clone(j.Postings)
	j.EffectiveAt = effectiveTime(j.EffectiveAt)
	digest := j.Digest()
	stored, found, err := tx.JournalDigest(ctx, j.Key)
	if err != nil {
		return PostResult{}, err
	}
	if found {
		if stored != digest {
			return PostResult{}, buycard.Errorf(buycard.ECONFLICT, "Journal %s already exists with other content.", j.Key)
		}
		return PostResult{Existed: true}, nil
	}
	balances, err := nextBalances(ctx, tx, j)
	if err != nil {
		return PostResult{}, err
	}
	seq, prev, err := tx.Head(ctx)
	if err != nil {
		return PostResult{}, err
	}
	return PostResult{}, tx.Insert(ctx, Record{
		Seq: seq + 1, Journal: j, Digest: digest, Hash: ChainHash(prev, j), Balances: balances,
	})
}

// nextBalances returns the balances of the accounts j touches after j, or
// an error if one would overflow or go negative where it may not.
func nextBalances(ctx context.Context, tx Tx, j Journal) (map[AccountID]int64, error) {
	next := make(map[AccountID]int64, len(j.Postings))
	for _, p := range j.Postings {
		old, err := tx.AccountBalance(ctx, p.Account)
		if err != nil {
			return nil, err
		}
		change := p.NormalAmount()
		if change > 0 && old > math.MaxInt64-change || change < 0 && old < math.MinInt64-change {
			return nil, buycard.Errorf(buycard.EINVALID, "Balance of %s would overflow.", p.Account)
		}
		if err := CheckBalance(p.Account, old+change); err != nil {
			return nil, err
		}
		if j.Kind == KindPublisherPayout && p.Account.Kind == Available && old+change < 0 {
			// available may carry a debt from refunds after release, but
			// a payout never pays out more than is available.
			return nil, buycard.Errorf(buycard.ECONFLICT, "Payout exceeds the available balance of %s.", p.Account)
		}
		next[p.Account] = old + change
	}
	return next, nil
}

// AppendSale appends, within tx, the sale journal of o when o has just
// become paid, with the rates snapshotted on o; for any other state it
// appends nothing. Stores call it in the transaction that marks the order
// paid, so there is never a paid order without its journal nor a journal
// without its paid order.
func AppendSale(ctx context.Context, tx Tx, o *buycard.Order) error {
	if o.Status != buycard.OrderPaid {
		return nil
	}
	j, err := SalePaid(SaleOf(o, RatesOf(o)))
	if err != nil {
		return err
	}
	_, err = Append(ctx, tx, j)
	return err
}
