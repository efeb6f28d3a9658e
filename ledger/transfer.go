package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/buycard/buycard"
)

// Share transfers pay publisher shares into the publishers' own accounts
// at the payment provider (Stripe Connect), one order at a time, so that
// each transfer can name the sale's charge as its source.
//
// What the platform owes a publisher for one order is the sum of the
// order's postings to the publisher's available account (OrderShare):
// the release adds the share, refunds and disputes after the release take
// from it, and transfers (KindPublisherPayout) and their reversals
// (KindPublisherReversal) carry the order id too. A positive share is
// transferred; a negative one (a refund after the transfer) is taken back
// by reversing the transfer.
//
// Each movement is a ShareTransfer row, claimed as pending before the
// provider is called and finished with the provider's id, in the same
// transaction as its journal. One order has at most one pending movement,
// so two runs, or two nodes, resume the same one instead of starting a
// second.

// TransferKind says which way a share transfer moves money.
type TransferKind string

const (
	// TransferOut pays the platform's share holding to the publisher.
	TransferOut TransferKind = "transfer"
	// TransferBack reverses (part of) an earlier transfer.
	TransferBack TransferKind = "reversal"
)

// TransferStatus is where a share transfer stands.
type TransferStatus string

const (
	TransferPending TransferStatus = "pending" // claimed; the provider may or may not have acted
	TransferDone    TransferStatus = "done"    // the provider did it; the journal is posted
	TransferFailed  TransferStatus = "failed"  // the provider refused; nothing moved
)

// ShareTransfer is one movement of an order's publisher share between the
// platform and the publisher's provider account.
type ShareTransfer struct {
	// ID is "ORDER/N", N counting the order's movements from 1. It is the
	// provider's idempotency key and the transfer's group.
	ID          string         `json:"id"`
	OrderID     string         `json:"order_id"`
	PublisherID string         `json:"publisher_id"`
	Kind        TransferKind   `json:"kind"`
	Amount      buycard.Money  `json:"amount"`
	Account     string         `json:"account"` // the publisher's provider account ("acct_…")
	Status      TransferStatus `json:"status"`
	// ProviderID is the provider's object once done: "tr_…" for a
	// transfer, "trr_…" for a reversal.
	ProviderID string `json:"provider_id,omitempty"`
	// TransferID is, for a reversal, the ProviderID of the transfer it
	// reverses.
	TransferID string    `json:"transfer_id,omitempty"`
	Error      string    `json:"error,omitempty"` // why the provider refused
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// OrderShare is what the platform holds of one order's publisher share:
// positive, owed to the publisher; negative, transferred beyond what the
// publisher is now owed.
type OrderShare struct {
	OrderID     string        `json:"order_id"`
	PublisherID string        `json:"publisher_id"`
	Amount      buycard.Money `json:"amount"`
}

// ShareTransfers is the store of share transfers. Both database stores
// implement it.
type ShareTransfers interface {
	// OrderShares returns every order whose share held at the platform is
	// not zero, or whose movement is pending, at most 1000 at a time,
	// oldest first.
	OrderShares(ctx context.Context) ([]OrderShare, error)

	// ClaimShareTransfer returns, in one transaction that holds the
	// order, the order's pending movement if there is one, else the next
	// one (NextShareTransfer) recorded as pending; account is the
	// publisher's provider account for a new transfer. ok is false when
	// there is nothing to move.
	ClaimShareTransfer(ctx context.Context, orderID, account string, now time.Time) (t ShareTransfer, ok bool, err error)

	// FinishShareTransfer records that the provider made pending movement
	// id as providerID, effective at, and posts its journal
	// (ShareTransfer.Journal), in one transaction. Finishing it again with
	// the same providerID changes nothing. Errors: ENOTFOUND, ECONFLICT
	// (failed, or done as another object).
	FinishShareTransfer(ctx context.Context, id, providerID string, at, now time.Time) error

	// FailShareTransfer records that the provider refused pending
	// movement id; nothing moved, and the next claim starts afresh.
	// Errors: ENOTFOUND, ECONFLICT (not pending).
	FailShareTransfer(ctx context.Context, id, reason string, now time.Time) error

	// ShareTransfersOf returns an order's movements, oldest first.
	ShareTransfersOf(ctx context.Context, orderID string) ([]ShareTransfer, error)

	// ShareTransfersTo returns a publisher's movements, newest first, at
	// most limit of them: its payout history.
	ShareTransfersTo(ctx context.Context, publisherID string, limit int) ([]ShareTransfer, error)
}

// RetryFailedAfter is how long an order whose last movement the provider
// refused waits before the next attempt: the cause (an account that lost
// its transfers capability, a platform balance too low) needs someone to
// act, and each attempt records a row.
const RetryFailedAfter = time.Hour

// NextShareTransfer returns the movement that settles share, given the
// order's earlier movements (none pending): a transfer of a positive
// share to account, or a reversal of a negative one, from the newest done
// transfer with enough left, or as much as is left of it. ok is false
// when the share is zero, when there is no account to pay, when there is
// no transfer left to reverse, or when the last movement failed less than
// RetryFailedAfter ago.
func NextShareTransfer(share OrderShare, history []ShareTransfer, account string, now time.Time) (t ShareTransfer, ok bool) {
	if n := len(history); n > 0 && history[n-1].Status == TransferFailed && now.Sub(history[n-1].UpdatedAt) < RetryFailedAfter {
		return ShareTransfer{}, false
	}
	t = ShareTransfer{
		ID:          fmt.Sprintf("%s/%d", share.OrderID, len(history)+1),
		OrderID:     share.OrderID,
		PublisherID: share.PublisherID,
		Account:     account,
		Status:      TransferPending,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	due := share.Amount.Amount
	switch {
	case due > 0 && account != "":
		t.Kind, t.Amount = TransferOut, share.Amount
		return t, true
	case due < 0:
		tr, left := reversible(history)
		if left <= 0 {
			return ShareTransfer{}, false
		}
		t.Kind, t.TransferID, t.Account = TransferBack, tr.ProviderID, tr.Account
		t.Amount = buycard.Money{Amount: min(-due, left), Currency: share.Amount.Currency}
		return t, true
	}
	return ShareTransfer{}, false
}

// reversible returns the newest done transfer of history with something
// left to reverse, and how much.
func reversible(history []ShareTransfer) (ShareTransfer, int64) {
	reversed := map[string]int64{}
	for _, h := range history {
		if h.Kind == TransferBack && h.Status == TransferDone {
			reversed[h.TransferID] += h.Amount.Amount
		}
	}
	for i := len(history) - 1; i >= 0; i-- {
		h := history[i]
		if h.Kind == TransferOut && h.Status == TransferDone {
			if left := h.Amount.Amount - reversed[h.ProviderID]; left > 0 {
				return h, left
			}
		}
	}
	return ShareTransfer{}, 0
}

// Journal returns the journal of a done movement made as providerID,
// effective at: a transfer is "publisher_payout:ID" (available → paid); a
// reversal is "publisher_reversal:PROVIDER_ID" (paid → available), keyed
// by the provider's reversal so that the transfer.reversed webhook, which
// reports the same reversal, posts it once (ReversalJournal). Errors:
// EINVALID.
func (t ShareTransfer) Journal(providerID string, at time.Time) (Journal, error) {
	if t.Kind == TransferBack {
		return ReversalJournal(providerID, t.OrderID, t.PublisherID, t.Amount, at)
	}
	return PublisherPayout(Payout{
		PayoutID: t.ID, OrderID: t.OrderID, PublisherID: t.PublisherID,
		Amount: t.Amount, Available: t.Amount.Amount, EffectiveAt: at,
	})
}

// ReversalJournal is the journal of a provider's reversal reversalID of a
// share transfer, whoever made it. Errors: EINVALID.
func ReversalJournal(reversalID, orderID, publisherID string, m buycard.Money, at time.Time) (Journal, error) {
	return PublisherReversal(TransferReversal{
		ReversalID: reversalID, OrderID: orderID, PublisherID: publisherID, Amount: m, EffectiveAt: at,
	})
}
