package operations

import (
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/storetest"
)

// TestReconcile repairs what missed webhooks left behind: a session paid
// and one expired at Stripe whose events never came.
func TestReconcile(t *testing.T) {
	t.Parallel()
	w, db := newWorkflows(t)
	provider, fake := withStripe(t, w)
	ctx := t.Context()
	f := storetest.Seed(t, db)
	paid, paidSession := stripeCheckout(t, db, provider, f)
	expired, expiredSession := stripeCheckout(t, db, provider, f)
	fake.PaySession(paidSession, "pi_reconciled")
	fake.ExpireSession(expiredSession)
	before := f.Stock(t, db, 0)

	for run := range 2 { // running it again repairs nothing twice
		r, err := w.Reconcile(ctx, time.Now().Add(-time.Hour))
		if err != nil || r.Sessions != 2 || r.Applied != 2 || r.Foreign != 0 {
			t.Fatalf("run %d: %+v, %v", run, r, err)
		}
	}
	for id, want := range map[string]buycard.OrderStatus{paid.ID: buycard.OrderPaid, expired.ID: buycard.OrderExpired} {
		if o, err := db.FindOrder(ctx, id); err != nil || o.Status != want {
			t.Errorf("order %s = %v, %v; want %s", id, o.Status, err, want)
		}
	}
	if journals, _ := db.OrderJournals(ctx, paid.ID); len(journals) != 1 {
		t.Errorf("%d journals for the reconciled sale, want 1", len(journals))
	}
	if got := f.Stock(t, db, 0); got != before+1 {
		t.Errorf("stock %d → %d, want the expired order's unit back", before, got)
	}
}

// TestReconcileRecorded: a reconcile run is recorded, failed ones too, for
// GET /v1/admin/status.
func TestReconcileRecorded(t *testing.T) {
	t.Parallel()
	w, db := newWorkflows(t)
	if _, err := w.ReconcileRecorded(t.Context(), time.Now().Add(-time.Hour)); err == nil {
		t.Fatal("reconcile without Stripe succeeded")
	}
	run, err := db.LastJobRun(t.Context(), buycard.JobReconcile)
	if err != nil {
		t.Fatal(err)
	}
	if run.OK || !strings.Contains(run.Result, "reconcile needs STRIPE_SECRET_KEY") || run.FinishedAt.Before(run.StartedAt) {
		t.Errorf("recorded run = %+v", run)
	}
}
