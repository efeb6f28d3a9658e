package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// dayOf is t's UTC day as funnels write it.
func dayOf(t time.Time) string { return t.UTC().Format(buycard.DayLayout) }

// funnelDays queries s and fails the test on an error.
func funnelDays(t *testing.T, s Store, q buycard.FunnelQuery) []buycard.FunnelDay {
	t.Helper()
	days, err := s.FunnelDays(t.Context(), q)
	must(t, err)
	return days
}

// testFunnelCountsAdd adds the same rollup rows from many goroutines at
// once: every addition counts, none is lost.
func testFunnelCountsAdd(t *testing.T, s Store) {
	f := Seed(t, s)
	today := dayOf(time.Now())
	keys := []buycard.FunnelKey{
		{Day: today, WidgetID: f.Widget.ID, PlacementID: f.Placement.ID, PublisherID: f.Publisher.ID},
		{Day: today, WidgetID: f.Widget.ID},
	}
	discarded := buycard.FunnelDiscards{Bot: 1, Unproven: 2, OverLimit: 3, Duplicate: 4}
	counts := map[buycard.FunnelKey]buycard.FunnelCounts{keys[0]: {Impressions: 3, Clicks: 1, Discarded: discarded}, keys[1]: {Impressions: 2}}
	const writers, each = 8, 5
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				if err := s.AddFunnelCounts(t.Context(), counts); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	must(t, s.AddFunnelCounts(t.Context(), nil))
	q := buycard.FunnelQuery{WidgetID: f.Widget.ID, From: today, To: today}
	n := int64(writers * each)
	want := countsDay(today, 5*n, n)
	want.Discarded = buycard.FunnelDiscards{Bot: n, Unproven: 2 * n, OverLimit: 3 * n, Duplicate: 4 * n}
	wantEqual(t, "widget funnel", funnelDays(t, s, q), []buycard.FunnelDay{want})
	q.PlacementID = f.Placement.ID
	want.Impressions = 3 * n
	wantEqual(t, "placement funnel", funnelDays(t, s, q), []buycard.FunnelDay{want})
}

// countsDay is a day with only loader counts.
func countsDay(day string, impressions, clicks int64) buycard.FunnelDay {
	return buycard.FunnelDay{Day: day, Impressions: impressions, Clicks: clicks, Revenue: map[string]int64{}, Refunded: map[string]int64{}}
}

// testFunnelOrders reads checkouts, sales and refunds from the orders,
// beside the loader's counts, for the widget and for one placement.
func testFunnelOrders(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	paid := openOrder(t, s, f, 0, 2) // 4800
	applyEvent(t, s, event(paid, buycard.PaymentSucceeded))
	refunded := openOrder(t, s, f, 1, 1) // 3100, 1000 back
	refunded = applyEvent(t, s, event(refunded, buycard.PaymentSucceeded))
	applyEvent(t, s, moneyEvent(refunded, buycard.PaymentRefunded, "re_"+refunded.ID, 1000))
	openOrder(t, s, f, 0, 1) // checkout started, never paid
	direct := f.NewOrder(0, 1)
	direct.Claims.PlacementID, direct.Claims.PublisherID = "", ""
	_, err := s.CreateOrder(ctx, direct)
	must(t, err)

	now := time.Now()
	today, yesterday := dayOf(now), dayOf(now.AddDate(0, 0, -1))
	must(t, s.AddFunnelCounts(ctx, map[buycard.FunnelKey]buycard.FunnelCounts{
		{Day: today, WidgetID: f.Widget.ID, PlacementID: f.Placement.ID, PublisherID: f.Publisher.ID}: {Impressions: 10, Clicks: 4},
		{Day: today, WidgetID: f.Widget.ID}:     {Impressions: 5, Clicks: 1},
		{Day: yesterday, WidgetID: f.Widget.ID}: {Impressions: 3},
	}))

	q := buycard.FunnelQuery{WidgetID: f.Widget.ID, From: yesterday, To: today}
	day := buycard.FunnelDay{Day: today, Impressions: 15, Clicks: 5, Checkouts: 4, Sales: 2,
		Revenue: map[string]int64{"USD": 7900}, Refunds: 1, Refunded: map[string]int64{"USD": 1000}}
	wantEqual(t, "widget funnel", funnelDays(t, s, q), []buycard.FunnelDay{countsDay(yesterday, 3, 0), day})

	q.PlacementID, q.From = f.Placement.ID, today
	day.Impressions, day.Clicks, day.Checkouts = 10, 4, 3
	wantEqual(t, "placement funnel", funnelDays(t, s, q), []buycard.FunnelDay{day})

	q.From, q.To = "2001-01-01", "2001-01-31"
	wantEqual(t, "funnel of an empty range", funnelDays(t, s, q), []buycard.FunnelDay{})
	_, err = s.FunnelDays(ctx, buycard.FunnelQuery{WidgetID: f.Widget.ID, From: today, To: yesterday})
	wantCode(t, "reversed range", err, buycard.EINVALID)
}

// testFunnelStagesNested: every stage of a funnel is a subset of the one
// before, in every row and grouping. Checkouts from the hosted page or
// the no-JS form come without a click (and a quick tap without an
// impression): they count as clicks and impressions of their own row,
// where a surplus of clicks elsewhere cannot hide them. Sales are counted
// on their checkout's day, so an order paid after midnight is a sale of
// the day it was started.
func testFunnelStagesNested(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	now := time.Now().UTC()
	today, yesterday := dayOf(now), dayOf(now.AddDate(0, 0, -1))
	placed := buycard.FunnelKey{Day: today, WidgetID: f.Widget.ID, PlacementID: f.Placement.ID, PublisherID: f.Publisher.ID}
	direct := buycard.FunnelKey{Day: today, WidgetID: f.Widget.ID}
	must(t, s.AddFunnelCounts(ctx, map[buycard.FunnelKey]buycard.FunnelCounts{
		placed: {Impressions: 1, Clicks: 1}, // the loader saw one of the two checkouts below
		direct: {Impressions: 10, Clicks: 10},
	}))
	openOrder(t, s, f, 0, 1)
	openOrder(t, s, f, 0, 1)
	// Two orders started just before midnight and paid today.
	for range 2 {
		o := f.NewOrder(0, 1)
		o.Now = now.Truncate(24 * time.Hour).Add(-time.Minute)
		created, err := s.CreateOrder(ctx, o)
		must(t, err)
		attachSession(t, s, created)
		applyEvent(t, s, event(created, buycard.PaymentSucceeded))
	}

	q := buycard.FunnelQuery{WidgetID: f.Widget.ID, From: today, To: today}
	todays := funnelDays(t, s, q)
	if len(todays) != 1 {
		t.Fatalf("funnel of today: %+v", todays)
	}
	got := todays[0]
	if got.Impressions != 12 || got.Clicks != 12 || got.Checkouts != 2 || got.Sales != 0 {
		t.Errorf("today: %+v, want the direct row's 10 impressions and clicks, and the placement's 2 each, 2 checkouts, no sale", got)
	}
	q.From = yesterday
	for _, d := range funnelDays(t, s, q) {
		wantNested(t, "day "+d.Day, d)
	}
	if f := buycard.NewFunnel(q, funnelDays(t, s, q)); f.Total.Sales != 2 || f.Total.Checkouts != 4 {
		t.Errorf("total %+v, want 2 sales of 4 checkouts", f.Total)
	}
	for _, by := range []string{buycard.BreakdownByWidget, buycard.BreakdownByPlacement} {
		rows, err := s.FunnelBreakdown(ctx, q, by)
		must(t, err)
		for _, r := range rows {
			wantNested(t, by+" "+r.Key, r.Total)
		}
	}
}

// wantNested checks that no rate of d exceeds 100%.
func wantNested(t *testing.T, what string, d buycard.FunnelDay) {
	t.Helper()
	if d.Clicks > d.Impressions || d.Checkouts > d.Clicks || d.Sales > d.Checkouts {
		t.Errorf("%s: stages not nested: %+v", what, d)
	}
}
