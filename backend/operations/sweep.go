package operations

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sandbox"
)

// Sweep does the periodic upkeep once: it ends the stock holds nobody
// renewed, expires the orders whose payment session ran out and releases
// the publisher shares whose hold window has passed. What fails is
// returned, after the others have run.
func (w *Workflows) Sweep(ctx context.Context, now time.Time) error {
	var errs []error
	if _, err := w.Store.LapseHolds(ctx, now); err != nil {
		errs = append(errs, fmt.Errorf("lapse stock holds: %w", err))
	}
	if err := w.expireOrders(ctx); err != nil {
		errs = append(errs, fmt.Errorf("expire orders: %w", err))
	}
	if _, err := w.ReleaseShares(ctx, now); err != nil {
		errs = append(errs, fmt.Errorf("release publisher shares: %w", err))
	}
	return errors.Join(errs...)
}

// ScheduledPayouts runs the Stripe share transfers and logs what they
// did, or that they are held.
func (w *Workflows) ScheduledPayouts(ctx context.Context, now time.Time) error {
	if err := w.PayoutsHeld(ctx); err != nil {
		if buycard.ErrorCode(err) == buycard.ECONFLICT {
			w.Logger.Warn("publisher share transfers held", "reason", buycard.ErrorMessage(err))
			return nil
		}
		return err
	}
	run, err := w.RunStripePayouts(ctx, now)
	if err != nil {
		return fmt.Errorf("publisher share transfers: %w", err)
	}
	w.Logger.Info("publisher share transfers", "done", len(run.Done), "failed", len(run.Failed), "pending", len(run.Pending), "waiting", len(run.Waiting))
	return nil
}

// Cleanup deletes the sign-in sessions, password links and unconfirmed
// sign-ups that expired before now, which nothing else deletes, and the
// events (with their webhook deliveries) older than
// buycard.EventRetention.
func (w *Workflows) Cleanup(ctx context.Context, now time.Time) error {
	if _, err := w.Store.DeleteExpiredAuth(ctx, now); err != nil {
		return fmt.Errorf("delete expired sessions and links: %w", err)
	}
	if _, err := w.Store.DeleteOldEvents(ctx, now.Add(-buycard.EventRetention)); err != nil {
		return fmt.Errorf("delete old events: %w", err)
	}
	return nil
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
