package operations

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// TestCompare matches the two sides by the ids the ledger keeps and
// reports only the day's differences: a sale whose webhook came the next
// day matches its charge; the day before's objects and journals are
// left alone; another integration's charge is foreign; a refund in
// another currency is two differences.
func TestCompare(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	end, noon, before, after := start.AddDate(0, 0, 1), start.Add(12*time.Hour), start.Add(-time.Hour), start.AddDate(0, 0, 1).Add(time.Hour)
	usd := func(a int64) buycard.Money { return buycard.Money{Amount: a, Currency: "USD"} }
	sale := func(order string, at time.Time) ledger.ProviderJournal {
		j, err := ledger.SalePaid(ledger.Sale{OrderID: order, MerchantID: "mer_1", PublisherID: "pub_1", Provider: "stripe", Total: usd(1000),
			Rates: ledger.Rates{PlatformBPS: 500, PublisherBPS: 1000}, EffectiveAt: at})
		if err != nil {
			t.Fatal(err)
		}
		return ledger.ProviderJournal{Journal: j, PaymentID: "pi_" + order}
	}
	refund := func(order, id string, amount buycard.Money, at time.Time) ledger.ProviderJournal {
		return ledger.ProviderJournal{Journal: ledger.Journal{Key: "refund:" + id, Kind: ledger.KindRefund, OrderID: order, Currency: amount.Currency, EffectiveAt: at,
			Postings: []ledger.Posting{{Account: ledger.Account(ledger.Provider("stripe"), ledger.Clearing, amount.Currency), Amount: -amount.Amount}}}}
	}
	money := []buycard.ProviderMoney{
		{Kind: buycard.MoneyCharge, ID: "ch_late", PaymentID: "pi_ord_late", Amount: usd(1000), Created: end.Add(-time.Minute)},
		{Kind: buycard.MoneyApplicationFee, ID: "fee_late", PaymentID: "pi_ord_late", Amount: usd(150), Created: end.Add(-time.Minute)},
		{Kind: buycard.MoneyCharge, ID: "ch_old", PaymentID: "pi_ord_old", Amount: usd(1000), Created: before},
		{Kind: buycard.MoneyCharge, ID: "ch_other", PaymentID: "pi_other", Amount: usd(700), Created: noon},
		{Kind: buycard.MoneyRefund, ID: "re_eur", PaymentID: "pi_ord_late", Amount: buycard.Money{Amount: 100, Currency: "EUR"}, Created: noon},
	}
	journals := []ledger.ProviderJournal{
		sale("ord_late", after), // paid at 23:59, its webhook an hour later
		refund("ord_late", "re_eur", usd(100), noon),
		refund("ord_old", "re_old", usd(50), before), // the day before: not this day's
	}
	orders := map[string]string{"pi_ord_late": "ord_late", "pi_ord_old": "ord_old"}
	r := compare("2026-12-07", start, end, money, journals, orders)
	if r.Compared != 3 || r.Foreign != 1 || len(r.Differences) != 2 {
		t.Fatalf("report = %+v", r)
	}
	wantDiff := []buycard.Difference{
		{Kind: buycard.MissingInLedger, Object: buycard.MoneyRefund, ProviderID: "re_eur", OrderID: "ord_late", Currency: "EUR", ProviderAmount: 100},
		{Kind: buycard.MissingAtProvider, Object: buycard.MoneyRefund, JournalKey: "refund:re_eur", OrderID: "ord_late", Currency: "USD", LedgerAmount: 100},
	}
	for i, d := range wantDiff {
		if r.Differences[i] != d {
			t.Errorf("difference %d = %+v, want %+v", i, r.Differences[i], d)
		}
	}
	if len(r.Totals) != 2 || r.Totals[1].Currency != "USD" || r.Totals[1].Provider[buycard.MoneyCharge] != 1000 || r.Totals[1].Ledger[buycard.MoneyCharge] != 0 {
		t.Errorf("totals = %+v", r.Totals)
	}
}
