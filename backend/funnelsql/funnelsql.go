// Package funnelsql is the SQL the SQLite and PostgreSQL stores share for
// funnel analytics: the additive upsert of the loader's daily counts into
// funnel_daily, and the funnel query, which reads those counts and
// computes checkouts, sales and refunds from the orders at query time. The
// statements differ between the databases only in how a stored time
// becomes a UTC day and how a time is passed, which a Dialect supplies.
//
// A query reads both at the finest grain, one row per day, widget,
// placement and publisher, nests each row's stages there
// (buycard.FunnelDay.Nested) and only then sums the rows per day, widget
// or placement, so that no rate of any grouping exceeds 100%.
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

// Upsert adds one row's counts to funnel_daily, $1…$10 as UpsertArgs.
const Upsert = `
	INSERT INTO funnel_daily (day, widget_id, placement_id, publisher_id, impressions, clicks,
		discarded_bot, discarded_unproven, discarded_over_limit, discarded_duplicate)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
	ON CONFLICT (day, widget_id, placement_id, publisher_id) DO UPDATE SET
		impressions = funnel_daily.impressions + excluded.impressions,
		clicks = funnel_daily.clicks + excluded.clicks,
		discarded_bot = funnel_daily.discarded_bot + excluded.discarded_bot,
		discarded_unproven = funnel_daily.discarded_unproven + excluded.discarded_unproven,
		discarded_over_limit = funnel_daily.discarded_over_limit + excluded.discarded_over_limit,
		discarded_duplicate = funnel_daily.discarded_duplicate + excluded.discarded_duplicate`

// UpsertArgs are Upsert's arguments for one row.
func UpsertArgs(k buycard.FunnelKey, c buycard.FunnelCounts) []any {
	d := c.Discarded
	return []any{k.Day, k.WidgetID, k.PlacementID, k.PublisherID, c.Impressions, c.Clicks,
		d.Bot, d.Unproven, d.OverLimit, d.Duplicate}
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
	// orders is ordersQuery in the reader's dialect.
	orders string
}

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

// eventsQuery reads funnel_daily's rows of a query; its primary key makes
// each a (day, widget, placement, publisher) of its own.
const eventsQuery = `
	SELECT day, widget_id, placement_id, publisher_id, impressions, clicks,
		discarded_bot, discarded_unproven, discarded_over_limit, discarded_duplicate
	FROM funnel_daily WHERE ` + eventsFilter + ` AND day >= $3 AND day <= $4`

// ordersQuery counts the checkouts created in a query's range, and the
// sales and refunds among them, per day of creation, widget, placement,
// publisher and currency; created is the dialect's day of created_at.
func ordersQuery(created string) string {
	return `
		SELECT ` + created + `, widget_id, COALESCE(placement_id, ''), COALESCE(publisher_id, ''), currency,
			COUNT(*),
			CAST(SUM(CASE WHEN status = 'paid' THEN 1 ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN status = 'paid' THEN total ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN status = 'paid' AND refunded > 0 THEN 1 ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN status = 'paid' THEN refunded ELSE 0 END) AS BIGINT)
		FROM orders WHERE ` + ordersFilter + ` AND created_at >= $3 AND created_at < $4
		GROUP BY 1, 2, 3, 4, 5`
}

// NewReader returns the funnel queries of d over query.
func NewReader(query ledgersql.QueryFunc, d Dialect) Reader {
	return Reader{query: query, time: d.Time, orders: ordersQuery(d.Day("created_at"))}
}

// FunnelDays implements buycard.FunnelService.
func (r Reader) FunnelDays(ctx context.Context, q buycard.FunnelQuery) ([]buycard.FunnelDay, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	rows, err := r.rows(ctx, q)
	if err != nil {
		return nil, err
	}
	return rows.sum(func(k buycard.FunnelKey) string { return k.Day }), nil
}

// FunnelBreakdown implements buycard.FunnelService.
func (r Reader) FunnelBreakdown(ctx context.Context, q buycard.FunnelQuery, by string) ([]buycard.FunnelRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := buycard.ValidateBreakdown(by); err != nil {
		return nil, err
	}
	rows, err := r.rows(ctx, q)
	if err != nil {
		return nil, err
	}
	group := func(k buycard.FunnelKey) string { return k.WidgetID }
	if by == buycard.BreakdownByPlacement {
		group = func(k buycard.FunnelKey) string { return k.PlacementID }
	}
	sums := rows.sum(group)
	out := make([]buycard.FunnelRow, 0, len(sums))
	for _, g := range sums {
		out = append(out, buycard.NewFunnelRow(g.Day, g))
	}
	return out, nil
}

// rows reads q's funnel per day, widget, placement and publisher, each
// row nested.
func (r Reader) rows(ctx context.Context, q buycard.FunnelQuery) (rowMap, error) {
	start, end := q.Bounds()
	rows := rowMap{}
	steps := []struct {
		op, sql  string
		from, to any
		scan     func(ledgersql.Rows, rowMap) error
	}{
		{"funnel events", eventsQuery, q.From, q.To, scanEvents},
		{"funnel orders", r.orders, r.time(start), r.time(end), scanOrders},
	}
	for _, s := range steps {
		if err := r.run(ctx, s.sql, rows, s.scan, q.WidgetID, q.PlacementID, s.from, s.to, q.MerchantID, q.PublisherID); err != nil {
			return nil, fmt.Errorf("%s: %w", s.op, err)
		}
	}
	for _, d := range rows {
		*d = d.Nested()
	}
	return rows, nil
}

func (r Reader) run(ctx context.Context, sql string, into rowMap, scan func(ledgersql.Rows, rowMap) error, args ...any) error {
	rows, closeRows, err := r.query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer closeRows()
	if err := scan(rows, into); err != nil {
		return err
	}
	return rows.Err()
}

// rowMap collects the finest rows of a funnel as the queries find them.
type rowMap map[buycard.FunnelKey]*buycard.FunnelDay

func (m rowMap) row(k buycard.FunnelKey) *buycard.FunnelDay {
	if m[k] == nil {
		m[k] = newDay(k.Day)
	}
	return m[k]
}

func newDay(day string) *buycard.FunnelDay {
	return &buycard.FunnelDay{Day: day, Revenue: map[string]int64{}, Refunded: map[string]int64{}}
}

// sum adds up the rows per group(key), returned sorted by group, each
// with its group in Day.
func (m rowMap) sum(group func(buycard.FunnelKey) string) []buycard.FunnelDay {
	sums := map[string]*buycard.FunnelDay{}
	for k, d := range m {
		g := group(k)
		if sums[g] == nil {
			sums[g] = newDay(g)
		}
		sums[g].Add(*d)
	}
	out := make([]buycard.FunnelDay, 0, len(sums))
	for _, d := range sums {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b buycard.FunnelDay) int { return strings.Compare(a.Day, b.Day) })
	return out
}

func scanEvents(rows ledgersql.Rows, into rowMap) error {
	for rows.Next() {
		var k buycard.FunnelKey
		var imp, clicks int64
		var x buycard.FunnelDiscards
		if err := rows.Scan(&k.Day, &k.WidgetID, &k.PlacementID, &k.PublisherID, &imp, &clicks,
			&x.Bot, &x.Unproven, &x.OverLimit, &x.Duplicate); err != nil {
			return err
		}
		d := into.row(k)
		d.Impressions, d.Clicks, d.Discarded = imp, clicks, x
	}
	return nil
}

func scanOrders(rows ledgersql.Rows, into rowMap) error {
	for rows.Next() {
		var k buycard.FunnelKey
		var currency string
		var checkouts, sales, revenue, refunds, refunded int64
		if err := rows.Scan(&k.Day, &k.WidgetID, &k.PlacementID, &k.PublisherID, &currency,
			&checkouts, &sales, &revenue, &refunds, &refunded); err != nil {
			return err
		}
		d := into.row(k)
		d.Checkouts += checkouts
		d.Sales += sales
		d.Refunds += refunds
		if sales > 0 {
			d.Revenue[currency] += revenue
		}
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
