package storetest

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// adminOf is s's AdminService; the test is skipped for a store without
// one.
func adminOf(t *testing.T, s Store) buycard.AdminService {
	t.Helper()
	a, ok := s.(buycard.AdminService)
	if !ok {
		t.Skip("the store has no AdminService")
	}
	return a
}

// testFunnelScopes reads funnels narrowed to one merchant's widgets and
// one publisher's placements, and their breakdowns: another merchant's
// and another publisher's traffic never counts.
func testFunnelScopes(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	other := Seed(t, s) // another merchant, widget, publisher and placement
	second := &buycard.Widget{MerchantID: f.Merchant.ID, ProductID: f.Product.ID, CTA: "Get it"}
	must(t, s.CreateWidget(ctx, second))

	paid := openOrder(t, s, f, 0, 2) // 4800 through f's placement
	applyEvent(t, s, event(paid, buycard.PaymentSucceeded))
	otherPaid := openOrder(t, s, other, 0, 1)
	applyEvent(t, s, event(otherPaid, buycard.PaymentSucceeded))
	today := dayOf(time.Now())
	must(t, s.AddFunnelCounts(ctx, map[buycard.FunnelKey]buycard.FunnelCounts{
		{Day: today, WidgetID: f.Widget.ID, PlacementID: f.Placement.ID, PublisherID: f.Publisher.ID}: {Impressions: 10, Clicks: 4},
		{Day: today, WidgetID: f.Widget.ID}: {Impressions: 5, Clicks: 1},
		{Day: today, WidgetID: second.ID}:   {Impressions: 7, Clicks: 2},
		{Day: today, WidgetID: other.Widget.ID, PlacementID: other.Placement.ID, PublisherID: other.Publisher.ID}: {Impressions: 100, Clicks: 50},
	}))

	merchant := buycard.FunnelQuery{MerchantID: f.Merchant.ID, From: today, To: today}
	day := buycard.FunnelDay{Day: today, Impressions: 22, Clicks: 7, Checkouts: 1, Sales: 1,
		Revenue: map[string]int64{"USD": 4800}, Refunded: map[string]int64{}}
	wantEqual(t, "merchant funnel", funnelDays(t, s, merchant), []buycard.FunnelDay{day})

	q := merchant
	q.WidgetID = other.Widget.ID
	wantEqual(t, "another merchant's widget", funnelDays(t, s, q), []buycard.FunnelDay{})

	publisher := buycard.FunnelQuery{PublisherID: f.Publisher.ID, From: today, To: today}
	day.Impressions, day.Clicks = 10, 4
	wantEqual(t, "publisher funnel", funnelDays(t, s, publisher), []buycard.FunnelDay{day})
	q = publisher
	q.PlacementID = other.Placement.ID
	wantEqual(t, "another publisher's placement", funnelDays(t, s, q), []buycard.FunnelDay{})

	rows, err := s.FunnelBreakdown(ctx, merchant, buycard.BreakdownByWidget)
	must(t, err)
	first := buycard.FunnelDay{Impressions: 15, Clicks: 5, Checkouts: 1, Sales: 1,
		Revenue: map[string]int64{"USD": 4800}, Refunded: map[string]int64{}}
	want := []buycard.FunnelRow{
		buycard.NewFunnelRow(f.Widget.ID, first),
		buycard.NewFunnelRow(second.ID, countsDay("", 7, 2)),
	}
	if want[0].Key > want[1].Key {
		want[0], want[1] = want[1], want[0]
	}
	wantEqual(t, "merchant breakdown by widget", rows, want)

	rows, err = s.FunnelBreakdown(ctx, merchant, buycard.BreakdownByPlacement)
	must(t, err)
	direct := countsDay("", 12, 3)
	first.Impressions, first.Clicks = 10, 4
	wantEqual(t, "merchant breakdown by placement", rows, []buycard.FunnelRow{
		buycard.NewFunnelRow("", direct), buycard.NewFunnelRow(f.Placement.ID, first),
	})

	rows, err = s.FunnelBreakdown(ctx, publisher, buycard.BreakdownByPlacement)
	must(t, err)
	wantEqual(t, "publisher breakdown", rows, []buycard.FunnelRow{buycard.NewFunnelRow(f.Placement.ID, first)})

	_, err = s.FunnelBreakdown(ctx, publisher, "day")
	wantError(t, err, buycard.EINVALID, "by must be widget or placement.")
	_, err = s.FunnelDays(ctx, buycard.FunnelQuery{From: today, To: today})
	wantError(t, err, buycard.EINVALID, "widget is required.")
}

// testMerchantOrders pages through a merchant's orders newest first, by
// status, and refuses a cursor of another merchant.
func testMerchantOrders(t *testing.T, s Store) {
	a := adminOf(t, s)
	ctx := t.Context()
	f := Seed(t, s)
	other := Seed(t, s)
	otherOrder := openOrder(t, s, other, 0, 1)
	var ids []string
	for i := range 5 {
		o := openOrder(t, s, f, 0, 1)
		if i%2 == 0 {
			applyEvent(t, s, event(o, buycard.PaymentSucceeded))
		}
		ids = append([]string{o.ID}, ids...) // newest first
	}
	page := func(q buycard.OrderListQuery) []string {
		t.Helper()
		q.MerchantID = f.Merchant.ID
		list, err := a.ListMerchantOrders(ctx, q)
		must(t, err)
		out := []string{}
		for _, o := range list {
			if o.MerchantID != f.Merchant.ID {
				t.Fatalf("order %s of merchant %s listed", o.ID, o.MerchantID)
			}
			out = append(out, o.ID)
		}
		return out
	}
	wantEqual(t, "first page", page(buycard.OrderListQuery{Limit: 2}), ids[:2])
	wantEqual(t, "second page", page(buycard.OrderListQuery{Limit: 2, Before: ids[1]}), ids[2:4])
	wantEqual(t, "last page", page(buycard.OrderListQuery{Limit: 2, Before: ids[3]}), ids[4:])
	wantEqual(t, "after the last", page(buycard.OrderListQuery{Limit: 2, Before: ids[4]}), []string{})
	wantEqual(t, "paid", page(buycard.OrderListQuery{Limit: 10, Status: buycard.OrderPaid}), []string{ids[0], ids[2], ids[4]})
	wantEqual(t, "pending", page(buycard.OrderListQuery{Limit: 10, Status: buycard.OrderPending}), []string{ids[1], ids[3]})

	_, err := a.ListMerchantOrders(ctx, buycard.OrderListQuery{MerchantID: f.Merchant.ID, Limit: 2, Before: otherOrder.ID})
	wantError(t, err, buycard.EINVALID, "before must be the id of an order of the previous page.")
	_, err = a.ListMerchantOrders(ctx, buycard.OrderListQuery{MerchantID: f.Merchant.ID, Limit: 0})
	wantCode(t, "zero limit", err, buycard.EINVALID)
	_, err = a.ListMerchantOrders(ctx, buycard.OrderListQuery{MerchantID: f.Merchant.ID, Limit: 1, Status: "lost"})
	wantCode(t, "bad status", err, buycard.EINVALID)
}

// testPartySummaries lists merchants and publishers with their counts
// and payment account states.
func testPartySummaries(t *testing.T, s Store) {
	a := adminOf(t, s)
	ctx := t.Context()
	f := Seed(t, s)
	o := openOrder(t, s, f, 0, 1)
	applyEvent(t, s, event(o, buycard.PaymentSucceeded))
	openOrder(t, s, f, 0, 1)
	must(t, s.LinkPaymentAccount(ctx, &buycard.PaymentAccount{ID: "acct_" + f.Merchant.ID, PartyKind: buycard.PartyMerchant,
		PartyID: f.Merchant.ID, ChargesEnabled: true, PayoutsEnabled: true, UpdatedAt: time.Now().UTC().Truncate(time.Microsecond)}))

	merchants, err := a.MerchantSummaries(ctx)
	must(t, err)
	publishers, err := a.PublisherSummaries(ctx)
	must(t, err)
	find := func(list []*buycard.PartySummary, id string) *buycard.PartySummary {
		for _, p := range list {
			if p.ID == id {
				return p
			}
		}
		t.Fatalf("%s not listed", id)
		return nil
	}
	wantEqual(t, "merchant", find(merchants, f.Merchant.ID), &buycard.PartySummary{
		ID: f.Merchant.ID, Name: f.Merchant.Name, CreatedAt: f.Merchant.CreatedAt, PaymentAccount: buycard.AccountEnabled,
		Counts: map[string]int64{"products": 1, "widgets": 1, "orders": 2, "paid_orders": 1},
	})
	wantEqual(t, "publisher", find(publishers, f.Publisher.ID), &buycard.PartySummary{
		ID: f.Publisher.ID, Name: f.Publisher.Name, CreatedAt: f.Publisher.CreatedAt, PaymentAccount: buycard.AccountNone,
		Counts: map[string]int64{"placements": 1, "orders": 2, "paid_orders": 1},
	})
}

// testPlatformSettings saves and replaces the settings, refuses invalid
// ones, and records job runs.
func testPlatformSettings(t *testing.T, s Store) {
	a := adminOf(t, s)
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Microsecond)
	for _, set := range []*buycard.PlatformSettings{
		{PlatformFee: buycard.PlatformFee{BPS: 500, Fixed: map[string]int64{"USD": 30, "JPY": 0}}, UpdatedAt: now},
		{PlatformFee: buycard.PlatformFee{BPS: 0, Fixed: map[string]int64{}}, UpdatedAt: now.Add(time.Second)},
	} {
		must(t, a.SavePlatformSettings(ctx, set))
		got, err := a.FindPlatformSettings(ctx)
		must(t, err)
		wantEqual(t, "settings", got, set)
	}
	err := a.SavePlatformSettings(ctx, &buycard.PlatformSettings{PlatformFee: buycard.PlatformFee{BPS: 10001}, UpdatedAt: now})
	wantError(t, err, buycard.EINVALID, "Platform fee must be 0 to 10000 basis points.")
	got, err := a.FindPlatformSettings(ctx)
	must(t, err)
	if got.PlatformFee.BPS != 0 {
		t.Errorf("settings after a refused save = %+v", got)
	}

	job := "test-" + buycard.NewID("job")
	_, err = a.LastJobRun(ctx, job)
	wantCode(t, "no run", err, buycard.ENOTFOUND)
	runs := []*buycard.JobRun{
		{Job: job, StartedAt: now, FinishedAt: now.Add(time.Second), OK: false, Result: "stripe: timeout"},
		{Job: job, StartedAt: now.Add(time.Minute), FinishedAt: now.Add(time.Minute + time.Second), OK: true, Result: "3 sessions"},
	}
	for _, r := range runs {
		must(t, a.RecordJobRun(ctx, r))
	}
	last, err := a.LastJobRun(ctx, job)
	must(t, err)
	wantEqual(t, "last run", last, runs[1])
	wantCode(t, "run without a job", a.RecordJobRun(ctx, &buycard.JobRun{}), buycard.EINVALID)
}
