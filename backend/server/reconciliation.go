package server

import (
	"context"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/metrics"
)

// reconciliationScrape bounds the store read of a /metrics scrape.
const reconciliationScrape = 2 * time.Second

// reconciliationState is the reconciliation's state for /metrics, read
// from the store, so that every node reports the same.
func (m *Main) reconciliationState() (metrics.Reconciliation, error) {
	ctx, cancel := context.WithTimeout(context.Background(), reconciliationScrape)
	defer cancel()
	alerts, err := m.DB.OpenReconciliationAlerts(ctx)
	r := metrics.Reconciliation{OpenAlerts: len(alerts)}
	for _, a := range alerts {
		r.Mismatches += len(a.Differences)
	}
	return r, err
}

// reconciliation is the admin's reconciliation (api.Reconciliation): the
// store's runs and alerts, and the workflows' runs of days.
type reconciliation struct {
	buycard.ReconciliationService
	m *Main
}

var _ api.Reconciliation = reconciliation{}

func (r reconciliation) ReconcileDays(ctx context.Context, days []string, again bool) ([]*buycard.ReconciliationRun, error) {
	return r.m.Workflows().ReconcileDays(ctx, days, again)
}

func (r reconciliation) HasProvider() bool { return r.m.Config.StripeSecretKey != "" }
