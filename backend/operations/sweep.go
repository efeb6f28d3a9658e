package operations

import (
	"context"
	"errors"
	"time"

	"github.com/buycard/buycard/backend/sandbox"
)

// Sweep does the periodic upkeep once: it ends the stock holds nobody
// renewed, expires the orders whose payment session ran out and releases
// the publisher shares whose hold window has passed, logging what fails.
func (w *Workflows) Sweep(ctx context.Context, now time.Time) {
	if _, err := w.Store.LapseHolds(ctx, now); err != nil {
		w.Logger.Error("lapse stock holds", "err", err)
	}
	if err := w.expireOrders(ctx); err != nil {
		w.Logger.Error("expire orders", "err", err)
	}
	if _, err := w.ReleaseShares(ctx, now); err != nil {
		w.Logger.Error("release publisher shares", "err", err)
	}
}

// ScheduledPayouts runs the Stripe share transfers and logs what they did.
func (w *Workflows) ScheduledPayouts(ctx context.Context, now time.Time) {
	run, err := w.RunStripePayouts(ctx, now)
	log := w.Logger.With("done", len(run.Done), "failed", len(run.Failed), "pending", len(run.Pending), "waiting", len(run.Waiting))
	if err != nil {
		log.Error("publisher share transfers", "err", err)
		return
	}
	log.Info("publisher share transfers")
}

// expireOrders releases the stock of orders whose payment session ran
// out, through the same event path a provider's expiry event takes.
func (w *Workflows) expireOrders(ctx context.Context) error {
	orders, err := w.Store.ExpiredOrders(ctx, w.Now())
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range orders {
		switch {
		case o.ProviderSessionID == "":
			errs = append(errs, w.Store.CancelOrder(ctx, o.ID))
		case o.Provider == sandbox.Name && w.Sandbox != nil:
			_, err := w.Store.ApplyPaymentEvent(ctx, w.Sandbox.Expire(o))
			errs = append(errs, err)
		}
		// A Stripe session expires at Stripe, which says so with
		// checkout.session.expired; until then the shopper may still pay.
	}
	return errors.Join(errs...)
}
