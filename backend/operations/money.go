package operations

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/buycard/buycard"
)

// Reconciliation against Stripe's money (issue 17, scenario L-08): each
// UTC day, Stripe's objects of the day are compared with the ledger's
// journals (compare.go). Every node runs the daily job; a day is claimed
// in the store before it is compared, so it is compared once. A mismatch
// raises an alert that holds publisher payouts until an admin clears it.

// MoneyReader lists the provider's money objects of a period;
// *stripeconnect.Provider is one.
type MoneyReader interface {
	// Name is the provider's name on orders ("stripe").
	Name() string
	// MoneyBetween lists the charges, application fees, refunds and
	// share transfers and reversals created in [from, to).
	MoneyBetween(ctx context.Context, from, to time.Time) ([]buycard.ProviderMoney, error)
}

// Windows around a day. A journal follows its Stripe object by the time
// its webhook (or the hourly session reconciliation) takes, so a day's
// journals are matched with Stripe's objects of the day before as well,
// and a day's Stripe objects with the journals of the day after. What is
// missing is reported only for the day itself.
const (
	journalLag = 24 * time.Hour
	// SettleDelay is how long after its end the daily job reconciles a
	// day: the webhooks of its last minutes have arrived.
	SettleDelay = 2 * time.Hour
	// dueDays is how many days back the daily job looks for days not
	// reconciled yet (the nodes were down, or a run failed).
	dueDays = 3
)

// ErrNoProvider is the reply of a reconciliation without Stripe. The
// sandbox's payments never leave Buycard: there is no other record to
// compare the ledger with, and `buycard ledger verify` checks the ledger
// itself.
var ErrNoProvider = buycard.Errorf(buycard.ECONFLICT,
	"Nothing to reconcile: this server takes no Stripe payments (no STRIPE_SECRET_KEY). Sandbox payments never reach a payment provider, so the ledger is their only record; buycard ledger verify checks it.")

// ReconcileDays reconciles each of days (buycard.ReconcileDays) that no
// other run holds, and returns the runs it made; again runs days that
// were reconciled already. Errors: ErrNoProvider, and a day's failure
// (recorded as a failed run) after the other days ran.
func (w *Workflows) ReconcileDays(ctx context.Context, days []string, again bool) ([]*buycard.ReconciliationRun, error) {
	if w.Stripe == nil {
		return nil, ErrNoProvider
	}
	var runs []*buycard.ReconciliationRun
	var errs []error
	for _, day := range days {
		run, err := w.reconcileDay(ctx, day, again)
		if run != nil {
			runs = append(runs, run)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("reconcile %s: %w", day, err))
		}
	}
	return runs, errors.Join(errs...)
}

// ReconcileDue is the daily job: it reconciles the last dueDays days that
// ended SettleDelay before now and were not reconciled yet. Every node
// may run it at once.
func (w *Workflows) ReconcileDue(ctx context.Context, now time.Time) error {
	last := now.UTC().Add(-SettleDelay).Truncate(24*time.Hour).AddDate(0, 0, -1)
	var days []string
	for i := dueDays - 1; i >= 0; i-- {
		days = append(days, last.AddDate(0, 0, -i).Format(buycard.DayLayout))
	}
	runs, err := w.ReconcileDays(ctx, days, false)
	for _, r := range runs {
		w.Logger.Info("reconciliation with Stripe", "day", r.Day, "status", r.Status)
	}
	return err
}

// reconcileDay claims day and compares it; a nil run means another run
// holds the day (or, without again, it was reconciled).
func (w *Workflows) reconcileDay(ctx context.Context, day string, again bool) (*buycard.ReconciliationRun, error) {
	start := w.Now().UTC()
	ok, err := w.Store.ClaimReconciliation(ctx, day, start, again)
	if err != nil || !ok {
		return nil, err
	}
	run := &buycard.ReconciliationRun{Day: day, StartedAt: start}
	report, cerr := w.compareDay(ctx, day)
	switch {
	case cerr != nil:
		run.Status, run.Error = buycard.ReconciliationFailed, cerr.Error()
	case report.Clean():
		run.Status, run.Report = buycard.ReconciliationClean, report
	default:
		run.Status, run.Report = buycard.ReconciliationMismatch, report
		w.Logger.Warn("reconciliation with Stripe found differences: payouts are held", "day", day, "differences", len(report.Differences))
	}
	finished := w.Now().UTC()
	run.FinishedAt = &finished
	if err := w.Store.FinishReconciliation(context.WithoutCancel(ctx), run, finished); err != nil {
		return run, errors.Join(cerr, err)
	}
	return run, cerr
}

// compareDay reads both sides of day and compares them.
func (w *Workflows) compareDay(ctx context.Context, day string) (*buycard.ReconciliationReport, error) {
	start, err := buycard.DayStart(day)
	if err != nil {
		return nil, err
	}
	end := start.AddDate(0, 0, 1)
	stripe, err := w.Stripe()
	if err != nil {
		return nil, err
	}
	money, err := stripe.MoneyBetween(ctx, start.Add(-journalLag), end)
	if err != nil {
		return nil, err
	}
	journals, err := w.Store.ProviderJournals(ctx, stripe.Name(), start.Add(-journalLag), end.Add(journalLag))
	if err != nil {
		return nil, err
	}
	orders, err := w.paymentOrders(ctx, stripe.Name(), money)
	if err != nil {
		return nil, err
	}
	shares, err := w.Store.TransferShares(ctx, idsOf(money, func(m buycard.ProviderMoney) string { return m.TransferID }))
	if err != nil {
		return nil, err
	}
	for i, m := range money {
		if m.Kind == buycard.MoneyTransferReversal && m.ShareTransfer == "" {
			money[i].ShareTransfer = shares[m.TransferID] // a reversal made in the Dashboard
		}
	}
	return compare(day, start, end, money, journals, orders), nil
}

// paymentOrders maps the payments of money to our orders: those the
// orders record, and those of charges and fees whose metadata names an
// order of ours that does not record its payment yet (a missed
// webhook), so that the money shows as missing in the ledger instead of
// foreign.
func (w *Workflows) paymentOrders(ctx context.Context, provider string, money []buycard.ProviderMoney) (map[string]string, error) {
	orders, err := w.Store.PaymentOrders(ctx, provider, idsOf(money, func(m buycard.ProviderMoney) string { return m.PaymentID }))
	if err != nil {
		return nil, err
	}
	claimed, err := w.Store.ProviderOrders(ctx, provider, idsOf(money, func(m buycard.ProviderMoney) string {
		if orders[m.PaymentID] != "" {
			return ""
		}
		return m.OrderID
	}))
	for _, m := range money {
		if orders[m.PaymentID] == "" && m.PaymentID != "" && claimed[m.OrderID] != "" {
			orders[m.PaymentID] = m.OrderID
		}
	}
	return orders, err
}

// idsOf are the ids id reads of money, each once, empty ones left out.
func idsOf(money []buycard.ProviderMoney, id func(buycard.ProviderMoney) string) []string {
	seen := map[string]bool{"": true}
	var ids []string
	for _, m := range money {
		if v := id(m); !seen[v] {
			seen[v] = true
			ids = append(ids, v)
		}
	}
	return ids
}

// PayoutsHeld returns an ECONFLICT error naming the days of the open
// reconciliation alerts, nil when there are none: payouts wait until an
// admin clears them.
func (w *Workflows) PayoutsHeld(ctx context.Context) error {
	alerts, err := w.Store.OpenReconciliationAlerts(ctx)
	if err != nil || len(alerts) == 0 {
		return err
	}
	days := make([]string, len(alerts))
	for i, a := range alerts {
		days[i] = a.Day
	}
	return buycard.Errorf(buycard.ECONFLICT, "Payouts are held: reconciling %s with the payment provider found differences. An admin must review them and clear the alert in the console first.",
		strings.Join(days, ", "))
}
