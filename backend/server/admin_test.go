package server

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// TestReconcileRecorded: a reconcile run is recorded, failed ones too, for
// GET /v1/admin/status.
func TestReconcileRecorded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"BUYCARD_NO_SEED": "1", "BUYCARD_DATABASE_URL": "sqlite:" + filepath.Join(dir, "t.db")}
	m, err := NewMain(func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.ReconcileRecorded(t.Context(), time.Now().Add(-time.Hour)); err == nil {
		t.Fatal("reconcile without Stripe succeeded")
	}
	run, err := m.DB.LastJobRun(t.Context(), buycard.JobReconcile)
	if err != nil {
		t.Fatal(err)
	}
	if run.OK || !strings.Contains(run.Result, "reconcile needs STRIPE_SECRET_KEY") || run.FinishedAt.Before(run.StartedAt) {
		t.Errorf("recorded run = %+v", run)
	}
}
