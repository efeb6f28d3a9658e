package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/operations"
	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/ledger"
)

// ledgerCommand runs the operator's ledger commands against m's store.
func ledgerCommand(ctx context.Context, m *server.Main, cmd string, args []string, out io.Writer) error {
	switch cmd {
	case "ledger":
		if len(args) != 1 || args[0] != "verify" {
			return errors.New("usage: buycard ledger verify")
		}
		return verifyLedger(ctx, m, out)
	case "statement":
		return statement(ctx, m, args, out)
	case "contract":
		return contract(ctx, m, args, out)
	}
	return workflowCommand(ctx, m.Workflows(), cmd, args, out)
}

// workflowCommand runs the operator's money workflows: release, payouts
// and reconcile.
func workflowCommand(ctx context.Context, w *operations.Workflows, cmd string, args []string, out io.Writer) error {
	switch cmd {
	case "release":
		n, err := w.ReleaseShares(ctx, time.Now())
		fmt.Fprintf(out, "released %d publisher shares\n", n)
		return err
	case "reconcile":
		return reconcile(ctx, w, args, out)
	}
	return payouts(ctx, w, args, out)
}

// verifyLedger prints what the check found and fails when the ledger does
// not verify.
func verifyLedger(ctx context.Context, m *server.Main, out io.Writer) error {
	v, err := m.DB.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, v)
	if !v.OK() {
		return errors.New("the ledger does not verify")
	}
	return nil
}

func statement(ctx context.Context, m *server.Main, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("statement", flag.ContinueOnError)
	asCSV := fs.Bool("csv", false, "write CSV")
	after := fs.Int64("after", 0, "only entries after this position")
	limit := fs.Int("limit", 0, "at most this many entries (0: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: buycard statement [-csv] [-after N] [-limit N] PARTY:ID:KIND:CURRENCY")
	}
	a, err := ledger.ParseAccountID(fs.Arg(0))
	if err != nil {
		return errors.New(buycard.ErrorMessage(err))
	}
	entries, err := m.DB.Statement(ctx, ledger.StatementQuery{Account: a, After: *after, Limit: *limit})
	if err != nil {
		return err
	}
	if *asCSV {
		return ledger.WriteStatementCSV(out, a, entries)
	}
	return writeStatementTable(out, a, entries)
}

// writeStatementTable prints a statement for a terminal.
func writeStatementTable(out io.Writer, a ledger.AccountID, entries []ledger.Entry) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "seq\teffective\tjournal\torder\tamount\tbalance\t\n")
	money := func(amount int64) string { return buycard.Money{Amount: amount, Currency: a.Currency}.Decimal() }
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t\n", e.Seq, e.EffectiveAt.Format("2006-01-02 15:04"), e.JournalKey, e.OrderID, money(e.Amount), money(e.Balance))
	}
	fmt.Fprintf(tw, "\t\t\t%s\t\t%s\t\n", a, a.Currency)
	return tw.Flush()
}

func payouts(ctx context.Context, w *operations.Workflows, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "run" {
		return errors.New("usage: buycard payouts run [-batch ID]")
	}
	fs := flag.NewFlagSet("payouts run", flag.ContinueOnError)
	now := time.Now().UTC()
	batch := fs.String("batch", "payouts-"+now.Format("20060102-150405"),
		"sandbox: batch id; running a batch again pays nothing twice")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var (
		result any
		err    error
	)
	if w.Stripe != nil {
		result, err = w.RunStripePayouts(ctx, now)
	} else {
		result, err = w.RunPayouts(ctx, *batch, now)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if eerr := enc.Encode(result); eerr != nil {
		return errors.Join(err, eerr)
	}
	return err
}

// contract sets a merchant's share for one publisher over its widgets'
// (until the console does it).
func contract(ctx context.Context, m *server.Main, args []string, out io.Writer) error {
	if len(args) != 3 {
		return errors.New("usage: buycard contract MERCHANT_ID PUBLISHER_ID SHARE_BPS")
	}
	bps, err := strconv.Atoi(args[2])
	if err != nil {
		return errors.New("SHARE_BPS must be a whole number of basis points")
	}
	c := &buycard.PublisherContract{MerchantID: args[0], PublisherID: args[1], ShareBPS: bps}
	if err := m.DB.SetPublisherContract(ctx, c); err != nil {
		return errors.New(buycard.ErrorMessage(err))
	}
	fmt.Fprintf(out, "%s gives %s %d bps of each new sale\n", c.MerchantID, c.PublisherID, c.ShareBPS)
	return nil
}

// reconcile repairs what missed Stripe webhooks left behind, or with
// "money" compares days of the ledger with Stripe's money.
func reconcile(ctx context.Context, w *operations.Workflows, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "money" {
		return reconcileMoney(ctx, w, args[1:], out)
	}
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	since := fs.Duration("since", 48*time.Hour, "how far back to read Checkout Sessions")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := w.ReconcileRecorded(ctx, time.Now().Add(-*since))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d paid or expired sessions since %s: %d applied (no-ops where the webhook came), %d not ours\n",
		r.Sessions, since, r.Applied, r.Foreign)
	return nil
}
