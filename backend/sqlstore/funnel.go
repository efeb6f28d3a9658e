package sqlstore

import (
	"context"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/funnelsql"
)

var _ buycard.FunnelService = (*Store)(nil)

// AddFunnelCounts implements buycard.FunnelService: one transaction, the
// upserts in a fixed order, sent together.
func (db *Store) AddFunnelCounts(ctx context.Context, counts map[buycard.FunnelKey]buycard.FunnelCounts) (err error) {
	defer db.wrap(&err, "add funnel counts")
	if len(counts) == 0 {
		return nil
	}
	keys := funnelsql.SortedKeys(counts)
	args := make([][]any, len(keys))
	for i, k := range keys {
		args[i] = funnelsql.UpsertArgs(k, counts[k])
	}
	return db.conn.Write(ctx, func(tx Tx) error { return tx.ExecEach(ctx, funnelsql.Upsert, args) })
}

// FunnelDays implements buycard.FunnelService, reading one snapshot.
func (db *Store) FunnelDays(ctx context.Context, q buycard.FunnelQuery) ([]buycard.FunnelDay, error) {
	return funnelsql.Days(ctx, db.ledgerSnapshot, db.dialect.Funnel, q)
}

// FunnelBreakdown implements buycard.FunnelService, reading one snapshot.
func (db *Store) FunnelBreakdown(ctx context.Context, q buycard.FunnelQuery, by string) ([]buycard.FunnelRow, error) {
	return funnelsql.Breakdown(ctx, db.ledgerSnapshot, db.dialect.Funnel, q, by)
}
