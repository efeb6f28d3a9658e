package storetest

import (
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// testOrderPrice creates an order with a discount, shipping and tax,
// reads it back, pays it, refunds the shipping's worth and then the
// rest, and checks the journals and the merchant's statement against the
// reference model: the sale gives the merchant its shipping and tax in
// postings of their own, and the full refund unwinds every party.
func testOrderPrice(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	n := f.NewOrder(1, 2) // 2 × 31.00 USD
	n.Price = buycard.OrderPrice{Discount: 1550, Shipping: 450, Tax: 590, TaxOnShipping: 40,
		DiscountCode: "SPRING25", ShippingRateName: "Standard (3–5 days)"}
	o, err := s.CreateOrder(ctx, n)
	must(t, err)
	want := n.Price
	want.Subtotal = 6200
	if o.OrderPrice != want || o.Total.Amount != 6200-1550+450+590 {
		t.Fatalf("price %+v, total %v; want %+v, 5690", o.OrderPrice, o.Total, want)
	}
	found, err := s.FindOrder(ctx, o.ID)
	must(t, err)
	wantEqual(t, "found order", found, o)
	n = f.NewOrder(0, 1)
	n.Price = buycard.OrderPrice{Shipping: 450, Tax: 120, TaxOnShipping: 75, TaxInclusive: true}
	inclusive, err := s.CreateOrder(ctx, n)
	must(t, err)
	found, err = s.FindOrder(ctx, inclusive.ID)
	must(t, err)
	wantEqual(t, "found order with tax included", found, inclusive)
	if !found.TaxInclusive || found.Total.Amount != found.Subtotal+450 {
		t.Errorf("order with tax included %+v: want it, and a total of subtotal + shipping", found)
	}

	attachSession(t, s, o)
	applyEvent(t, s, event(o, buycard.PaymentSucceeded))
	applyEvent(t, s, moneyEvent(o, buycard.PaymentRefunded, "re_ship", 450))
	o = applyEvent(t, s, moneyEvent(o, buycard.PaymentRefunded, "re_rest", o.Total.Amount-450))

	model := ledger.NewMemory()
	sale := ledger.SaleOf(o, ledger.RatesOf(o))
	for _, build := range []func() (ledger.Journal, error){
		func() (ledger.Journal, error) { return ledger.SalePaid(sale) },
		func() (ledger.Journal, error) {
			return ledger.Refunded(ledger.Refund{Sale: sale, RefundID: "re_ship", Amount: 450, EffectiveAt: ledgerT0})
		},
		func() (ledger.Journal, error) {
			return ledger.Refunded(ledger.Refund{Sale: sale, RefundID: "re_rest", Amount: o.Total.Amount - 450, ReversedBefore: 450, EffectiveAt: ledgerT0})
		},
	} {
		j, err := build()
		must(t, err)
		_, err = model.Post(ctx, j)
		must(t, err)
	}
	journals, err := s.OrderJournals(ctx, o.ID)
	must(t, err)
	memos := map[string]int64{}
	for _, p := range journals[0].Postings {
		memos[p.Memo] += p.Amount
	}
	if memos[ledger.MemoShipping] != -450 || memos[ledger.MemoTax] != -590 {
		t.Errorf("sale postings %+v: want the merchant's shipping (450) and tax (590) on their own", journals[0].Postings)
	}
	payable := ledger.Account(ledger.Merchant(f.Merchant.ID), ledger.Payable, "USD")
	got, err := s.Statement(ctx, ledger.StatementQuery{Account: payable})
	must(t, err)
	wantStatement, _ := model.Statement(ctx, ledger.StatementQuery{Account: payable})
	for i := range got { // the model's journals have their own keys' times
		got[i].EffectiveAt, got[i].Seq = wantStatement[i].EffectiveAt, wantStatement[i].Seq
	}
	wantEqual(t, "merchant statement", got, wantStatement)
	// A page holds whole journals: the sale's three entries, then a refund's.
	q := ledger.StatementQuery{Account: payable, Limit: 1}
	page, err := s.Statement(ctx, q)
	must(t, err)
	if len(page) != 3 || q.NextAfter(page) != page[0].Seq || page[2].Seq != page[0].Seq {
		t.Fatalf("first page %+v: want the sale's net, shipping and tax", page)
	}
	q.After = q.NextAfter(page)
	page, err = s.Statement(ctx, q)
	must(t, err)
	if len(page) != 3 || page[0].JournalKey != "refund:re_ship" {
		t.Fatalf("second page %+v: want the first refund's three entries", page)
	}
	for _, p := range []ledger.Party{ledger.Merchant(f.Merchant.ID), ledger.Publisher(f.Publisher.ID)} {
		balances, err := s.Balances(ctx, p)
		must(t, err)
		for _, b := range balances {
			if b.Amount != 0 {
				t.Errorf("%s = %d after a full refund, want 0", b.Account, b.Amount)
			}
		}
	}
	v, err := s.VerifyLedger(ctx)
	must(t, err)
	if !v.OK() {
		t.Fatal(v)
	}
}
