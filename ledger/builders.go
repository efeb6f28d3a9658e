package ledger

import (
	"time"

	"github.com/buycard/buycard"
)

// maxEventIDLen bounds provider event ids (refund, dispute, payout ids).
const maxEventIDLen = 150

// Sale is a paid order as the ledger sees it: the snapshots taken when the
// order was created. Refunds and disputes carry the same Sale, so they
// recompute the same original split.
type Sale struct {
	OrderID     string
	MerchantID  string
	PublisherID string // "" when no publisher made the sale
	Provider    string // payment provider name: "stripe", "sandbox"
	Total       buycard.Money
	// Shipping (net of the tax it contains) and Tax are the parts of
	// Total outside the commission base, the merchant's alone
	// (buycard.OrderPrice.ShippingNet and Tax); zero on an order without
	// them, whose base is its Total.
	Shipping, Tax int64
	Rates         Rates
	EffectiveAt   time.Time // when the provider confirmed payment
}

// SaleOf returns the Sale of a paid order with its snapshotted rates.
func SaleOf(o *buycard.Order, r Rates) Sale {
	s := Sale{
		OrderID:     o.ID,
		MerchantID:  o.MerchantID,
		PublisherID: o.PublisherID,
		Provider:    o.Provider,
		Total:       o.Total,
		Shipping:    o.ShippingNet(),
		Tax:         o.Tax,
		Rates:       r,
	}
	if o.PaidAt != nil {
		s.EffectiveAt = *o.PaidAt
	}
	return s
}

// Commission returns the original split of the sale: the rates divide
// the commission base, Total less Shipping and Tax, which stay whole
// with the merchant. Without a publisher the publisher share is zero and
// stays with the merchant. Errors: EINVALID (also Shipping or Tax
// negative, not a multiple of the minor-unit step, or more than Total).
func (s Sale) Commission() (Commission, error) {
	r := s.Rates
	if s.PublisherID == "" {
		r.PublisherBPS = 0
	}
	step := buycard.MinorUnitStep(s.Total.Currency)
	if s.Shipping < 0 || s.Tax < 0 || s.Shipping%step != 0 || s.Tax%step != 0 ||
		s.Shipping > MaxAmount || s.Tax > MaxAmount || s.Shipping+s.Tax > s.Total.Amount {
		return Commission{}, buycard.Errorf(buycard.EINVALID, "Sale shipping and tax must be non-negative multiples of %d within the total.", step)
	}
	c, err := r.Commission(buycard.Money{Amount: s.Total.Amount - s.Shipping - s.Tax, Currency: s.Total.Currency})
	if err != nil {
		return Commission{}, err
	}
	c.Total, c.Shipping, c.Tax = s.Total.Amount, s.Shipping, s.Tax
	return c, nil
}

// Memos of the merchant's postings for shipping and tax, which go to its
// payable account besides its net of the goods.
const (
	MemoShipping = "shipping"
	MemoTax      = "tax"
)

// SalePaid returns the journal "sale:ORDER": debit the provider's clearing
// account with the total; credit platform revenue with the fee, the
// publisher's pending account with the share and the merchant's payable
// with the net of the goods, and with shipping and tax in postings of
// their own (memos "shipping", "tax"). Zero legs are left out, so a sale
// without shipping or tax has the journal it always had. Errors: EINVALID.
func SalePaid(s Sale) (Journal, error) {
	if s.Total.Amount <= 0 {
		return Journal{}, buycard.Errorf(buycard.EINVALID, "Sale total must be positive.")
	}
	c, err := s.Commission()
	if err != nil {
		return Journal{}, err
	}
	cur := s.Total.Currency
	return build(KindSale, s.OrderID, s.OrderID, cur, s.EffectiveAt, append([]Posting{
		{Account: Account(Provider(s.Provider), Clearing, cur), Amount: c.Total},
	}, partyPostings(s, Pending, -1, []int64{c.Platform, c.Publisher, c.Merchant, c.Shipping, c.Tax})...))
}

// partyPostings returns the postings of the sale's parties for parts in
// the order of Commission.shares, each times sign: platform revenue, the
// publisher's account of kind publisherKind, and the merchant's payable
// for its net, its shipping and its tax.
func partyPostings(s Sale, publisherKind AccountKind, sign int64, parts []int64) []Posting {
	cur := s.Total.Currency
	payable := Account(Merchant(s.MerchantID), Payable, cur)
	return []Posting{
		{Account: Account(Platform(), Revenue, cur), Amount: sign * parts[0]},
		{Account: Account(Publisher(s.PublisherID), publisherKind, cur), Amount: sign * parts[1]},
		{Account: payable, Amount: sign * parts[2]},
		{Account: payable, Amount: sign * parts[3], Memo: MemoShipping},
		{Account: payable, Amount: sign * parts[4], Memo: MemoTax},
	}
}

// Fee is a processor fee as the provider reported it.
type Fee struct {
	FeeID       string // provider's id for the fee, e.g. its balance transaction
	OrderID     string // optional
	Provider    string
	Amount      buycard.Money // positive when charged, negative when returned
	EffectiveAt time.Time
}

// ProcessorFee returns the journal "processor_fee:FEE": debit the
// platform's processor fees, credit the provider's clearing account.
// Errors: EINVALID.
func ProcessorFee(f Fee) (Journal, error) {
	cur := f.Amount.Currency
	return build(KindProcessorFee, f.FeeID, f.OrderID, cur, f.EffectiveAt, []Posting{
		{Account: Account(Platform(), ProcessorFees, cur), Amount: f.Amount.Amount},
		{Account: Account(Provider(f.Provider), Clearing, cur), Amount: -f.Amount.Amount},
	})
}

// Refund is a full or partial refund of a sale. A full refund is one whose
// Amount is all that was not reversed before.
type Refund struct {
	Sale     Sale
	RefundID string // the provider's refund id
	Amount   int64  // minor units of the sale's currency
	// ReversedBefore is what earlier refunds and lost disputes of the
	// order took back.
	ReversedBefore int64
	// Released says the publisher share was already moved to available, so
	// the clawback is taken from there instead of from pending.
	Released    bool
	EffectiveAt time.Time
}

// Refunded returns the journal "refund:REFUND": credit the provider's
// clearing account with the amount; debit platform revenue, the publisher
// (pending, or available once released) and the merchant's payable with
// their clawbacks by cumulative allocation. Errors: EINVALID.
func Refunded(r Refund) (Journal, error) {
	source := Account(Provider(r.Sale.Provider), Clearing, r.Sale.Total.Currency)
	return reversal(KindRefund, r.RefundID, r.Sale, source, r.Amount, r.ReversedBefore, r.Released, r.EffectiveAt)
}

// Dispute is a shopper's dispute (chargeback) of a sale.
type Dispute struct {
	Sale      Sale
	DisputeID string // the provider's dispute id
	Amount    int64  // disputed minor units of the sale's currency
	// ReversedBefore and Released are as in Refund; only DisputeLost uses
	// them.
	ReversedBefore int64
	Released       bool
	EffectiveAt    time.Time
}

// DisputeOpened returns the journal "dispute_opened:DISPUTE": the processor
// withholds the amount, so debit the provider's disputed account and credit
// its clearing account. Errors: EINVALID.
func DisputeOpened(d Dispute) (Journal, error) {
	return disputeHold(KindDisputeOpened, d, d.Amount)
}

// DisputeWon returns the journal "dispute_won:DISPUTE", which returns the
// withheld amount to clearing. Errors: EINVALID.
func DisputeWon(d Dispute) (Journal, error) {
	return disputeHold(KindDisputeWon, d, -d.Amount)
}

// DisputeLost returns the journal "dispute_lost:DISPUTE": the withheld
// amount is gone, so credit the provider's disputed account and debit the
// parties with their clawbacks, as a refund would. Errors: EINVALID.
func DisputeLost(d Dispute) (Journal, error) {
	source := Account(Provider(d.Sale.Provider), Disputed, d.Sale.Total.Currency)
	return reversal(KindDisputeLost, d.DisputeID, d.Sale, source, d.Amount, d.ReversedBefore, d.Released, d.EffectiveAt)
}

func disputeHold(kind JournalKind, d Dispute, held int64) (Journal, error) {
	if d.Amount <= 0 || d.Amount > d.Sale.Total.Amount {
		return Journal{}, buycard.Errorf(buycard.EINVALID, "Disputed amount must be positive and at most the sale total.")
	}
	cur := d.Sale.Total.Currency
	return build(kind, d.DisputeID, d.Sale.OrderID, cur, d.EffectiveAt, []Posting{
		{Account: Account(Provider(d.Sale.Provider), Disputed, cur), Amount: held},
		{Account: Account(Provider(d.Sale.Provider), Clearing, cur), Amount: -held},
	})
}

// reversal builds a refund or lost-dispute journal: amount leaves source
// and is clawed back from the parties of the sale, by cumulative
// allocation over all five parts (platform, publisher, merchant net,
// shipping, tax), so the reversals of the whole total unwind each part
// exactly.
func reversal(kind JournalKind, id string, s Sale, source AccountID, amount, before int64, released bool, at time.Time) (Journal, error) {
	if amount <= 0 {
		return Journal{}, buycard.Errorf(buycard.EINVALID, "Amount must be positive.")
	}
	c, err := s.Commission()
	if err != nil {
		return Journal{}, err
	}
	back, err := Clawback(c.shares(), before, amount, buycard.MinorUnitStep(c.Currency))
	if err != nil {
		return Journal{}, err
	}
	publisherKind := Pending
	if released {
		publisherKind = Available
	}
	return build(kind, id, s.OrderID, c.Currency, at, append([]Posting{
		{Account: source, Amount: -amount},
	}, partyPostings(s, publisherKind, 1, back)...))
}

// Release moves an order's publisher share out of the hold window.
type Release struct {
	OrderID     string
	PublisherID string
	// Amount is the share still held for the order:
	// Commission.Remaining(reversed).Publisher. Skip the release when it
	// is zero.
	Amount      buycard.Money
	EffectiveAt time.Time
}

// PublisherRelease returns the journal "publisher_release:ORDER": debit the
// publisher's pending account, credit its available account. A store
// refuses it (ECONFLICT) if pending would go negative. Errors: EINVALID.
func PublisherRelease(r Release) (Journal, error) {
	return transfer(KindPublisherRelease, r.OrderID, r.OrderID, Publisher(r.PublisherID), Pending, Available, r.Amount, r.EffectiveAt)
}

// Payout pays a publisher some of its available balance.
type Payout struct {
	PayoutID    string // our id, also the idempotency key of the provider transfer
	OrderID     string // the order whose share it pays, for per-order transfers; "" for a balance
	PublisherID string
	Amount      buycard.Money
	Available   int64 // the publisher's available balance when deciding
	EffectiveAt time.Time
}

// PublisherPayout returns the journal "publisher_payout:PAYOUT": debit the
// publisher's available account, credit its paid account. Errors: EINVALID,
// ECONFLICT (Amount above Available).
func PublisherPayout(p Payout) (Journal, error) {
	if p.Amount.Amount > p.Available {
		return Journal{}, buycard.Errorf(buycard.ECONFLICT, "Payout of %d exceeds the available %d.", p.Amount.Amount, p.Available)
	}
	return transfer(KindPublisherPayout, p.PayoutID, p.OrderID, Publisher(p.PublisherID), Available, Paid, p.Amount, p.EffectiveAt)
}

// PublisherPayouts returns one payout journal per publisher available
// balance of at least the minimum of its currency (minimum[currency];
// absent means any positive balance), paying the whole balance. Each
// payout id is "BATCH/PUBLISHER/CURRENCY", so running a batch twice posts
// nothing new. Other balances are ignored. Errors: EINVALID.
func PublisherPayouts(batchID string, available []Balance, minimum map[string]int64, at time.Time) ([]Journal, error) {
	if !validID(batchID) {
		return nil, buycard.Errorf(buycard.EINVALID, "Invalid batch id %q.", batchID)
	}
	var journals []Journal
	for _, b := range available {
		a := b.Account
		if a.Kind != Available || b.Amount <= 0 || b.Amount < minimum[a.Currency] {
			continue
		}
		j, err := PublisherPayout(Payout{
			PayoutID:    batchID + "/" + a.Party.ID + "/" + a.Currency,
			PublisherID: a.Party.ID,
			Amount:      buycard.Money{Amount: b.Amount, Currency: a.Currency},
			Available:   b.Amount,
			EffectiveAt: at,
		})
		if err != nil {
			return nil, err
		}
		journals = append(journals, j)
	}
	return journals, nil
}

// TransferReversal is the provider taking back part of a transfer already
// paid to a publisher (Stripe's reverse_transfer after a refund).
type TransferReversal struct {
	ReversalID  string
	OrderID     string // the order whose transfer is reversed, when known
	PublisherID string
	Amount      buycard.Money
	EffectiveAt time.Time
}

// PublisherReversal returns the journal "publisher_reversal:REVERSAL":
// debit the publisher's paid account, credit its available account, which
// a refund after release may have left negative. A store refuses it
// (ECONFLICT) if paid would go negative. Errors: EINVALID.
func PublisherReversal(r TransferReversal) (Journal, error) {
	return transfer(KindPublisherReversal, r.ReversalID, r.OrderID, Publisher(r.PublisherID), Paid, Available, r.Amount, r.EffectiveAt)
}

// Settlement is money the provider paid out to a merchant.
type Settlement struct {
	SettlementID string
	MerchantID   string
	Provider     string
	Amount       buycard.Money
	EffectiveAt  time.Time
}

// MerchantSettlement returns the journal "merchant_settlement:SETTLEMENT":
// debit the merchant's payable, credit the provider's clearing account.
// It is a fact reported by the provider, so it is not limited by the
// payable balance. Errors: EINVALID.
func MerchantSettlement(s Settlement) (Journal, error) {
	if s.Amount.Amount <= 0 {
		return Journal{}, buycard.Errorf(buycard.EINVALID, "Amount must be positive.")
	}
	cur := s.Amount.Currency
	return build(KindMerchantSettlement, s.SettlementID, "", cur, s.EffectiveAt, []Posting{
		{Account: Account(Merchant(s.MerchantID), Payable, cur), Amount: s.Amount.Amount},
		{Account: Account(Provider(s.Provider), Clearing, cur), Amount: -s.Amount.Amount},
	})
}

// transfer builds a journal moving a positive amount between two accounts
// of one party: debit from, credit to.
func transfer(kind JournalKind, id, orderID string, p Party, from, to AccountKind, m buycard.Money, at time.Time) (Journal, error) {
	if m.Amount <= 0 {
		return Journal{}, buycard.Errorf(buycard.EINVALID, "Amount must be positive.")
	}
	return build(kind, id, orderID, m.Currency, at, []Posting{
		{Account: Account(p, from, m.Currency), Amount: m.Amount},
		{Account: Account(p, to, m.Currency), Amount: -m.Amount},
	})
}

// build returns the validated journal "kind:id", leaving out zero postings.
func build(kind JournalKind, id, orderID, currency string, at time.Time, postings []Posting) (Journal, error) {
	if !validEventID(id) {
		return Journal{}, buycard.Errorf(buycard.EINVALID, "Invalid %s id %q.", kind, id)
	}
	j := Journal{
		Key:         string(kind) + ":" + id,
		Kind:        kind,
		OrderID:     orderID,
		Currency:    currency,
		EffectiveAt: effectiveTime(at),
	}
	for _, p := range postings {
		if p.Amount != 0 {
			j.Postings = append(j.Postings, p)
		}
	}
	if err := j.Validate(); err != nil {
		return Journal{}, err
	}
	return j, nil
}

// validEventID reports whether s is 1 to 150 characters from
// [A-Za-z0-9_.-/].
func validEventID(s string) bool {
	if s == "" || len(s) > maxEventIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !idChar(s[i]) && s[i] != '/' {
			return false
		}
	}
	return true
}
