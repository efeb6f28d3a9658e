package main

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/server"
)

// TestBuyerErase erases the buyer of a paid demo order: the order loses
// the buyer and keeps its total, the ledger still verifies, and a second
// run changes nothing.
func TestBuyerErase(t *testing.T) {
	t.Setenv("BUYCARD_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "cli.db"))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	m, err := server.NewMain(os.Getenv, logger)
	must(t, err)
	must(t, m.Open(t.Context()))
	must(t, m.SeedDemo(t.Context()))
	paid := paidDemoOrder(t, m, buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace"})
	m.Close()

	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(logger, args, &out)
		return out.String(), err
	}
	for _, tt := range []struct {
		args      []string
		want, err string
	}{
		{[]string{"buyer", "erase", "Ada@Example.com"}, "erased the personal data of Ada@Example.com: 1 orders, 0 discount redemptions, 1 events\n", ""},
		{[]string{"ledger", "verify"}, "", ""},
		{[]string{"buyer", "erase", "ada@example.com"}, "erased the personal data of ada@example.com: 0 orders, 0 discount redemptions, 0 events\n", ""},
		{[]string{"buyer", "erase", "not an email"}, "", "Enter a valid email address."},
		{[]string{"buyer", "forget", "ada@example.com"}, "", buyerUsage},
		{[]string{"buyer", "erase"}, "", buyerUsage},
	} {
		out, err := cli(tt.args...)
		if (tt.want != "" && out != tt.want) || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("%q = %q, %v; want %q, %q", tt.args, out, err, tt.want, tt.err)
		}
	}

	m, err = server.NewMain(os.Getenv, logger)
	must(t, err)
	defer m.Close()
	must(t, m.Open(t.Context()))
	o, err := m.DB.FindOrder(t.Context(), paid.ID)
	must(t, err)
	if o.Buyer != nil || o.Total != paid.Total || o.Status != buycard.OrderPaid {
		t.Errorf("erased order: buyer %v, total %v, %s; want no buyer, %v, paid", o.Buyer, o.Total, o.Status, paid.Total)
	}
}

// paidDemoOrder stores and pays an order of the demo notebook by buyer.
func paidDemoOrder(t *testing.T, m *server.Main, buyer buycard.Buyer) *buycard.Order {
	t.Helper()
	ctx, now := t.Context(), time.Now()
	card, err := m.DB.FindCard(ctx, "wgt_notebook")
	must(t, err)
	o, err := m.DB.CreateOrder(ctx, buycard.NewOrder{
		Claims: buycard.PlacementClaims{WidgetID: card.Widget.ID, ProductID: card.Product.ID,
			PriceVersion: card.Product.PriceVersion, ExpiresAt: now.Add(time.Hour)},
		VariantID: card.Product.Variants[0].ID, Quantity: 1, Now: now, ExpiresAt: now.Add(time.Hour), Buyer: &buyer,
	})
	must(t, err)
	must(t, m.DB.AttachPaymentSession(ctx, o.ID, "sandbox", "cs_"+o.ID))
	o, err = m.DB.ApplyPaymentEvent(ctx, buycard.PaymentEvent{ID: buycard.NewID("evt"), Provider: "sandbox",
		Type: buycard.PaymentSucceeded, SessionID: "cs_" + o.ID, Amount: o.Total, OccurredAt: now})
	must(t, err)
	return o
}

// must stops the test on an unexpected error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
