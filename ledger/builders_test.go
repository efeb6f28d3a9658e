package ledger_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

var (
	pendingUSD   = ledger.Account(ledger.Publisher("pub_1"), ledger.Pending, "USD")
	availableUSD = ledger.Account(ledger.Publisher("pub_1"), ledger.Available, "USD")
	paidUSD      = ledger.Account(ledger.Publisher("pub_1"), ledger.Paid, "USD")
	disputedUSD  = ledger.Account(ledger.Provider("sandbox"), ledger.Disputed, "USD")
	feesUSD      = ledger.Account(ledger.Platform(), ledger.ProcessorFees, "USD")
)

func sale(total int64) ledger.Sale {
	return ledger.Sale{
		OrderID: "ord_1", MerchantID: "mer_1", PublisherID: "pub_1", Provider: "sandbox",
		Total: usd(total), Rates: standard, EffectiveAt: t0,
	}
}

// post posts j to m and fails t on error.
func post(t *testing.T, m *ledger.Memory, j ledger.Journal, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Post(context.Background(), j); err != nil {
		t.Fatal(err)
	}
}

// wantBalances fails t unless each account has the given balance.
func wantBalances(t *testing.T, m *ledger.Memory, want map[ledger.AccountID]int64) {
	t.Helper()
	for a, amount := range want {
		b, err := m.Balance(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		if b.Amount != amount {
			t.Errorf("balance of %s = %d, want %d", a, b.Amount, amount)
		}
	}
}

func wantPostings(t *testing.T, j ledger.Journal, want []ledger.Posting) {
	t.Helper()
	if !slices.Equal(j.Postings, want) {
		t.Errorf("postings of %s = %+v, want %+v", j.Key, j.Postings, want)
	}
}

func TestSalePaid(t *testing.T) {
	j, err := ledger.SalePaid(sale(1999))
	if err != nil {
		t.Fatal(err)
	}
	if j.Key != "sale:ord_1" || j.Kind != ledger.KindSale || j.OrderID != "ord_1" || j.Currency != "USD" {
		t.Errorf("header = %q %q %q %q", j.Key, j.Kind, j.OrderID, j.Currency)
	}
	wantPostings(t, j, []ledger.Posting{
		{Account: clearingUSD, Amount: 1999},
		{Account: revenueUSD, Amount: -175},
		{Account: pendingUSD, Amount: -75},
		{Account: payableUSD, Amount: -1749},
	})
}

func TestSalePaidWithoutPublisher(t *testing.T) {
	s := sale(1999)
	s.PublisherID = ""
	j, err := ledger.SalePaid(s)
	if err != nil {
		t.Fatal(err)
	}
	wantPostings(t, j, []ledger.Posting{
		{Account: clearingUSD, Amount: 1999},
		{Account: revenueUSD, Amount: -175},
		{Account: payableUSD, Amount: -1824},
	})
}

func TestSalePaidKWDLegsEndInZero(t *testing.T) {
	s := sale(0)
	s.Total = buycard.Money{Amount: 12350, Currency: "KWD"}
	j, err := ledger.SalePaid(s)
	if err != nil {
		t.Fatal(err)
	}
	var amounts []int64
	for _, p := range j.Postings {
		amounts = append(amounts, p.Amount)
	}
	if want := []int64{12350, -1080, -460, -10810}; !slices.Equal(amounts, want) {
		t.Errorf("amounts = %v, want %v", amounts, want)
	}
}

func TestSaleTimeIsNormalized(t *testing.T) {
	s := sale(1999)
	s.EffectiveAt = time.Date(2026, 3, 1, 13, 0, 0, 1500, time.FixedZone("CET", 3600))
	j := must[ledger.Journal](t)(ledger.SalePaid(s))
	if want := t0.Add(time.Microsecond); !j.EffectiveAt.Equal(want) || j.EffectiveAt.Location() != time.UTC {
		t.Errorf("EffectiveAt = %v, want %v in UTC", j.EffectiveAt, want)
	}
}

// TestRefundsInThirds refunds a 1000-cent sale (platform 88, publisher 37,
// merchant 875) as 333, 333, 334; see TestClawbackThirds for the numbers.
func TestRefundsInThirds(t *testing.T) {
	m := ledger.NewMemory()
	s := sale(1000)
	post(t, m, must[ledger.Journal](t)(ledger.SalePaid(s)), nil)
	var reversed int64
	var second ledger.Journal
	for i, amount := range []int64{333, 333, 334} {
		j, err := ledger.Refunded(ledger.Refund{
			Sale: s, RefundID: "re_" + string(rune('1'+i)), Amount: amount,
			ReversedBefore: reversed, EffectiveAt: t0,
		})
		post(t, m, j, err)
		reversed += amount
		if i == 1 {
			second = j
		}
	}
	wantPostings(t, second, []ledger.Posting{
		{Account: clearingUSD, Amount: -333},
		{Account: revenueUSD, Amount: 29},
		{Account: pendingUSD, Amount: 13},
		{Account: payableUSD, Amount: 291},
	})
	wantBalances(t, m, map[ledger.AccountID]int64{clearingUSD: 0, revenueUSD: 0, pendingUSD: 0, payableUSD: 0})
	_, err := ledger.Refunded(ledger.Refund{Sale: s, RefundID: "re_4", Amount: 1, ReversedBefore: reversed, EffectiveAt: t0})
	wantErr(t, err, buycard.EINVALID, "Cannot reverse 1 after 1000 of an original 1000.")
}

func TestReleaseThenRefundDrawsOnAvailable(t *testing.T) {
	m := ledger.NewMemory()
	s := sale(1000)
	c := must[ledger.Commission](t)(s.Commission())
	post(t, m, must[ledger.Journal](t)(ledger.SalePaid(s)), nil)
	post(t, m, must[ledger.Journal](t)(ledger.Refunded(ledger.Refund{Sale: s, RefundID: "re_1", Amount: 333, EffectiveAt: t0})), nil)
	rest := must[ledger.Commission](t)(c.Remaining(333))
	if rest.Publisher != 25 {
		t.Fatalf("remaining publisher share = %d, want 37-12 = 25", rest.Publisher)
	}
	release, err := ledger.PublisherRelease(ledger.Release{OrderID: "ord_1", PublisherID: "pub_1", Amount: usd(rest.Publisher), EffectiveAt: t0})
	post(t, m, release, err)
	if release.Key != "publisher_release:ord_1" {
		t.Errorf("key = %q", release.Key)
	}
	j, err := ledger.Refunded(ledger.Refund{Sale: s, RefundID: "re_2", Amount: 667, ReversedBefore: 333, Released: true, EffectiveAt: t0})
	post(t, m, j, err)
	wantBalances(t, m, map[ledger.AccountID]int64{pendingUSD: 0, availableUSD: 0, revenueUSD: 0, payableUSD: 0, clearingUSD: 0})
}

func TestPayouts(t *testing.T) {
	m := ledger.NewMemory()
	s := sale(1999)
	post(t, m, must[ledger.Journal](t)(ledger.SalePaid(s)), nil)
	post(t, m, must[ledger.Journal](t)(ledger.PublisherRelease(ledger.Release{OrderID: "ord_1", PublisherID: "pub_1", Amount: usd(75), EffectiveAt: t0})), nil)

	_, err := ledger.PublisherPayout(ledger.Payout{PayoutID: "po_1", PublisherID: "pub_1", Amount: usd(76), Available: 75, EffectiveAt: t0})
	wantErr(t, err, buycard.ECONFLICT, "Payout of 76 exceeds the available 75.")
	j, err := ledger.PublisherPayout(ledger.Payout{PayoutID: "po_1", PublisherID: "pub_1", Amount: usd(50), Available: 75, EffectiveAt: t0})
	post(t, m, j, err)
	wantBalances(t, m, map[ledger.AccountID]int64{availableUSD: 25, paidUSD: 50})

	reversal, err := ledger.PublisherReversal(ledger.TransferReversal{ReversalID: "trr_1", PublisherID: "pub_1", Amount: usd(51), EffectiveAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Post(t.Context(), reversal)
	wantErr(t, err, buycard.ECONFLICT, "Balance of publisher:pub_1:paid:USD would go negative.")
}

func TestPublisherPayouts(t *testing.T) {
	available := []ledger.Balance{
		{Account: ledger.Account(ledger.Publisher("pub_a"), ledger.Available, "USD"), Amount: 5000},
		{Account: ledger.Account(ledger.Publisher("pub_b"), ledger.Available, "USD"), Amount: 999},
		{Account: ledger.Account(ledger.Publisher("pub_c"), ledger.Available, "JPY"), Amount: 20},
		{Account: ledger.Account(ledger.Publisher("pub_d"), ledger.Available, "USD"), Amount: -10},
		{Account: ledger.Account(ledger.Publisher("pub_a"), ledger.Pending, "USD"), Amount: 7000},
	}
	journals, err := ledger.PublisherPayouts("batch_1", available, map[string]int64{"USD": 1000}, t0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, j := range journals {
		keys = append(keys, j.Key)
	}
	want := []string{"publisher_payout:batch_1/pub_a/USD", "publisher_payout:batch_1/pub_c/JPY"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	wantPostings(t, journals[0], []ledger.Posting{
		{Account: ledger.Account(ledger.Publisher("pub_a"), ledger.Available, "USD"), Amount: 5000},
		{Account: ledger.Account(ledger.Publisher("pub_a"), ledger.Paid, "USD"), Amount: -5000},
	})
}

func TestDisputes(t *testing.T) {
	s := sale(1999)
	d := ledger.Dispute{Sale: s, DisputeID: "dp_1", Amount: 1999, EffectiveAt: t0}

	t.Run("won", func(t *testing.T) {
		m := ledger.NewMemory()
		post(t, m, must[ledger.Journal](t)(ledger.SalePaid(s)), nil)
		j, err := ledger.DisputeOpened(d)
		post(t, m, j, err)
		wantBalances(t, m, map[ledger.AccountID]int64{clearingUSD: 0, disputedUSD: 1999})
		j, err = ledger.DisputeWon(d)
		post(t, m, j, err)
		wantBalances(t, m, map[ledger.AccountID]int64{clearingUSD: 1999, disputedUSD: 0, payableUSD: 1749})
	})
	t.Run("lost", func(t *testing.T) {
		m := ledger.NewMemory()
		post(t, m, must[ledger.Journal](t)(ledger.SalePaid(s)), nil)
		post(t, m, must[ledger.Journal](t)(ledger.DisputeOpened(d)), nil)
		j, err := ledger.DisputeLost(d)
		post(t, m, j, err)
		if j.Key != "dispute_lost:dp_1" {
			t.Errorf("key = %q", j.Key)
		}
		wantBalances(t, m, map[ledger.AccountID]int64{clearingUSD: 0, disputedUSD: 0, payableUSD: 0, pendingUSD: 0, revenueUSD: 0})
	})
	t.Run("won without opening", func(t *testing.T) {
		m := ledger.NewMemory()
		post(t, m, must[ledger.Journal](t)(ledger.SalePaid(s)), nil)
		_, err := m.Post(t.Context(), must[ledger.Journal](t)(ledger.DisputeWon(d)))
		wantErr(t, err, buycard.ECONFLICT, "Balance of provider:sandbox:disputed:USD would go negative.")
	})
}

func TestFeeAndSettlement(t *testing.T) {
	fee, err := ledger.ProcessorFee(ledger.Fee{FeeID: "txn_1", OrderID: "ord_1", Provider: "sandbox", Amount: usd(88), EffectiveAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	wantPostings(t, fee, []ledger.Posting{{Account: feesUSD, Amount: 88}, {Account: clearingUSD, Amount: -88}})
	settle, err := ledger.MerchantSettlement(ledger.Settlement{SettlementID: "st_1", MerchantID: "mer_1", Provider: "sandbox", Amount: usd(1749), EffectiveAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if settle.Key != "merchant_settlement:st_1" {
		t.Errorf("key = %q", settle.Key)
	}
	wantPostings(t, settle, []ledger.Posting{{Account: payableUSD, Amount: 1749}, {Account: clearingUSD, Amount: -1749}})
}

func TestBuilderErrors(t *testing.T) {
	s := sale(1999)
	tests := []struct {
		name    string
		build   func() (ledger.Journal, error)
		message string
	}{
		{"empty refund id", func() (ledger.Journal, error) {
			return ledger.Refunded(ledger.Refund{Sale: s, Amount: 1, EffectiveAt: t0})
		}, `Invalid refund id "".`},
		{"zero refund", func() (ledger.Journal, error) {
			return ledger.Refunded(ledger.Refund{Sale: s, RefundID: "re_1", EffectiveAt: t0})
		}, "Amount must be positive."},
		{"zero sale", func() (ledger.Journal, error) { return ledger.SalePaid(sale(0)) }, "Sale total must be positive."},
		{"no merchant", func() (ledger.Journal, error) {
			s := sale(1999)
			s.MerchantID = ""
			return ledger.SalePaid(s)
		}, `Invalid merchant id "".`},
		{"dispute above total", func() (ledger.Journal, error) {
			return ledger.DisputeOpened(ledger.Dispute{Sale: s, DisputeID: "dp_1", Amount: 2000, EffectiveAt: t0})
		}, "Disputed amount must be positive and at most the sale total."},
		{"zero release", func() (ledger.Journal, error) {
			return ledger.PublisherRelease(ledger.Release{OrderID: "ord_1", PublisherID: "pub_1", Amount: usd(0), EffectiveAt: t0})
		}, "Amount must be positive."},
		{"no time", func() (ledger.Journal, error) {
			return ledger.ProcessorFee(ledger.Fee{FeeID: "f", Provider: "sandbox", Amount: usd(1)})
		}, "Journal processor_fee:f has no effective time."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.build()
			wantErr(t, err, buycard.EINVALID, tt.message)
		})
	}
}
