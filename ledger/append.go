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
	// AccountBalances returns the balances of accounts on their normal
	// sides; an account never posted to is absent (its balance is 0).
	AccountBalances(ctx context.Context, accounts []AccountID) (map[AccountID]int64, error)
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
	accounts := make([]AccountID, len(j.Postings))
	for i, p := range j.Postings {
		accounts[i] = p.Account
	}
	current, err := tx.AccountBalances(ctx, accounts)
	if err != nil {
		return nil, err
	}
	next := make(map[AccountID]int64, len(j.Postings))
	for _, p := range j.Postings {
		old, change := current[p.Account], p.NormalAmount()
		if b, ok := next[p.Account]; ok { // the journal's earlier posting to the account
			old = b
		}
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

// AppendPaymentEvent appends, within tx, the journals of provider event e
// that was just applied to o (o is the order after the event): the sale
// and the processor's fee when o became paid, a refund, or a dispute's
// opening and outcome. Other events append nothing. Stores call it in the
// transaction that changes the order, so the order and its journals commit
// together or not at all.
func AppendPaymentEvent(ctx context.Context, tx Tx, o *buycard.Order, e buycard.PaymentEvent) error {
	journals, err := eventJournals(ctx, tx, o, e)
	if err != nil {
		return err
	}
	for _, j := range journals {
		if _, err := Append(ctx, tx, j); err != nil {
			return err
		}
	}
	return nil
}

// eventJournals builds the journals of e applied to o.
func eventJournals(ctx context.Context, tx Tx, o *buycard.Order, e buycard.PaymentEvent) ([]Journal, error) {
	sale := SaleOf(o, RatesOf(o))
	at := e.OccurredAt
	switch e.Type {
	case buycard.PaymentSucceeded:
		if o.Status != buycard.OrderPaid {
			return nil, nil
		}
		return saleJournals(sale, e)
	case buycard.DisputeOpened, buycard.DisputeWon:
		build := DisputeOpened
		if e.Type == buycard.DisputeWon {
			build = DisputeWon
		}
		j, err := build(Dispute{Sale: sale, DisputeID: e.ObjectID, Amount: e.Amount.Amount, EffectiveAt: at})
		return []Journal{j}, err
	case buycard.PaymentRefunded, buycard.DisputeLost:
		_, released, err := tx.JournalDigest(ctx, string(KindPublisherRelease)+":"+o.ID)
		if err != nil {
			return nil, err
		}
		before := o.Reversed() - e.Amount.Amount
		var j Journal
		if e.Type == buycard.PaymentRefunded {
			j, err = Refunded(Refund{Sale: sale, RefundID: e.ObjectID, Amount: e.Amount.Amount, ReversedBefore: before, Released: released, EffectiveAt: at})
		} else {
			j, err = DisputeLost(Dispute{Sale: sale, DisputeID: e.ObjectID, Amount: e.Amount.Amount, ReversedBefore: before, Released: released, EffectiveAt: at})
		}
		return []Journal{j}, err
	}
	return nil, nil
}

// saleJournals are the sale and, when the provider reported one, its fee.
func saleJournals(sale Sale, e buycard.PaymentEvent) ([]Journal, error) {
	j, err := SalePaid(sale)
	if err != nil || e.Fee.Amount == 0 {
		return []Journal{j}, err
	}
	fee, err := ProcessorFee(Fee{FeeID: e.ID, OrderID: sale.OrderID, Provider: sale.Provider, Amount: e.Fee, EffectiveAt: e.OccurredAt})
	return []Journal{j, fee}, err
}
