package operations

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// ShareMover makes share transfers at the payment provider;
// *stripeconnect.Provider is one.
type ShareMover interface {
	// MoveShare makes t (or finds it made) and returns the provider's
	// object and when it was made. Errors: EINVALID when the provider
	// refused, anything else when the outcome is unknown.
	MoveShare(ctx context.Context, t ledger.ShareTransfer, payment string) (id string, at time.Time, err error)
}

// ShareTransferRun is what TransferShares did.
type ShareTransferRun struct {
	Done    []ledger.ShareTransfer `json:"done"`    // made and journaled
	Failed  []ledger.ShareTransfer `json:"failed"`  // refused by the provider; retried after ledger.RetryFailedAfter
	Pending []ledger.ShareTransfer `json:"pending"` // outcome unknown; resumed next run
	// Waiting are shares with no payable account yet: the publisher has
	// not connected one, or may not receive payouts.
	Waiting []ledger.OrderShare `json:"waiting"`
}

// TransferShares pays each order's released publisher share into the
// publisher's Stripe account, and takes back by reversal what a refund or
// a dispute after the transfer left overpaid. Every movement is claimed
// before Stripe is called and resumed, never repeated, by a later run, so
// it is safe to run twice, or on two nodes at once. While a
// reconciliation alert is open, it moves nothing (PayoutsHeld).
func (w *Workflows) TransferShares(ctx context.Context, mover ShareMover, now time.Time) (ShareTransferRun, error) {
	var run ShareTransferRun
	if err := w.PayoutsHeld(ctx); err != nil {
		return run, err
	}
	shares, err := w.Store.OrderShares(ctx)
	if err != nil {
		return run, err
	}
	var errs []error
	for _, s := range shares {
		if err := w.transferShare(ctx, mover, s, now, &run); err != nil {
			errs = append(errs, fmt.Errorf("order %s: %w", s.OrderID, err))
		}
	}
	return run, errors.Join(errs...)
}

// transferShare claims and makes the next movement of one order's share.
func (w *Workflows) transferShare(ctx context.Context, mover ShareMover, s ledger.OrderShare, now time.Time, run *ShareTransferRun) error {
	account, err := w.payableAccount(ctx, s.PublisherID)
	if err != nil {
		return err
	}
	t, ok, err := w.Store.ClaimShareTransfer(ctx, s.OrderID, account, now)
	if err != nil || !ok {
		if err == nil && s.Amount.Amount > 0 {
			run.Waiting = append(run.Waiting, s)
		}
		return err
	}
	o, err := w.Store.FindOrder(ctx, s.OrderID)
	if err != nil {
		return err
	}
	id, at, err := mover.MoveShare(ctx, t, o.ProviderPaymentID)
	switch {
	case buycard.ErrorCode(err) == buycard.EINVALID:
		t.Status, t.Error = ledger.TransferFailed, buycard.ErrorMessage(err)
		run.Failed = append(run.Failed, t)
		return w.Store.FailShareTransfer(ctx, t.ID, t.Error, now)
	case err != nil:
		run.Pending = append(run.Pending, t)
		return err
	}
	if err := w.Store.FinishShareTransfer(ctx, t.ID, id, at, now); err != nil {
		run.Pending = append(run.Pending, t)
		return err
	}
	t.Status, t.ProviderID = ledger.TransferDone, id
	run.Done = append(run.Done, t)
	return nil
}

// payableAccount is the publisher's connected account when it may receive
// payouts, else "".
func (w *Workflows) payableAccount(ctx context.Context, publisherID string) (string, error) {
	a, err := w.Store.FindPaymentAccount(ctx, buycard.PartyPublisher, publisherID)
	switch {
	case buycard.ErrorCode(err) == buycard.ENOTFOUND:
		return "", nil
	case err != nil:
		return "", err
	case !a.PayoutsEnabled:
		return "", nil
	}
	return a.ID, nil
}

// RunStripePayouts transfers publisher shares with Stripe (`buycard
// payouts run`, and a node's BUYCARD_PAYOUT_EVERY).
func (w *Workflows) RunStripePayouts(ctx context.Context, now time.Time) (ShareTransferRun, error) {
	if w.Stripe == nil {
		return ShareTransferRun{}, errors.New("share transfers need STRIPE_SECRET_KEY")
	}
	stripe, err := w.Stripe()
	if err != nil {
		return ShareTransferRun{}, err
	}
	return w.TransferShares(ctx, stripe, now)
}
