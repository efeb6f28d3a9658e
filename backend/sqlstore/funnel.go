package sqlstore

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/buycard/buycard"
)

// Funnel analytics: the additive upsert of the loader's daily counts into
// funnel_daily, and the funnel query, which reads those counts and
// computes checkouts, sales and refunds from the orders at query time.
// The statements differ between the databases only in how a stored time
// becomes a UTC day (Dialect.Day).
//
// A query reads both at the finest grain, one row per day, widget,
// placement and publisher, nests each row's stages there
// (buycard.FunnelDay.Nested) and only then sums the rows per day, widget
// or placement, so that no rate of any grouping exceeds 100%.

var _ buycard.FunnelService = (*Store)(nil)

// AddFunnelCounts implements buycard.FunnelService: one transaction, the
// upserts in a fixed order, sent together.
func (db *Store) AddFunnelCounts(ctx context.Context, counts map[buycard.FunnelKey]buycard.FunnelCounts) (err error) {
	defer db.wrap(&err, "add funnel counts")
	if len(counts) == 0 {
		return nil
	}
	keys := sortedFunnelKeys(counts)
	args := make([][]any, len(keys))
	for i, k := range keys {
		args[i] = funnelUpsertArgs(k, counts[k])
	}
	return db.conn.Write(ctx, func(tx Tx) error { return tx.ExecEach(ctx, funnelUpsert, args) })
}

// funnelUpsert adds one row's counts to funnel_daily, $1…$10 as
// funnelUpsertArgs.
const funnelUpsert = `
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

// funnelUpsertArgs are funnelUpsert's arguments for one row.
func funnelUpsertArgs(k buycard.FunnelKey, c buycard.FunnelCounts) []any {
	d := c.Discarded
	return []any{k.Day, k.WidgetID, k.PlacementID, k.PublisherID, c.Impressions, c.Clicks,
		d.Bot, d.Unproven, d.OverLimit, d.Duplicate}
}

// sortedFunnelKeys returns the keys of counts in one fixed order, so that
// concurrent flushes lock rows in the same order and cannot deadlock.
func sortedFunnelKeys(counts map[buycard.FunnelKey]buycard.FunnelCounts) []buycard.FunnelKey {
	return slices.SortedFunc(maps.Keys(counts), func(a, b buycard.FunnelKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.WidgetID, b.WidgetID),
			cmp.Compare(a.PlacementID, b.PlacementID), cmp.Compare(a.PublisherID, b.PublisherID))
	})
}

// The filters of a query, $1 widget, $2 placement, $5 merchant and $6
// publisher ($3 and $4 are the range): each matches everything when its
// argument is empty. funnel_daily has no merchant: its widgets tell.
const (
	funnelEventsFilter = `(CAST($1 AS TEXT) = '' OR widget_id = $1) AND (CAST($2 AS TEXT) = '' OR placement_id = $2)
		AND (CAST($5 AS TEXT) = '' OR widget_id IN (SELECT id FROM widgets WHERE merchant_id = $5))
		AND (CAST($6 AS TEXT) = '' OR publisher_id = $6)`
	funnelOrdersFilter = `(CAST($1 AS TEXT) = '' OR widget_id = $1) AND (CAST($2 AS TEXT) = '' OR placement_id = $2)
		AND (CAST($5 AS TEXT) = '' OR merchant_id = $5) AND (CAST($6 AS TEXT) = '' OR publisher_id = $6)`
)

// funnelEventsQuery reads funnel_daily's rows of a query; its primary key
// makes each a (day, widget, placement, publisher) of its own.
const funnelEventsQuery = `
	SELECT day, widget_id, placement_id, publisher_id, impressions, clicks,
		discarded_bot, discarded_unproven, discarded_over_limit, discarded_duplicate
	FROM funnel_daily WHERE ` + funnelEventsFilter + ` AND day >= $3 AND day <= $4`

// funnelOrdersQuery counts the checkouts created in a query's range, and
// the sales and refunds among them, per day of creation, widget,
// placement, publisher and currency; created is the dialect's day of
// created_at.
func funnelOrdersQuery(created string) string {
	return `
		SELECT ` + created + `, widget_id, COALESCE(placement_id, ''), COALESCE(publisher_id, ''), currency,
			COUNT(*),
			CAST(SUM(CASE WHEN status = 'paid' THEN 1 ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN status = 'paid' THEN total ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN status = 'paid' AND refunded > 0 THEN 1 ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN status = 'paid' THEN refunded ELSE 0 END) AS BIGINT)
		FROM orders WHERE ` + funnelOrdersFilter + ` AND created_at >= $3 AND created_at < $4
		GROUP BY 1, 2, 3, 4, 5`
}

// FunnelDays implements buycard.FunnelService, reading one snapshot.
func (db *Store) FunnelDays(ctx context.Context, q buycard.FunnelQuery) ([]buycard.FunnelDay, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	rows, err := db.funnelRows(ctx, q)
	if err != nil {
		return nil, err
	}
	return rows.sum(func(k buycard.FunnelKey) string { return k.Day }), nil
}

// FunnelBreakdown implements buycard.FunnelService, reading one snapshot.
func (db *Store) FunnelBreakdown(ctx context.Context, q buycard.FunnelQuery, by string) ([]buycard.FunnelRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := buycard.ValidateBreakdown(by); err != nil {
		return nil, err
	}
	rows, err := db.funnelRows(ctx, q)
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

// funnelRows reads q's funnel per day, widget, placement and publisher,
// each row nested, all on one read snapshot.
func (db *Store) funnelRows(ctx context.Context, q buycard.FunnelQuery) (rows rowMap, err error) {
	start, end := q.Bounds()
	steps := []struct {
		op, sql  string
		from, to any
		scan     func(Rows, rowMap) error
	}{
		{"funnel events", funnelEventsQuery, q.From, q.To, scanFunnelEvents},
		{"funnel orders", db.queries.funnelOrders, start, end, scanFunnelOrders},
	}
	err = db.conn.Snapshot(ctx, func(tx Tx) error {
		rows = rowMap{}
		for _, s := range steps {
			scan := func(r Rows) (rowMap, error) { return rows, s.scan(r, rows) }
			_, err := queryAll(ctx, db, tx, s.op, scan, s.sql, q.WidgetID, q.PlacementID, s.from, s.to, q.MerchantID, q.PublisherID)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, d := range rows {
		*d = d.Nested()
	}
	return rows, nil
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

func scanFunnelEvents(rows Rows, into rowMap) error {
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
	return rows.Err()
}

func scanFunnelOrders(rows Rows, into rowMap) error {
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
	return rows.Err()
}
