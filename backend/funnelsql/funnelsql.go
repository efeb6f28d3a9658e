// Package funnelsql is the SQL the SQLite and PostgreSQL stores share for
// funnel analytics: the additive upsert of the loader's daily counts into
// funnel_daily, and the funnel query, which reads those counts and
// computes checkouts, sales and refunds from the orders at query time. The
// statements differ between the databases only in how a stored time
// becomes a UTC day and how a time is passed, which a Dialect supplies.
package funnelsql

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/ledgersql"
)

// Upsert adds one row's counts to funnel_daily, $1…$6 as UpsertArgs.
const Upsert = `
	INSERT INTO funnel_daily (day, widget_id, placement_id, publisher_id, impressions, clicks)
	VALUES ($1, $2, $3, $4, $5, $6)
	ON CONFLICT (day, widget_id, placement_id, publisher_id) DO UPDATE SET
		impressions = funnel_daily.impressions + excluded.impressions,
		clicks = funnel_daily.clicks + excluded.clicks`

// UpsertArgs are Upsert's arguments for one row.
func UpsertArgs(k buycard.FunnelKey, c buycard.FunnelCounts) []any {
	return []any{k.Day, k.WidgetID, k.PlacementID, k.PublisherID, c.Impressions, c.Clicks}
}

// SortedKeys returns the keys of counts in one fixed order, so that
// concurrent flushes lock rows in the same order and cannot deadlock.
func SortedKeys(counts map[buycard.FunnelKey]buycard.FunnelCounts) []buycard.FunnelKey {
	return slices.SortedFunc(maps.Keys(counts), func(a, b buycard.FunnelKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.WidgetID, b.WidgetID),
			cmp.Compare(a.PlacementID, b.PlacementID), cmp.Compare(a.PublisherID, b.PublisherID))
	})
}

// Dialect is what differs between the databases.
type Dialect struct {
	// Day is the SQL expression of the UTC day (buycard.DayLayout) of the
	// stored time column.
	Day func(column string) string
	// Time is t as a query argument compared with stored times.
	Time func(t time.Time) any
}

// Reader answers funnel queries over a store's read pool.
type Reader struct {
	query                     ledgersql.QueryFunc
	time                      func(time.Time) any
	events, checkouts, orders string
}

// placementFilter matches every placement when $2 is empty.
const placementFilter = `widget_id = $1 AND (CAST($2 AS TEXT) = '' OR placement_id = $2)`

// NewReader returns the funnel queries of d over query.
func NewReader(query ledgersql.QueryFunc, d Dialect) Reader {
	return Reader{
		query: query,
		time:  d.Time,
		events: `
			SELECT day, CAST(SUM(impressions) AS BIGINT), CAST(SUM(clicks) AS BIGINT)
			FROM funnel_daily WHERE ` + placementFilter + ` AND day >= $3 AND day <= $4
			GROUP BY day`,
		checkouts: `
			SELECT ` + d.Day("created_at") + `, COUNT(*)
			FROM orders WHERE ` + placementFilter + ` AND created_at >= $3 AND created_at < $4
			GROUP BY 1`,
		orders: `
			SELECT ` + d.Day("paid_at") + `, currency, COUNT(*), CAST(SUM(total) AS BIGINT),
				CAST(SUM(CASE WHEN refunded > 0 THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(refunded) AS BIGINT)
			FROM orders WHERE status = 'paid' AND ` + placementFilter + ` AND paid_at >= $3 AND paid_at < $4
			GROUP BY 1, 2`,
	}
}

// FunnelDays implements buycard.FunnelService.
func (r Reader) FunnelDays(ctx context.Context, q buycard.FunnelQuery) ([]buycard.FunnelDay, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	start, end := q.Bounds()
	days := dayMap{}
	steps := []struct {
		op, sql  string
		from, to any
		scan     func(ledgersql.Rows, dayMap) error
	}{
		{"funnel events", r.events, q.From, q.To, scanEvents},
		{"funnel checkouts", r.checkouts, r.time(start), r.time(end), scanCheckouts},
		{"funnel sales", r.orders, r.time(start), r.time(end), scanSales},
	}
	for _, s := range steps {
		if err := r.run(ctx, s.sql, days, s.scan, q.WidgetID, q.PlacementID, s.from, s.to); err != nil {
			return nil, fmt.Errorf("%s: %w", s.op, err)
		}
	}
	return days.sorted(), nil
}

func (r Reader) run(ctx context.Context, sql string, days dayMap, scan func(ledgersql.Rows, dayMap) error, args ...any) error {
	rows, closeRows, err := r.query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer closeRows()
	if err := scan(rows, days); err != nil {
		return err
	}
	return rows.Err()
}

// dayMap collects the days of a funnel as the queries find them.
type dayMap map[string]*buycard.FunnelDay

func (m dayMap) day(d string) *buycard.FunnelDay {
	if m[d] == nil {
		m[d] = &buycard.FunnelDay{Day: d, Revenue: map[string]int64{}, Refunded: map[string]int64{}}
	}
	return m[d]
}

func (m dayMap) sorted() []buycard.FunnelDay {
	out := make([]buycard.FunnelDay, 0, len(m))
	for _, d := range m {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b buycard.FunnelDay) int { return strings.Compare(a.Day, b.Day) })
	return out
}

func scanEvents(rows ledgersql.Rows, days dayMap) error {
	for rows.Next() {
		var day string
		var imp, clicks int64
		if err := rows.Scan(&day, &imp, &clicks); err != nil {
			return err
		}
		d := days.day(day)
		d.Impressions, d.Clicks = imp, clicks
	}
	return nil
}

func scanCheckouts(rows ledgersql.Rows, days dayMap) error {
	for rows.Next() {
		var day string
		var n int64
		if err := rows.Scan(&day, &n); err != nil {
			return err
		}
		days.day(day).Checkouts = n
	}
	return nil
}

func scanSales(rows ledgersql.Rows, days dayMap) error {
	for rows.Next() {
		var day, currency string
		var sales, revenue, refunds, refunded int64
		if err := rows.Scan(&day, &currency, &sales, &revenue, &refunds, &refunded); err != nil {
			return err
		}
		d := days.day(day)
		d.Sales += sales
		d.Revenue[currency] += revenue
		d.Refunds += refunds
		if refunded > 0 {
			d.Refunded[currency] += refunded
		}
	}
	return nil
}

// Days answers q with the queries of d, all on one read snapshot.
func Days(ctx context.Context, snapshot ledgersql.SnapshotFunc, d Dialect, q buycard.FunnelQuery) (days []buycard.FunnelDay, err error) {
	err = snapshot(ctx, func(query ledgersql.QueryFunc) error {
		days, err = NewReader(query, d).FunnelDays(ctx, q)
		return err
	})
	return days, err
}
