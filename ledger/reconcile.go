package ledger

import (
	"context"
	"time"

	"github.com/buycard/buycard"
)

// ProviderJournal is a journal of money the payment provider moved, with
// the provider's ids it is known by there, for reconciliation.
type ProviderJournal struct {
	Journal Journal
	// PaymentID is the order's payment at the provider (Stripe: payment
	// intent), which its charge, application fee and refunds name.
	PaymentID string
	// ProviderID is, for a share transfer (KindPublisherPayout), the
	// provider's transfer ("tr_…"); "" otherwise.
	ProviderID string
}

// ProviderBooks is what a reconciliation reads of a store. Both database
// stores implement it.
type ProviderBooks interface {
	// ProviderJournals returns the journals effective in [from, to) of
	// sales, refunds, share transfers and share reversals of orders paid
	// through provider, in append order.
	ProviderJournals(ctx context.Context, provider string, from, to time.Time) ([]ProviderJournal, error)
	// PaymentOrders returns, of paymentIDs, those that are the payment
	// of an order paid through provider, with the order's id.
	PaymentOrders(ctx context.Context, provider string, paymentIDs []string) (map[string]string, error)
	// ProviderOrders returns, of orderIDs, those of orders paid, or
	// being paid, through provider, each mapped to itself.
	ProviderOrders(ctx context.Context, provider string, orderIDs []string) (map[string]string, error)
	// TransferShares returns, of transferIDs (the provider's "tr_…"),
	// those that made a share transfer, with its id ("ORDER/N").
	TransferShares(ctx context.Context, transferIDs []string) (map[string]string, error)
}

// ProviderMoney returns the amounts of the provider's objects journal j
// records, by kind, in minor units of j's currency: a sale's charge (its
// total) and application fee (the platform fee plus the publisher share,
// absent when zero), a refund, a share transfer, a share reversal. Other
// journals record none.
func ProviderMoney(j Journal) map[buycard.MoneyKind]int64 {
	m := map[buycard.MoneyKind]int64{}
	for _, p := range j.Postings {
		switch a := p.Account; {
		case j.Kind == KindSale && a.Kind == Clearing:
			m[buycard.MoneyCharge] += p.Amount
		case j.Kind == KindSale && (a.Kind == Revenue || a.Kind == Pending):
			m[buycard.MoneyApplicationFee] -= p.Amount
		case j.Kind == KindRefund && a.Kind == Clearing:
			m[buycard.MoneyRefund] -= p.Amount
		case j.Kind == KindPublisherPayout && a.Kind == Available:
			m[buycard.MoneyTransfer] += p.Amount
		case j.Kind == KindPublisherReversal && a.Kind == Paid:
			m[buycard.MoneyTransferReversal] += p.Amount
		}
	}
	if m[buycard.MoneyApplicationFee] == 0 {
		delete(m, buycard.MoneyApplicationFee)
	}
	return m
}
