package operations

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/backend/storetest"
	"github.com/buycard/buycard/backend/stripeconnect"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

// yesterday is a day over, and noon of it, when the tests' Stripe objects
// are made.
func yesterday() (day string, noon time.Time) {
	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	return start.Format(buycard.DayLayout), start.Add(12 * time.Hour)
}

// dayOfMoney is a Stripe day at noon yesterday, as the webhooks and the
// workflows record it: a sale paid through Checkout, a quarter of it
// refunded by the operator, and the publisher's share released and
// transferred. It returns the order and its payment intent.
func dayOfMoney(t *testing.T, w *Workflows, db *sqlite.DB, provider *stripeconnect.Provider, fake *stripetest.Server, noon time.Time) (*buycard.Order, string) {
	t.Helper()
	ctx := t.Context()
	fake.Now = func() time.Time { return noon }
	f := storetest.Seed(t, db)
	for _, a := range []buycard.PaymentAccount{
		{ID: "acct_northwind", PartyKind: buycard.PartyMerchant, PartyID: f.Merchant.ID},
		{ID: "acct_daily", PartyKind: buycard.PartyPublisher, PartyID: f.Publisher.ID},
	} {
		a.ChargesEnabled, a.PayoutsEnabled = true, true
		if err := db.LinkPaymentAccount(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	pending, session := stripeCheckout(t, db, provider, f)
	pi := "pi_" + pending.ID
	fake.PaySession(session, pi)
	deliver(t, webhooksOf(db, provider), string(fake.Event("evt_paid_"+pending.ID, "checkout.session.completed", session, noon)))
	o, err := db.FindOrder(ctx, pending.ID)
	if err != nil || o.Status != buycard.OrderPaid {
		t.Fatalf("order after payment = %v, %v", o, err)
	}
	refundByOperator(t, db, provider, o, "refund-quarter", o.Total.Amount/4)
	w.PublisherHold = time.Hour
	if _, err := w.ReleaseShares(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if run, err := w.RunStripePayouts(ctx, time.Now()); err != nil || len(run.Done) != 1 {
		t.Fatalf("share transfer = %+v, %v", run, err)
	}
	return o, pi
}

// TestReconcileMoney follows one day's money: Stripe and the ledger agree
// (no alert, payouts run); then Stripe's side is tampered with — a refund
// made in Stripe's Dashboard that no webhook reported, an application fee
// of another amount — and running the day again raises an alert naming
// both, holds payouts until an admin clears it, and releases them after.
func TestReconcileMoney(t *testing.T) {
	t.Parallel()
	w, db := newWorkflows(t)
	provider, fake := withStripe(t, w)
	ctx := t.Context()
	day, noon := yesterday()
	o, pi := dayOfMoney(t, w, db, provider, fake, noon)

	runs, err := w.ReconcileDays(ctx, []string{day}, false)
	if err != nil || len(runs) != 1 || runs[0].Status != buycard.ReconciliationClean {
		t.Fatalf("clean day: %v (%+v), %v", runs, runs[0].Report, err)
	}
	if r := runs[0].Report; r.Compared != 4 || len(r.Totals) != 1 || r.Totals[0].Provider[buycard.MoneyCharge] != o.Total.Amount ||
		r.Totals[0].Provider[buycard.MoneyRefund] != o.Total.Amount/4 || fmt.Sprint(r.Totals[0].Provider) != fmt.Sprint(r.Totals[0].Ledger) {
		t.Fatalf("clean report = %+v", r)
	}
	if alerts, _ := db.OpenReconciliationAlerts(ctx); len(alerts) != 0 {
		t.Fatalf("alerts after a clean day: %+v", alerts)
	}
	if again, err := w.ReconcileDays(ctx, []string{day}, false); err != nil || len(again) != 0 {
		t.Fatalf("the daily job ran a reconciled day again: %+v, %v", again, err)
	}

	// Tamper with Stripe's side.
	stripeCall(t, fake, "POST", "/v1/refunds", "charge="+stripetest.ChargeOf(pi)+"&amount=100")
	fees := fake.ApplicationFees()
	fake.SetAmount(fees[0], 999)
	shares, err := db.ShareTransfersOf(ctx, o.ID)
	if err != nil || len(shares) != 1 {
		t.Fatal(shares, err)
	}
	stripeCall(t, fake, "POST", "/v1/transfers/"+shares[0].ProviderID+"/reversals", "amount=10")
	runs, err = w.ReconcileDays(ctx, []string{day}, true)
	if err != nil || len(runs) != 1 || runs[0].Status != buycard.ReconciliationMismatch {
		t.Fatalf("tampered day: %+v, %v", runs, err)
	}
	diffs := runs[0].Report.Differences
	if len(diffs) != 3 || diffs[0].Kind != buycard.AmountDiffers || diffs[0].Object != buycard.MoneyApplicationFee ||
		diffs[0].ProviderAmount != 999 || diffs[0].JournalKey != "sale:"+o.ID ||
		diffs[1].Kind != buycard.MissingInLedger || diffs[1].Object != buycard.MoneyRefund || diffs[1].ProviderAmount != 100 || diffs[1].OrderID != o.ID ||
		diffs[2].Kind != buycard.MissingInLedger || diffs[2].Object != buycard.MoneyTransferReversal || diffs[2].ProviderAmount != 10 {
		t.Fatalf("differences = %+v", diffs)
	}
	alerts, err := db.OpenReconciliationAlerts(ctx)
	if err != nil || len(alerts) != 1 || alerts[0].Day != day || len(alerts[0].Differences) != 3 {
		t.Fatalf("alerts = %+v, %v", alerts, err)
	}
	_, err = w.RunStripePayouts(ctx, time.Now())
	if buycard.ErrorCode(err) != buycard.ECONFLICT || !strings.Contains(buycard.ErrorMessage(err), "Payouts are held: reconciling "+day) {
		t.Fatalf("payouts with an open alert: %v", err)
	}
	if err := w.ScheduledPayouts(ctx, time.Now()); err != nil {
		t.Fatalf("scheduled payouts while held: %v", err)
	}

	if err := db.ClearReconciliationAlert(ctx, alerts[0].ID, "ops@example.com", "Dashboard refund of a goodwill gesture; fee corrected at Stripe.", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RunStripePayouts(ctx, time.Now()); err != nil {
		t.Fatalf("payouts after clearing: %v", err)
	}
}

// TestReconcileMoneyWithoutStripe: the sandbox has nothing to compare.
func TestReconcileMoneyWithoutStripe(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflows(t)
	day, _ := yesterday()
	if _, err := w.ReconcileDays(t.Context(), []string{day}, false); err != ErrNoProvider {
		t.Fatalf("without Stripe: %v", err)
	}
}

// TestReconcileDue: the daily job reconciles the last three days over,
// each once however often it runs.
func TestReconcileDue(t *testing.T) {
	t.Parallel()
	w, db := newWorkflows(t)
	_, fake := withStripe(t, w)
	now := time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC)
	for range 2 {
		if err := w.ReconcileDue(t.Context(), now); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := db.ReconciliationRuns(t.Context(), 10)
	if err != nil || len(runs) != 3 || runs[0].Day != "2026-12-07" || runs[2].Day != "2026-12-05" {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	if n := fake.Lists("/v1/balance_transactions"); n != 3 {
		t.Fatalf("%d balance transaction lists for three days, want 3", n)
	}
}

// TestReconcileMissedWebhook: a payment whose webhook never came shows
// as Stripe's money missing in the ledger (the charge names its order),
// not as another integration's; once the hourly session reconciliation
// has repaired the order, the day reconciles.
func TestReconcileMissedWebhook(t *testing.T) {
	t.Parallel()
	w, db := newWorkflows(t)
	provider, fake := withStripe(t, w)
	ctx := t.Context()
	day, noon := yesterday()
	fake.Now = func() time.Time { return noon }
	o, session := stripeCheckout(t, db, provider, storetest.Seed(t, db))
	fake.PaySession(session, "pi_missed")

	runs, err := w.ReconcileDays(ctx, []string{day}, false)
	if err != nil || len(runs) != 1 || runs[0].Report.Foreign != 0 {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	diffs := runs[0].Report.Differences
	if len(diffs) != 2 || diffs[0].Object != buycard.MoneyApplicationFee || diffs[1].Object != buycard.MoneyCharge ||
		diffs[1].Kind != buycard.MissingInLedger || diffs[1].OrderID != o.ID || diffs[1].ProviderAmount != o.Total.Amount {
		t.Fatalf("differences = %+v", diffs)
	}
	if _, err := w.Reconcile(ctx, noon.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if runs, err = w.ReconcileDays(ctx, []string{day}, true); err != nil || runs[0].Status != buycard.ReconciliationClean {
		t.Fatalf("after the repair: %+v, %v", runs[0].Report, err)
	}
}
