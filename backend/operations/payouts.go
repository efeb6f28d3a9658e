package operations

import (
	"context"
	"errors"
	"time"

	"github.com/buycard/buycard/ledger"
)

// ReleaseShares moves every publisher share whose hold window
// (PublisherHold) has passed from pending to available, for what is left
// of it after refunds. It is idempotent: a release's key is its order.
func (w *Workflows) ReleaseShares(ctx context.Context, now time.Time) (released int, err error) {
	for {
		due, err := w.Store.DueReleases(ctx, now.Add(-w.PublisherHold), now)
		if err != nil || len(due) == 0 {
			return released, err
		}
		var errs []error
		for _, r := range due {
			j, err := ledger.PublisherRelease(r)
			if err == nil {
				_, err = w.Store.Post(ctx, j)
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			released++
		}
		if err := errors.Join(errs...); err != nil {
			return released, err
		}
	}
}

// PayoutBatch is what RunPayouts did.
type PayoutBatch struct {
	ID       string           `json:"id"`
	Payouts  []ledger.Journal `json:"payouts"`  // posted by this run
	Existing int              `json:"existing"` // posted by an earlier run of the batch
}

// RunPayouts pays every publisher's whole available balance that reaches
// PayoutMinimum for its currency, as batch batchID. Running a batch again
// pays nothing twice (each payout's key is batch, publisher and currency),
// and the ledger refuses a payout above the available balance, so batches
// that race cannot overpay. The transfers themselves are the payment
// provider's (issue 5); the journals record them. While a reconciliation
// alert is open, it pays nothing (PayoutsHeld).
func (w *Workflows) RunPayouts(ctx context.Context, batchID string, now time.Time) (PayoutBatch, error) {
	batch := PayoutBatch{ID: batchID}
	if err := w.PayoutsHeld(ctx); err != nil {
		return batch, err
	}
	available, err := w.Store.BalancesOfKind(ctx, ledger.PartyPublisher, ledger.Available)
	if err != nil {
		return batch, err
	}
	journals, err := ledger.PublisherPayouts(batchID, available, w.PayoutMinimum, now)
	if err != nil {
		return batch, err
	}
	for _, j := range journals {
		res, err := w.Store.Post(ctx, j)
		if err != nil {
			return batch, err
		}
		if res.Existed {
			batch.Existing++
		} else {
			batch.Payouts = append(batch.Payouts, j)
		}
	}
	return batch, nil
}
