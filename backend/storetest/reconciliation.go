package storetest

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// reconcilerOf is s's ReconciliationService and ProviderBooks; the test
// is skipped for a store without them.
func reconcilerOf(t *testing.T, s Store) interface {
	buycard.ReconciliationService
	ledger.ProviderBooks
} {
	t.Helper()
	r, ok := s.(interface {
		buycard.ReconciliationService
		ledger.ProviderBooks
	})
	if !ok {
		t.Skip("the store does not reconcile")
	}
	return r
}

// testReconciliationRuns claims a day once among runs, lets a run whose
// node died be taken over, raises an alert per mismatched day (one open
// at a time) and clears it with who, when and why.
func testReconciliationRuns(t *testing.T, s Store) {
	r, ctx := reconcilerOf(t, s), t.Context()
	const day = "2026-12-07"
	t0 := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC)
	claim := func(now time.Time, again bool) bool {
		ok, err := r.ClaimReconciliation(ctx, day, now, again)
		must(t, err)
		return ok
	}
	if !claim(t0, false) || claim(t0.Add(time.Minute), false) || claim(t0.Add(time.Minute), true) {
		t.Fatal("a running day was claimed twice")
	}
	_, err := r.ClaimReconciliation(ctx, "2026-13-01", t0, false)
	wantError(t, err, buycard.EINVALID, `"2026-13-01" is not a day: write it as YYYY-MM-DD (UTC).`)
	t1 := t0.Add(buycard.ReconciliationLease + time.Minute)
	if !claim(t1, false) {
		t.Fatal("an abandoned run was not taken over")
	}
	clean := &buycard.ReconciliationRun{Day: day, Status: buycard.ReconciliationClean, StartedAt: t0,
		Report: &buycard.ReconciliationReport{Day: day, Compared: 2, Totals: []buycard.CurrencyTotals{}, Differences: []buycard.Difference{}}}
	wantCode(t, "finish a lost claim", r.FinishReconciliation(ctx, clean, t1), buycard.ECONFLICT)
	clean.StartedAt = t1
	must(t, r.FinishReconciliation(ctx, clean, t1))
	if claim(t1, false) || !claim(t1.Add(time.Hour), true) {
		t.Fatal("a reconciled day was claimed again by the schedule, or not by the operator")
	}

	diff := buycard.Difference{Kind: buycard.MissingInLedger, Object: buycard.MoneyRefund, ProviderID: "re_1", OrderID: "ord_1", Currency: "USD", ProviderAmount: 100}
	mismatch := &buycard.ReconciliationRun{Day: day, Status: buycard.ReconciliationMismatch, StartedAt: t1.Add(time.Hour),
		Report: &buycard.ReconciliationReport{Day: day, Compared: 3, Totals: []buycard.CurrencyTotals{}, Differences: []buycard.Difference{diff}}}
	wantCode(t, "a clean run with differences", r.FinishReconciliation(ctx, &buycard.ReconciliationRun{
		Day: day, Status: buycard.ReconciliationClean, StartedAt: mismatch.StartedAt, Report: mismatch.Report}, t1), buycard.EINVALID)
	must(t, r.FinishReconciliation(ctx, mismatch, t1.Add(time.Hour)))
	mismatch.StartedAt = t1.Add(2 * time.Hour) // the operator runs it again: still the one alert
	if !claim(mismatch.StartedAt, true) {
		t.Fatal("claim again")
	}
	must(t, r.FinishReconciliation(ctx, mismatch, mismatch.StartedAt))
	alerts, err := r.OpenReconciliationAlerts(ctx)
	must(t, err)
	if len(alerts) != 1 || alerts[0].Day != day || !alerts[0].UpdatedAt.Equal(mismatch.StartedAt) || len(alerts[0].Differences) != 1 || alerts[0].Differences[0] != diff {
		t.Fatalf("open alerts = %+v", alerts)
	}
	runs, err := r.ReconciliationRuns(ctx, 5)
	must(t, err)
	if len(runs) != 1 || runs[0].Status != buycard.ReconciliationMismatch || runs[0].Report.Differences[0] != diff || runs[0].FinishedAt == nil {
		t.Fatalf("runs = %+v", runs)
	}

	id := alerts[0].ID
	wantCode(t, "clear without a note", r.ClearReconciliationAlert(ctx, id, "ops", "  ", t1), buycard.EINVALID)
	wantCode(t, "clear an unknown alert", r.ClearReconciliationAlert(ctx, id+100, "ops", "fixed", t1), buycard.ENOTFOUND)
	must(t, r.ClearReconciliationAlert(ctx, id, "ops@example.com", "Refund made in the Dashboard, booked by hand.", t1))
	wantCode(t, "clear twice", r.ClearReconciliationAlert(ctx, id, "ops", "again", t1), buycard.ECONFLICT)
	if alerts, err := r.OpenReconciliationAlerts(ctx); err != nil || len(alerts) != 0 {
		t.Fatalf("open alerts after clearing = %+v, %v", alerts, err)
	}
	cleared, err := r.ClearedReconciliationAlerts(ctx, 5)
	must(t, err)
	if len(cleared) != 1 || cleared[0].ID != id || cleared[0].ClearedBy != "ops@example.com" || cleared[0].ClearedAt == nil ||
		!cleared[0].ClearedAt.Equal(t1) || cleared[0].Note != "Refund made in the Dashboard, booked by hand." {
		t.Fatalf("cleared alerts = %+v", cleared)
	}
}

// testProviderJournals reads what a reconciliation compares: a paid
// order's sale with its payment, its refund, its share transfer with the
// provider's transfer, and not its release.
func testProviderJournals(t *testing.T, s Store) {
	r, ctx := reconcilerOf(t, s), t.Context()
	f := Seed(t, s)
	from := time.Now().Add(-time.Hour)
	o, _ := releasedOrder(t, s, f)
	applyEvent(t, s, moneyEvent(o, buycard.PaymentRefunded, "re_"+o.ID, 1200))
	now := time.Now().UTC().Truncate(time.Microsecond)
	// The refund left 120 to transfer.
	tr, ok, err := s.ClaimShareTransfer(ctx, o.ID, "acct_pub", now)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	must(t, s.FinishShareTransfer(ctx, tr.ID, "tr_"+o.ID, now, now))

	list, err := r.ProviderJournals(ctx, o.Provider, from, time.Now().Add(time.Hour))
	must(t, err)
	got := map[ledger.JournalKind]ledger.ProviderJournal{}
	for _, pj := range list {
		if pj.Journal.OrderID == o.ID {
			got[pj.Journal.Kind] = pj
		}
	}
	sale, refund, payout := got[ledger.KindSale], got[ledger.KindRefund], got[ledger.KindPublisherPayout]
	if len(got) != 3 || sale.PaymentID != "pi_"+o.ID || refund.Journal.Key != "refund:re_"+o.ID || payout.ProviderID != "tr_"+o.ID {
		t.Fatalf("provider journals = %+v", got)
	}
	// The application fee is the platform fee and the share, 10% each.
	wantEqual(t, "sale's money", ledger.ProviderMoney(sale.Journal), map[buycard.MoneyKind]int64{buycard.MoneyCharge: 2400, buycard.MoneyApplicationFee: 480})
	wantEqual(t, "refund's money", ledger.ProviderMoney(refund.Journal), map[buycard.MoneyKind]int64{buycard.MoneyRefund: 1200})
	wantEqual(t, "transfer's money", ledger.ProviderMoney(payout.Journal), map[buycard.MoneyKind]int64{buycard.MoneyTransfer: 120})
	if later, err := r.ProviderJournals(ctx, o.Provider, time.Now().Add(time.Hour), time.Now().Add(2*time.Hour)); err != nil || len(later) != 0 {
		t.Fatalf("journals of a later hour = %+v, %v", later, err)
	}
	if other, err := r.ProviderJournals(ctx, "stripe", from, time.Now().Add(time.Hour)); err != nil || len(other) != 0 {
		t.Fatalf("journals of another provider = %+v, %v", other, err)
	}

	orders, err := r.PaymentOrders(ctx, o.Provider, []string{"pi_" + o.ID, "pi_none"})
	must(t, err)
	wantEqual(t, "payment orders", orders, map[string]string{"pi_" + o.ID: o.ID})
	known, err := r.ProviderOrders(ctx, o.Provider, []string{o.ID, "ord_none"})
	must(t, err)
	wantEqual(t, "provider orders", known, map[string]string{o.ID: o.ID})
	shares, err := r.TransferShares(ctx, []string{"tr_" + o.ID, "tr_none"})
	must(t, err)
	wantEqual(t, "transfer shares", shares, map[string]string{"tr_" + o.ID: tr.ID})
}
