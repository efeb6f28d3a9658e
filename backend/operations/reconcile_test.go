package operations

import (
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

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
