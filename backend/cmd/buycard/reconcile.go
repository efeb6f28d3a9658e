package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/operations"
)

// reconcileMoney compares the ledger with Stripe's money of the days
// args name (FROM [TO], UTC), again if reconciled before, and prints what
// each run found. It fails when a day differs or could not be compared.
func reconcileMoney(ctx context.Context, w *operations.Workflows, args []string, out io.Writer) error {
	if len(args) < 1 || len(args) > 2 {
		return errors.New("usage: buycard reconcile money FROM [TO]   (UTC days, YYYY-MM-DD)")
	}
	to := ""
	if len(args) == 2 {
		to = args[1]
	}
	days, err := buycard.ReconcileDays(args[0], to, time.Now().UTC())
	if err != nil {
		return errors.New(buycard.ErrorMessage(err))
	}
	runs, err := w.ReconcileDays(ctx, days, true)
	if errors.Is(err, operations.ErrNoProvider) {
		return errors.New(buycard.ErrorMessage(err))
	}
	mismatch := false
	for _, r := range runs {
		mismatch = printRun(out, r) || mismatch
	}
	if len(runs) < len(days) {
		fmt.Fprintf(out, "%d of %d days are being reconciled by another run now\n", len(days)-len(runs), len(days))
	}
	if mismatch {
		err = errors.Join(err, errors.New("the ledger and Stripe differ: payouts are held until an admin clears the alert in the console"))
	}
	return err
}

// printRun prints what run r found, and reports whether it found
// differences.
func printRun(out io.Writer, r *buycard.ReconciliationRun) (differ bool) {
	fmt.Fprintf(out, "%s  %s", r.Day, r.Status)
	if r.Report == nil {
		fmt.Fprintf(out, "  %s\n", r.Error)
		return false
	}
	fmt.Fprintf(out, "  %d objects compared, %d not Buycard's\n", r.Report.Compared, r.Report.Foreign)
	for _, d := range r.Report.Differences {
		fmt.Fprintf(out, "  - %s\n", d)
	}
	return !r.Report.Clean()
}
