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
	query ledgersql.QueryFunc
	time  func(time.Time) any
	// The statements grouped by UTC day, and per breakdown.
	byDay, byWidget, byPlacement statements
}

// statements are the three queries of a funnel, each grouping by its
// first column.
type statements struct{ events, checkouts, orders string }

// The filters of a query, $1 widget, $2 placement, $5 merchant and $6
// publisher ($3 and $4 are the range): each matches everything when its
// argument is empty. funnel_daily has no merchant: its widgets tell.
const (
	eventsFilter = `(CAST($1 AS TEXT) = '' OR widget_id = $1) AND (CAST($2 AS TEXT) = '' OR placement_id = $2)
		AND (CAST($5 AS TEXT) = '' OR widget_id IN (SELECT id FROM widgets WHERE merchant_id = $5))
		AND (CAST($6 AS TEXT) = '' OR publisher_id = $6)`
	ordersFilter = `(CAST($1 AS TEXT) = '' OR widget_id = $1) AND (CAST($2 AS TEXT) = '' OR placement_id = $2)
		AND (CAST($5 AS TEXT) = '' OR merchant_id = $5) AND (CAST($6 AS TEXT) = '' OR publisher_id = $6)`
)

// newStatements groups the funnel queries by the expressions given for
// funnel_daily, for an order's creation and for its payment.
func newStatements(events, created, paid string) statements {
	return statements{
		events: `
			SELECT ` + events + `, CAST(SUM(impressions) AS BIGINT), CAST(SUM(clicks) AS BIGINT)
			FROM funnel_daily WHERE ` + eventsFilter + ` AND day >= $3 AND day <= $4
			GROUP BY 1`,
		checkouts: `
			SELECT ` + created + `, COUNT(*)
			FROM orders WHERE ` + ordersFilter + ` AND created_at >= $3 AND created_at < $4
			GROUP BY 1`,
		orders: `
			SELECT ` + paid + `, currency, COUNT(*), CAST(SUM(total) AS BIGINT),
				CAST(SUM(CASE WHEN refunded > 0 THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(refunded) AS BIGINT)
			FROM orders WHERE status = 'paid' AND ` + ordersFilter + ` AND paid_at >= $3 AND paid_at < $4
			GROUP BY 1, 2`,
	}
}

// NewReader returns the funnel queries of d over query.
func NewReader(query ledgersql.QueryFunc, d Dialect) Reader {
	return Reader{
		query:       query,
		time:        d.Time,
		byDay:       newStatements("day", d.Day("created_at"), d.Day("paid_at")),
		byWidget:    newStatements("widget_id", "widget_id", "widget_id"),
		byPlacement: newStatements("placement_id", "COALESCE(placement_id, '')", "COALESCE(placement_id, '')"),
	}
}

// FunnelDays implements buycard.FunnelService.
func (r Reader) FunnelDays(ctx context.Context, q buycard.FunnelQuery) ([]buycard.FunnelDay, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	days := dayMap{}
	if err := r.collect(ctx, r.byDay, q, days); err != nil {
		return nil, err
	}
	return days.sorted(), nil
}

// FunnelBreakdown implements buycard.FunnelService.
func (r Reader) FunnelBreakdown(ctx context.Context, q buycard.FunnelQuery, by string) ([]buycard.FunnelRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := buycard.ValidateBreakdown(by); err != nil {
		return nil, err
	}
	st := r.byWidget
	if by == buycard.BreakdownByPlacement {
		st = r.byPlacement
	}
	groups := dayMap{}
	if err := r.collect(ctx, st, q, groups); err != nil {
		return nil, err
	}
	rows := make([]buycard.FunnelRow, 0, len(groups))
	for _, g := range groups.sorted() {
		rows = append(rows, buycard.NewFunnelRow(g.Day, g))
	}
	return rows, nil
}

// collect runs the three statements of st for q into groups.
func (r Reader) collect(ctx context.Context, st statements, q buycard.FunnelQuery, groups dayMap) error {
	start, end := q.Bounds()
	steps := []struct {
		op, sql  string
		from, to any
		scan     func(ledgersql.Rows, dayMap) error
	}{
		{"funnel events", st.events, q.From, q.To, scanEvents},
		{"funnel checkouts", st.checkouts, r.time(start), r.time(end), scanCheckouts},
		{"funnel sales", st.orders, r.time(start), r.time(end), scanSales},
	}
	for _, s := range steps {
		if err := r.run(ctx, s.sql, groups, s.scan, q.WidgetID, q.PlacementID, s.from, s.to, q.MerchantID, q.PublisherID); err != nil {
			return fmt.Errorf("%s: %w", s.op, err)
		}
	}
	return nil
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

// dayMap collects the days of a funnel (or the widgets or placements of a
// breakdown, keyed in Day) as the queries find them.
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

// Breakdown answers q by widget or placement with the queries of d, all
// on one read snapshot.
func Breakdown(ctx context.Context, snapshot ledgersql.SnapshotFunc, d Dialect, q buycard.FunnelQuery, by string) (rows []buycard.FunnelRow, err error) {
	err = snapshot(ctx, func(query ledgersql.QueryFunc) error {
		rows, err = NewReader(query, d).FunnelBreakdown(ctx, q, by)
		return err
	})
	return rows, err
}
