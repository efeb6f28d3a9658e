package main

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/ledger"
)

// TestLedgerCommands runs the operator's commands on a store holding one
// sale: release (hold 0), statement, payouts twice, verify.
func TestLedgerCommands(t *testing.T) {
	t.Setenv("BUYCARD_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "cli.db"))
	t.Setenv("BUYCARD_PUBLISHER_HOLD", "0s")
	t.Setenv("BUYCARD_PAYOUT_MINIMUM", "USD:100")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	m, err := server.NewMain(os.Getenv, logger)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	sale, err := ledger.SalePaid(ledger.Sale{
		OrderID: "ord_cli", MerchantID: "mer_cli", PublisherID: "pub_cli", Provider: "sandbox",
		Total: buycard.Money{Amount: 10_000, Currency: "USD"}, Rates: ledger.Rates{PlatformBPS: 875, PublisherBPS: 1000},
		EffectiveAt: time.Now().Add(-time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.DB.Post(t.Context(), sale); err != nil {
		t.Fatal(err)
	}
	m.Close()

	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(logger, args, &out)
		return out.String(), err
	}
	if out, err := cli("release"); err != nil || out != "released 1 publisher shares\n" {
		t.Fatalf("release: %q, %v", out, err)
	}
	out, err := cli("statement", "-csv", "publisher:pub_cli:available:USD")
	if err != nil || !strings.Contains(out, "publisher_release:ord_cli,publisher_release,ord_cli,,10.00,10.00,USD") {
		t.Fatalf("statement -csv: %q, %v", out, err)
	}
	if out, err := cli("payouts", "run", "-batch", "b1"); err != nil || !strings.Contains(out, `"key": "publisher_payout:b1/pub_cli/USD"`) {
		t.Fatalf("payouts: %s, %v", out, err)
	}
	if out, err := cli("payouts", "run", "-batch", "b1"); err != nil || !strings.Contains(out, `"payouts": null`) {
		t.Fatalf("payouts again: %s, %v", out, err)
	}
	if out, err := cli("statement", "publisher:pub_cli:paid:USD"); err != nil || !strings.Contains(out, "publisher_payout:b1/pub_cli/USD") {
		t.Fatalf("statement: %s, %v", out, err)
	}
	if out, err := cli("ledger", "verify"); err != nil || !strings.HasPrefix(out, "ledger ok: 3 journals") {
		t.Fatalf("verify: %q, %v", out, err)
	}
	if out, err := cli("contract", "mer_nope", "pub_cli", "500"); err == nil || err.Error() != `Merchant "mer_nope" not found.` {
		t.Errorf("contract with an unknown merchant: %q, %v", out, err)
	}
	if _, err := cli("statement", "publisher:pub_cli:cash:USD"); err == nil {
		t.Error("a bad account must fail")
	}
	day := func(d int) string { return time.Now().UTC().AddDate(0, 0, d).Format(buycard.DayLayout) }
	for _, tt := range []struct{ args, want string }{
		{"2026-02-30", `"2026-02-30" is not a day: write it as YYYY-MM-DD (UTC).`},
		{day(1), "Day " + day(1) + " is not over yet: a day can be reconciled once it has ended (UTC)."},
		{day(-1) + " " + day(-3), "The last day " + day(-3) + " is before the first " + day(-1) + "."},
		{day(-1), "Nothing to reconcile: this server takes no Stripe payments"},
		{"", "usage: buycard reconcile money FROM [TO]"},
	} {
		args := append([]string{"reconcile", "money"}, strings.Fields(tt.args)...)
		if _, err := cli(args...); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("reconcile money %s: %v, want %q", tt.args, err, tt.want)
		}
	}
}

// TestReleaseNeedsNoStripe: with Stripe keys but no BUYCARD_PUBLIC_URL,
// which Stripe's client needs outside serve, release still runs and only
// the commands that call Stripe fail.
func TestReleaseNeedsNoStripe(t *testing.T) {
	t.Setenv("BUYCARD_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "cli.db"))
	t.Setenv("STRIPE_SECRET_KEY", "sk_test_cli")
	t.Setenv("STRIPE_PUBLISHABLE_KEY", "pk_test_cli")
	var out bytes.Buffer
	if err := run(slog.New(slog.DiscardHandler), []string{"release"}, &out); err != nil || out.String() != "released 0 publisher shares\n" {
		t.Fatalf("release: %q, %v", out.String(), err)
	}
	if err := run(slog.New(slog.DiscardHandler), []string{"payouts", "run"}, io.Discard); err == nil || !strings.Contains(err.Error(), "BaseURL is required") {
		t.Errorf("payouts run: err = %v, want Stripe's client refusing the configuration", err)
	}
	// The day is claimed, fails, and says why; the next run takes it.
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(buycard.DayLayout)
	for range 2 {
		out.Reset()
		err := run(slog.New(slog.DiscardHandler), []string{"reconcile", "money", yesterday}, &out)
		if err == nil || !strings.Contains(out.String(), yesterday+"  failed  stripe: stripeconnect: BaseURL is required") {
			t.Fatalf("reconcile money: %q, %v", out.String(), err)
		}
	}
}
