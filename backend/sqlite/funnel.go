package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/funnelsql"
)

var _ buycard.FunnelService = (*DB)(nil)

// funnelDialect: times are stored as timeLayout text, whose first ten
// characters are the UTC day.
var funnelDialect = funnelsql.Dialect{
	Day:  func(column string) string { return "substr(" + column + ", 1, 10)" },
	Time: func(t time.Time) any { return formatTime(t) },
}

// AddFunnelCounts implements buycard.FunnelService.
func (db *DB) AddFunnelCounts(ctx context.Context, counts map[buycard.FunnelKey]buycard.FunnelCounts) (err error) {
	defer wrap(&err, "add funnel counts")
	if len(counts) == 0 {
		return nil
	}
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, funnelsql.Upsert)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, k := range funnelsql.SortedKeys(counts) {
			if _, err := st.ExecContext(ctx, funnelsql.UpsertArgs(k, counts[k])...); err != nil {
				return err
			}
		}
		return nil
	})
}
