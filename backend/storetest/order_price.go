package storetest

import (
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// testOrderPrice creates an order the store prices with a 25% code,
// $4.50 shipping and 8.875% tax (New York, shipping taxed), reads it back,
// pays it, refunds the shipping's worth and then the rest, and checks the
// journals and the merchant's statement against the reference model: the
// sale gives the merchant its shipping and tax in postings of their own,
// and the full refund unwinds every party. An order with VAT included in
// its prices is stored as priced too.
func testOrderPrice(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s, func(f *Fixture) { f.Product.Kind = buycard.ProductPhysical })
	rate := setUpSale(t, s, f, "US", "NY", 88_750, false)
	newCode(t, s, f, "spring25", nil)
	n := f.NewOrder(1, 2) // 2 × 31.00 USD
	n.Buyer, n.ShipTo = testBuyer(), testAddress("US")
	n.ShippingRateID, n.DiscountCode = rate, "Spring25"
	o, err := s.CreateOrder(ctx, n)
	must(t, err)
	// 6200 − 1550 = 4650; tax 412.6875 → 413 on the goods, 39.94 → 40 on shipping.
	want := buycard.OrderPrice{Subtotal: 6200, Discount: 1550, Shipping: 450, Tax: 453, TaxOnShipping: 40,
		DiscountCode: "SPRING25", ShippingRateName: "Standard (3–5 days)"}
	if o.OrderPrice != want || o.Total.Amount != 6200-1550+450+453 {
		t.Fatalf("price %+v, total %v; want %+v, 5553", o.OrderPrice, o.Total, want)
	}
	found, err := s.FindOrder(ctx, o.ID)
	must(t, err)
	wantEqual(t, "found order", found, o)
	vat := Seed(t, s, func(f *Fixture) { f.Product.Kind = buycard.ProductPhysical })
	rate = setUpSale(t, s, vat, "DE", "", 190_000, true)
	n = vat.NewOrder(0, 1)
	n.Buyer, n.ShipTo, n.ShippingRateID = testBuyer(), testAddress("DE"), rate
	inclusive, err := s.CreateOrder(ctx, n)
	must(t, err)
	found, err = s.FindOrder(ctx, inclusive.ID)
	must(t, err)
	wantEqual(t, "found order with tax included", found, inclusive)
	// 2400 × 0.19 / 1.19 = 383.19 → 383, 450 × 0.19 / 1.19 = 71.85 → 72.
	if !found.TaxInclusive || found.Tax != 455 || found.TaxOnShipping != 72 || found.Total.Amount != 2400+450 {
		t.Errorf("order with tax included %+v: want tax 455 (72 on shipping) in a total of 2850", found)
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
	if memos[ledger.MemoShipping] != -450 || memos[ledger.MemoTax] != -453 {
		t.Errorf("sale postings %+v: want the merchant's shipping (450) and tax (453) on their own", journals[0].Postings)
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
	wantUnwound(t, s, f)
}

// wantUnwound checks that f's merchant and publisher are back at zero
// after full refunds, and that the ledger verifies.
func wantUnwound(t *testing.T, s Store, f Fixture) {
	t.Helper()
	for _, p := range []ledger.Party{ledger.Merchant(f.Merchant.ID), ledger.Publisher(f.Publisher.ID)} {
		balances, err := s.Balances(t.Context(), p)
		must(t, err)
		for _, b := range balances {
			if b.Amount != 0 {
				t.Errorf("%s = %d after a full refund, want 0", b.Account, b.Amount)
			}
		}
	}
	v, err := s.VerifyLedger(t.Context())
	must(t, err)
	if !v.OK() {
		t.Fatal(v)
	}
}

// setUpSale sets f's merchant up to sell to country with a tax rate of
// ratePPM there (in region, "" for the whole country), shipping taxed,
// prices including tax or not, and returns the id of its shipping rate
// (shipsTo).
func setUpSale(t *testing.T, s Store, f Fixture, country, region string, ratePPM int64, inclusive bool) string {
	t.Helper()
	ctx := t.Context()
	must(t, s.SaveMerchantSettings(ctx, &buycard.MerchantSettings{MerchantID: f.Merchant.ID, TaxMode: buycard.TaxRates,
		PricesIncludeTax: inclusive, TaxShipping: true, OriginCountry: country}))
	must(t, s.CreateTaxRate(ctx, &buycard.TaxRate{MerchantID: f.Merchant.ID, Country: country, Region: region, RatePPM: ratePPM}))
	return shipsTo(t, s, f, country)
}

// shipsTo gives f's merchant a zone of countries with one rate,
// "Standard (3–5 days)" at 4.50 in f's currency, and returns the rate's
// id.
func shipsTo(t *testing.T, s Store, f Fixture, countries ...string) string {
	t.Helper()
	z := &buycard.ShippingZone{MerchantID: f.Merchant.ID, Name: "Home", Countries: countries,
		Rates: []buycard.ShippingRate{{Name: "Standard (3–5 days)", Currency: f.Product.Currency, Kind: buycard.ShipFlat, Amount: 450}}}
	must(t, s.CreateShippingZone(t.Context(), z))
	return z.Rates[0].ID
}

// testBuyer is a buyer as a checkout names one.
func testBuyer() *buycard.Buyer {
	return &buycard.Buyer{Email: "ann@example.com", Name: "Ann Lee"}
}

// testAddress is an address in country: New York for US.
func testAddress(country string) *buycard.Address {
	a := map[string]buycard.Address{
		"US": {Name: "Ann Lee", Line1: "1 Main St", City: "New York", Region: "NY", PostalCode: "10001", Country: "US"},
		"DE": {Name: "Ann Lee", Line1: "Hauptstr. 1", City: "Berlin", PostalCode: "10115", Country: "DE"},
		"FR": {Name: "Ann Lee", Line1: "1 rue de Rivoli", City: "Paris", PostalCode: "75001", Country: "FR"},
	}[country]
	return &a
}

// testOrderPriceCurrencies prices the order, a 25% code on three
// units at 19.99 with 4.50 shipping and 8.875% tax on both, in USD, JPY
// and KWD (whose amounts step by 10 fils), pays it, refunds the
// shipping's worth and then the rest, and finds every party's balance
// back at zero and the ledger verifying.
func testOrderPriceCurrencies(t *testing.T, s Store) {
	ctx := t.Context()
	for _, tt := range []struct {
		currency string
		price    int64
		want     buycard.OrderPrice
		total    int64
	}{
		// 5997 − 1499.25 → 1499 = 4498; tax 399.1975 → 399, 39.9375 → 40.
		{"USD", 1999, buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 450, Tax: 439, TaxOnShipping: 40}, 5387},
		{"JPY", 1999, buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 450, Tax: 439, TaxOnShipping: 40}, 5387},
		// 59970 − 14992.5 → 14990 = 44980; tax 3991.975 → 3990, 39.9375 → 40.
		{"KWD", 19990, buycard.OrderPrice{Subtotal: 59970, Discount: 14990, Shipping: 450, Tax: 4030, TaxOnShipping: 40}, 49460},
	} {
		t.Run(tt.currency, func(t *testing.T) {
			f := Seed(t, s, func(f *Fixture) {
				f.Product.Kind, f.Product.Currency = buycard.ProductPhysical, tt.currency
				f.Product.Variants = []buycard.Variant{{Name: "Mug", Price: tt.price, Stock: 10}}
			})
			rate := setUpSale(t, s, f, "US", "NY", 88_750, false)
			newCode(t, s, f, "SPRING25", nil)
			n := f.NewOrder(0, 3)
			n.Buyer, n.ShipTo, n.ShippingRateID, n.DiscountCode = testBuyer(), testAddress("US"), rate, "spring25"
			o, err := s.CreateOrder(ctx, n)
			must(t, err)
			want := tt.want
			want.DiscountCode, want.ShippingRateName = "SPRING25", "Standard (3–5 days)"
			if o.OrderPrice != want || o.Total != (buycard.Money{Amount: tt.total, Currency: tt.currency}) {
				t.Fatalf("price %+v, total %v; want %+v, %d", o.OrderPrice, o.Total, want, tt.total)
			}
			attachSession(t, s, o)
			applyEvent(t, s, event(o, buycard.PaymentSucceeded))
			applyEvent(t, s, moneyEvent(o, buycard.PaymentRefunded, "re_ship_"+tt.currency, 450))
			applyEvent(t, s, moneyEvent(o, buycard.PaymentRefunded, "re_rest_"+tt.currency, o.Total.Amount-450))
			wantUnwound(t, s, f)
		})
	}
}
