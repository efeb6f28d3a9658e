package storetest

import (
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// testSaleJournal pays an order and checks that its sale journal was
// appended with the rates snapshotted on the order, once, however often
// the payment event is delivered.
func testSaleJournal(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	o, err := s.CreateOrder(ctx, f.NewOrder(1, 2)) // 2 × 31.00 USD
	must(t, err)
	attachSession(t, s, o)
	paid := event(o, buycard.PaymentSucceeded)
	applyEvent(t, s, paid)
	applyEvent(t, s, paid) // a replayed webhook
	again := paid
	again.ID = buycard.NewID("evt") // the same payment reported twice
	applyEvent(t, s, again)

	// 6200 at 875 / 1000 / 8125 bps: 542.5, 620 and 5037.5. The unit left
	// over goes to the merchant (equal remainders: the larger share wins),
	// then the 30 fixed fee moves to the platform: 572, 620, 5008.
	want := map[ledger.AccountID]int64{
		ledger.Account(ledger.Provider("sandbox"), ledger.Clearing, "USD"):      6200,
		ledger.Account(ledger.Platform(), ledger.Revenue, "USD"):                572,
		ledger.Account(ledger.Publisher(f.Publisher.ID), ledger.Pending, "USD"): 620,
		ledger.Account(ledger.Merchant(f.Merchant.ID), ledger.Payable, "USD"):   5008,
	}
	for a, amount := range want {
		entries, err := s.Statement(ctx, ledger.StatementQuery{Account: a})
		must(t, err)
		var forOrder []ledger.Entry
		for _, e := range entries {
			if e.OrderID == o.ID {
				forOrder = append(forOrder, e)
			}
		}
		if len(forOrder) != 1 || forOrder[0].Amount != amount || forOrder[0].JournalKey != "sale:"+o.ID {
			t.Errorf("%s: entries for the order %+v, want one sale:%s of %d", a, forOrder, o.ID, amount)
		}
	}
	v, err := s.VerifyLedger(ctx)
	must(t, err)
	if !v.OK() {
		t.Fatal(v)
	}
}

// testSaleJournalRefusedLeavesOrderUnpaid makes the sale journal fail (a
// journal with its key and other content is already there) and checks
// that the order did not become paid either: the two commit together.
func testSaleJournalRefusedLeavesOrderUnpaid(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	o := openOrder(t, s, f, 0, 1)
	squatter, err := ledger.SalePaid(ledger.Sale{
		OrderID: o.ID, MerchantID: "mer_other", Provider: "sandbox",
		Total: buycard.Money{Amount: 1, Currency: "USD"}, EffectiveAt: ledgerT0,
	})
	must(t, err)
	_, err = s.Post(ctx, squatter)
	must(t, err)
	before := f.Stock(t, s, 0)
	_, err = s.ApplyPaymentEvent(ctx, event(o, buycard.PaymentSucceeded))
	wantError(t, err, buycard.ECONFLICT, "Journal sale:"+o.ID+" already exists with other content.")
	stored, err := s.FindOrder(ctx, o.ID)
	must(t, err)
	if stored.Status != buycard.OrderPending || stored.PaidAt != nil || f.Stock(t, s, 0) != before {
		t.Fatalf("order %s after its sale journal was refused; want it pending with stock unchanged", stored.Status)
	}
}
