package sqlite

import (
	"context"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/funnelsql"
)

// FunnelBreakdown implements buycard.FunnelService, reading one snapshot.
func (db *DB) FunnelBreakdown(ctx context.Context, q buycard.FunnelQuery, by string) ([]buycard.FunnelRow, error) {
	return funnelsql.Breakdown(ctx, db.snapshot, funnelDialect, q, by)
}
