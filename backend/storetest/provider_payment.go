package storetest

import (
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// testPaymentWithProviderDetails pays physical orders with what Stripe
// Checkout reports at payment: the tax Stripe Tax added, the payer and
// the address the shopper confirmed. The order stores them before the
// sale's journal is built from it, so the journal balances with the tax
// (the merchant's) and the commission stays on the goods. A payment that
// adds tax to an order with its own, or carries bad details, changes
// nothing; one that does not add up only flags the order.
func testPaymentWithProviderDetails(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s, func(f *Fixture) { f.Product.Kind = buycard.ProductPhysical })
	checkoutTo := buycard.Address{Name: "Ada Lovelace", Line1: "1 Main St", City: "New York", Region: "NY", PostalCode: "10001", Country: "US"}
	rate := setUpSale(t, s, f, "US", "NY", 88_750, false)
	open := func() *buycard.Order {
		n := f.NewOrder(0, 2) // 2 × 24.00 USD, shipped at 4.50
		n.Buyer, n.ShipTo, n.ShippingRateID = &buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace"}, &checkoutTo, rate
		o, err := s.CreateOrder(ctx, n)
		must(t, err)
		o.Provider, o.ProviderSessionID = "stripe", buycard.NewID("cs")
		must(t, s.AttachPaymentSession(ctx, o.ID, o.Provider, o.ProviderSessionID))
		return o
	}
	payer := &buycard.Buyer{Email: "ada@example.com", Name: "A. Lovelace", Phone: "+12125550100"}
	corrected := checkoutTo
	corrected.Line1, corrected.Region, corrected.PostalCode = "9 Elm St", "CA", "94016"

	// Rejected first: nothing changes, not even the event's record. The
	// first order is taxed at the merchant's own 8.875% (4.26 on the
	// goods, 0.40 on shipping); then the merchant turns Stripe Tax on,
	// and the second order carries no tax until Stripe reports it.
	own := open()
	must(t, s.SaveMerchantSettings(ctx, &buycard.MerchantSettings{MerchantID: f.Merchant.ID, TaxMode: buycard.TaxStripe, OriginCountry: "US"}))
	stripeTax := open()
	if own.Tax != 466 || own.TaxOnShipping != 40 || stripeTax.Tax != 0 || stripeTax.Shipping != 450 {
		t.Fatalf("own rates priced %+v, Stripe Tax %+v: want 4.66 of tax (0.40 on shipping), then none", own.OrderPrice, stripeTax.OrderPrice)
	}
	for _, tt := range []struct {
		name    string
		order   *buycard.Order
		edit    func(e *buycard.PaymentEvent)
		msg     string
		flagged bool
	}{
		{"tax added to an order with its own", own, func(e *buycard.PaymentEvent) {
			e.Tax = &buycard.TaxQuote{Tax: 426, OnShipping: 40}
			e.Amount.Amount += 426
		}, "The payment adds tax to an order that has its own.", false},
		{"tax on shipping above the tax", stripeTax, func(e *buycard.PaymentEvent) {
			e.Tax = &buycard.TaxQuote{Tax: 41, OnShipping: 441}
			e.Amount.Amount += 41
		}, "The tax must be non-negative, its part on shipping at most the whole.", false},
		{"a payer not normalized", stripeTax, func(e *buycard.PaymentEvent) { e.Payer = &buycard.Buyer{Email: "ADA@example.com ", Name: "Ada"} },
			"The payer must be a normalized buyer.", false},
		{"a total without the tax", stripeTax, func(e *buycard.PaymentEvent) { e.Tax = &buycard.TaxQuote{Tax: 441, OnShipping: 41} },
			"The amount paid does not match the order total.", true},
		{"a total other than the order's plus the tax", stripeTax, func(e *buycard.PaymentEvent) {
			e.Tax = &buycard.TaxQuote{Tax: 441, OnShipping: 41}
			e.Amount.Amount += 442
		}, "The amount paid does not match the order total.", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := event(tt.order, buycard.PaymentSucceeded)
			tt.edit(&e)
			_, err := s.ApplyPaymentEvent(ctx, e)
			wantError(t, err, buycard.EINVALID, tt.msg)
			if tt.flagged {
				tt.order.MismatchedPayment = e.Amount
			}
			stored, err := s.FindOrder(ctx, tt.order.ID)
			must(t, err)
			wantEqual(t, "order", stored, tt.order)
		})
	}

	// Stripe Tax: 4.41 of tax, 0.41 of it on shipping; the payer's
	// phone fills in the buyer's, whose name stays; the address moves to
	// another state, which Stripe Tax priced.
	e := event(stripeTax, buycard.PaymentSucceeded)
	e.Tax, e.Payer, e.ShipTo = &buycard.TaxQuote{Tax: 441, OnShipping: 41}, payer, &corrected
	e.Amount.Amount += 441
	paid := applyEvent(t, s, e)
	wantBuyer := buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace", Phone: payer.Phone}
	switch {
	case paid.Status != buycard.OrderPaid || paid.Tax != 441 || paid.TaxOnShipping != 41 || paid.TaxInclusive:
		t.Errorf("paid order %+v: want paid with 441 of tax, 41 on shipping, exclusive", paid.OrderPrice)
	case paid.Total.Amount != 4800+450+441 || paid.Total.Amount != paid.Charge():
		t.Errorf("total %v, want 56.91 = the price's charge", paid.Total)
	case *paid.Buyer != wantBuyer:
		t.Errorf("buyer %+v, want %+v", *paid.Buyer, wantBuyer)
	case *paid.ShipTo != corrected:
		t.Errorf("ship to %+v, want the address confirmed at payment %+v", *paid.ShipTo, corrected)
	}
	// Reported again (the shopper's return after the webhook): the same.
	again := e
	again.ID = buycard.NewID("evt")
	wantEqual(t, "order paid twice", applyEvent(t, s, again), paid)

	journals, err := s.OrderJournals(ctx, paid.ID)
	must(t, err)
	sale, err := ledger.SalePaid(ledger.SaleOf(paid, ledger.RatesOf(paid)))
	must(t, err)
	if len(journals) != 1 || journals[0].Digest() != sale.Digest() {
		t.Fatalf("journals %+v, want the sale %+v", journals, sale)
	}
	memos := map[string]int64{}
	for _, p := range journals[0].Postings {
		memos[p.Memo] += p.Amount
		if p.Account == ledger.Account(ledger.Platform(), ledger.Revenue, "USD") && p.Amount != -(4800*875/10000+30) {
			t.Errorf("platform fee %d, want 8.75%% of the goods + 0.30 = -450", p.Amount)
		}
	}
	if memos[ledger.MemoTax] != -441 || memos[ledger.MemoShipping] != -450 {
		t.Errorf("sale postings %+v: want the merchant's tax (441) and shipping (450) on their own", journals[0].Postings)
	}

	// Buycard's own tax rates priced the state: an address in another
	// state is not taken, nor is a payer taken over the buyer.
	e = event(own, buycard.PaymentSucceeded)
	e.Payer, e.ShipTo = payer, &corrected
	paid = applyEvent(t, s, e)
	if *paid.ShipTo != checkoutTo || *paid.Buyer != wantBuyer || paid.Tax != 466 {
		t.Errorf("paid %+v to %+v, tax %d: want the checkout's address, the buyer with the payer's phone, its own tax",
			*paid.Buyer, *paid.ShipTo, paid.Tax)
	}
	v, err := s.VerifyLedger(ctx)
	must(t, err)
	if !v.OK() {
		t.Fatal(v)
	}
}
