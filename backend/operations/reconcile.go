package operations

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/buycard/buycard"
)

// Reconciliation is what Reconcile did.
type Reconciliation struct {
	Sessions int `json:"sessions"` // paid or expired sessions Stripe listed
	Applied  int `json:"applied"`  // applied to their orders (a no-op when the webhook came)
	Foreign  int `json:"foreign"`  // sessions of no order of ours
}

// Reconcile reads the Checkout Sessions created at Stripe since t and
// applies what their state implies (paid, expired) to their orders: what a
// missed webhook left behind is repaired, and the rest changes nothing, so
// it is safe to run at any time, twice, or on two nodes at once.
func (w *Workflows) Reconcile(ctx context.Context, t time.Time) (Reconciliation, error) {
	var r Reconciliation
	if w.Stripe == nil {
		return r, errors.New("reconcile needs STRIPE_SECRET_KEY: the sandbox has nothing to reconcile")
	}
	stripe, err := w.Stripe()
	if err != nil {
		return r, err
	}
	events, err := stripe.SessionEventsSince(ctx, t)
	if err != nil {
		return r, err
	}
	for _, e := range events {
		r.Sessions++
		_, err := w.Store.ApplyPaymentEvent(ctx, e)
		switch {
		case buycard.ErrorCode(err) == buycard.ENOTFOUND:
			r.Foreign++
		case err != nil:
			return r, fmt.Errorf("reconcile session %s: %w", e.SessionID, err)
		default:
			r.Applied++
		}
	}
	return r, nil
}

// ReconcileRecorded is Reconcile, recording the run (its time, and what it
// did or its error) for GET /v1/admin/status.
func (w *Workflows) ReconcileRecorded(ctx context.Context, t time.Time) (Reconciliation, error) {
	run := &buycard.JobRun{Job: buycard.JobReconcile, StartedAt: w.Now().UTC()}
	r, err := w.Reconcile(ctx, t)
	run.FinishedAt, run.OK = w.Now().UTC(), err == nil
	if err != nil {
		run.Result = err.Error()
	} else {
		run.Result = fmt.Sprintf("%d paid or expired sessions: %d applied, %d not ours", r.Sessions, r.Applied, r.Foreign)
	}
	if rerr := w.Store.RecordJobRun(context.WithoutCancel(ctx), run); rerr != nil {
		err = errors.Join(err, fmt.Errorf("record the reconcile run: %w", rerr))
	}
	return r, err
}
