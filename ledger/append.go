package ledger

import (
	"context"
	"maps"
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
	// JournalDigests returns the digests stored with those of keys that
	// exist, by key.
	JournalDigests(ctx context.Context, keys []string) (map[string]string, error)
	// State reads what AppendAll decides journals on: the digests of
	// keys, the balances of accounts and the head, together (PostgreSQL
	// in one round trip).
	State(ctx context.Context, keys []string, accounts []AccountID) (State, error)
	// Insert writes the batch: its journals with their postings, the
	// balances after them, and the new head (the last record's).
	Insert(ctx context.Context, b Batch) error
}

// State is what a store holds that a batch of appends depends on.
type State struct {
	Digests map[string]string // by key, of the keys asked for that exist
	// Balances are on the accounts' normal sides; an account never
	// posted to is absent (its balance is 0).
	Balances map[AccountID]int64
	// Seq and Hash are the sequence number and chain hash of the last
	// journal; 0 and "" for an empty ledger.
	Seq  int64
	Hash string
}

// Record is a journal as Append hands it to a store: its position in the
// chain and its digest and chain hash.
type Record struct {
	Seq     int64
	Journal Journal // EffectiveAt in UTC, to the microsecond
	Digest  string
	Hash    string // ChainHash(previous hash, Journal)
}

// Batch is what one AppendAll writes: the new journals in chain order,
// each record's Seq one more than the one before it, and the balance of
// every account they post to after the last of them.
type Batch struct {
	Records  []Record
	Balances map[AccountID]int64
}

// Outcome is what became of one journal of AppendAll: appended (or found
// already there, Result.Existed), or refused with Err.
type Outcome struct {
	Result PostResult
	Err    error
}

// Append validates j and appends it within tx: the same key with the same
// digest is a no-op that reports Existed; the same key with other content
// is ECONFLICT; a journal that would overflow a balance or take an account
// negative where it may not is refused. On any error nothing was written,
// and the caller must roll tx back.
func Append(ctx context.Context, tx Tx, j Journal) (PostResult, error) {
	outcomes, err := AppendAll(ctx, tx, []Journal{j})
	if err != nil {
		return PostResult{}, err
	}
	return outcomes[0].Result, outcomes[0].Err
}

// AppendAll appends journals within tx as if Append were called on each
// in turn, refusing some without undoing the others: journal i sees the
// balances, keys and head that journals 0..i-1 left, and a refused
// journal leaves them as they were. It reads what the batch needs once
// (the stored digests of its keys, the balances of its accounts, the
// head), decides every journal in memory, and writes the appended ones in
// one Insert, so a batch costs a few statements however many journals it
// holds. The error is the store's: then nothing may be kept, and the
// caller rolls tx back; otherwise there is one Outcome per journal.
func AppendAll(ctx context.Context, tx Tx, journals []Journal) ([]Outcome, error) {
	outcomes := make([]Outcome, len(journals))
	var valid []Journal
	for i, j := range journals {
		if outcomes[i].Err = j.Validate(); outcomes[i].Err == nil {
			valid = append(valid, j)
		}
	}
	b, err := newBatcher(ctx, tx, valid)
	if err != nil {
		return nil, err
	}
	for i, j := range journals {
		if outcomes[i].Err == nil {
			outcomes[i].Result, outcomes[i].Err = b.add(j)
		}
	}
	if len(b.batch.Records) == 0 {
		return outcomes, nil
	}
	return outcomes, tx.Insert(ctx, b.batch)
}

// batcher decides the journals of one AppendAll against what the store
// held before it and what the batch appended so far.
type batcher struct {
	digests  map[string]string   // by key: stored, then appended here
	balances map[AccountID]int64 // of every account the batch may touch
	seq      int64
	hash     string
	batch    Batch
}

// newBatcher reads the digests, balances and head that journals, all
// valid, need.
func newBatcher(ctx context.Context, tx Tx, journals []Journal) (*batcher, error) {
	var keys []string
	var accounts []AccountID
	for _, j := range journals {
		keys = append(keys, j.Key)
		for _, p := range j.Postings {
			accounts = append(accounts, p.Account)
		}
	}
	b := &batcher{batch: Batch{Balances: make(map[AccountID]int64)}}
	if len(keys) == 0 {
		return b, nil
	}
	state, err := tx.State(ctx, keys, uniqueAccounts(accounts))
	if err != nil {
		return nil, err
	}
	b.digests, b.balances = maps.Clone(state.Digests), maps.Clone(state.Balances)
	b.seq, b.hash = state.Seq, state.Hash
	if b.digests == nil {
		b.digests = make(map[string]string)
	}
	if b.balances == nil {
		b.balances = make(map[AccountID]int64)
	}
	return b, nil
}

// add decides j, a valid journal: appended to the batch, found already
// there, or refused.
func (b *batcher) add(j Journal) (PostResult, error) {
	j.Postings = slices.Clone(j.Postings)
	j.EffectiveAt = effectiveTime(j.EffectiveAt)
	digest := j.Digest()
	if stored, found := b.digests[j.Key]; found {
		if stored != digest {
			return PostResult{}, buycard.Errorf(buycard.ECONFLICT, "Journal %s already exists with other content.", j.Key)
		}
		return PostResult{Existed: true}, nil
	}
	next, err := nextBalances(b.balances, j)
	if err != nil {
		return PostResult{}, err
	}
	maps.Copy(b.balances, next)
	maps.Copy(b.batch.Balances, next)
	b.digests[j.Key] = digest
	b.seq, b.hash = b.seq+1, chainHash(b.hash, digest)
	b.batch.Records = append(b.batch.Records, Record{Seq: b.seq, Journal: j, Digest: digest, Hash: b.hash})
	return PostResult{}, nil
}

// uniqueAccounts returns accounts without repeats, in first-seen order.
func uniqueAccounts(accounts []AccountID) []AccountID {
	seen := make(map[AccountID]bool, len(accounts))
	out := accounts[:0:0]
	for _, a := range accounts {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// nextBalances returns the balances of the accounts j touches after j,
// from current (an account absent is at 0), or an error if one would
// overflow or go negative where it may not.
func nextBalances(current map[AccountID]int64, j Journal) (map[AccountID]int64, error) {
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
		release := string(KindPublisherRelease) + ":" + o.ID
		stored, err := tx.JournalDigests(ctx, []string{release})
		if err != nil {
			return nil, err
		}
		_, released := stored[release]
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
