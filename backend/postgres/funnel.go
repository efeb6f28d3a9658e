package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/funnelsql"
)

var _ buycard.FunnelService = (*DB)(nil)

// funnelDialect: times are timestamptz, passed as time.Time.
var funnelDialect = funnelsql.Dialect{
	Day:  func(column string) string { return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')" },
	Time: func(t time.Time) any { return t },
}

// AddFunnelCounts implements buycard.FunnelService, sending the upserts
// in one batch.
func (db *DB) AddFunnelCounts(ctx context.Context, counts map[buycard.FunnelKey]buycard.FunnelCounts) (err error) {
	defer wrap(&err, "add funnel counts")
	if len(counts) == 0 {
		return nil
	}
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		var b pgx.Batch
		for _, k := range funnelsql.SortedKeys(counts) {
			b.Queue(funnelsql.Upsert, funnelsql.UpsertArgs(k, counts[k])...)
		}
		return tx.SendBatch(ctx, &b).Close()
	})
}
