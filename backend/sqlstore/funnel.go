package sqlstore

import (
	"context"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/funnelsql"
)

// FunnelDays implements buycard.FunnelService, reading one snapshot.
// AddFunnelCounts is each store's: it batches its upserts as its driver
// does best.
func (db *Store) FunnelDays(ctx context.Context, q buycard.FunnelQuery) ([]buycard.FunnelDay, error) {
	return funnelsql.Days(ctx, db.ledgerSnapshot, db.dialect.Funnel, q)
}

// FunnelBreakdown implements buycard.FunnelService, reading one snapshot.
func (db *Store) FunnelBreakdown(ctx context.Context, q buycard.FunnelQuery, by string) ([]buycard.FunnelRow, error) {
	return funnelsql.Breakdown(ctx, db.ledgerSnapshot, db.dialect.Funnel, q, by)
}
