package operations

import (
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/pgtest"
	"github.com/buycard/buycard/backend/postgres"
)

var postgresTemplate = pgtest.NewTemplate(postgres.Migrations(), postgres.MigrateDatabase)

// TestReconcileOnTwoNodes: two nodes, each with its own pool on one
// PostgreSQL database, run the daily job and the operator's run of one
// day at the same moments; each day is compared once.
func TestReconcileOnTwoNodes(t *testing.T) {
	t.Parallel()
	url := postgresTemplate.Database(t)
	node := func() *Workflows {
		db, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return &Workflows{Store: db, Logger: slog.New(slog.DiscardHandler), Now: time.Now}
	}
	nodes := []*Workflows{node(), node()}
	_, fake := withStripe(t, nodes[0]) // one Stripe account
	nodes[1].Stripe = nodes[0].Stripe
	now := time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range 3 { // three rounds of both nodes at once
		for _, w := range nodes {
			wg.Go(func() {
				if err := w.ReconcileDue(t.Context(), now); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	runs, err := nodes[0].Store.ReconciliationRuns(t.Context(), 10)
	if err != nil || len(runs) != 3 {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	if n := fake.Lists("/v1/balance_transactions"); n != 3 {
		t.Fatalf("%d lists of balance transactions for three days on two nodes, want 3", n)
	}
}
