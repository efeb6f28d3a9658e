package ledger_test

import (
	"context"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// breakdownVector is a sale with a discount code, shipping and tax, worked
// by hand: the order's price, the rates, the split of the commission base,
// and the clawbacks of a refund of the shipping's worth.
type breakdownVector struct {
	name  string
	price buycard.OrderPrice
	cur   string
	fixed int64 // the platform's fixed fee
	total int64
	base  int64
	// platform, publisher, merchant net, shipping (net of tax), tax
	split, refund [5]int64
}

// breakdownVectors: 3 units with a 25% code and shipping, at 8.75%
// platform (plus the fixed fee) and 10% publisher, the discount and the
// tax rounded half-up to the currency's step by whoever priced the order.
var breakdownVectors = []breakdownVector{{
	// $19.99 × 3 = 59.97; 25% off 14.9925 → 14.99; goods 44.98. Tax
	// 8.875% on top: 44.98 → 3.991975 → 3.99, shipping 4.50 → 0.399375
	// → 0.40. Base 44.98: 393.575 / 449.8 / 3654.625 → the two cents
	// left go to the publisher (.8) and the merchant (.625): 393, 450,
	// 3655; then the 30 fixed moves to the platform.
	name: "USD, tax on top",
	price: buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 450, Tax: 439, TaxOnShipping: 40,
		DiscountCode: "SPRING25", ShippingRateName: "Standard"},
	cur: "USD", fixed: 30, total: 5387, base: 4498,
	split: [5]int64{423, 450, 3625, 450, 439},
	// 450 of 5387 by the parts: 35.33 / 37.59 / 302.81 / 37.59 / 36.67;
	// the three cents left go to the merchant (.81), the tax (.67) and,
	// of the equal publisher and shipping, the publisher (name order).
	refund: [5]int64{35, 38, 303, 37, 37},
}, {
	// ¥1,999 × 3: the same figures in whole yen, without a fixed fee.
	name:  "JPY, whole yen",
	price: buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 450, Tax: 439, TaxOnShipping: 40},
	cur:   "JPY", total: 5387, base: 4498,
	split:  [5]int64{393, 450, 3655, 450, 439},
	refund: [5]int64{33, 38, 305, 37, 37},
}, {
	// 19.990 KWD × 3 = 59.970, in steps of 10 fils: 25% off 14.9925 →
	// 14.990; tax 3.991975 → 3.990 and 0.399375 → 0.400.
	name:  "KWD, steps of 10 fils",
	price: buycard.OrderPrice{Subtotal: 59970, Discount: 14990, Shipping: 4500, Tax: 4390, TaxOnShipping: 400},
	cur:   "KWD", fixed: 300, total: 53870, base: 44980,
	split:  [5]int64{4230, 4500, 36250, 4500, 4390},
	refund: [5]int64{350, 380, 3030, 370, 370},
}, {
	// €19.99 × 3 with 19% VAT included: 25% off → 44.98 of goods, of
	// which VAT 44.98 × 19/119 = 7.1817 → 7.18; shipping 4.50 of which
	// 0.7185 → 0.72. The shopper pays 49.48; the base is 44.98 − 7.18 =
	// 37.80: 330.75 / 378 / 3071.25 → 331, 378, 3071, then the fixed 30.
	name: "EUR, VAT included",
	price: buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 450, Tax: 790, TaxOnShipping: 72,
		TaxInclusive: true},
	cur: "EUR", fixed: 30, total: 4948, base: 3780,
	split:  [5]int64{361, 378, 3041, 378, 790},
	refund: [5]int64{33, 34, 277, 34, 72},
}}

func TestBreakdownVectors(t *testing.T) {
	for _, v := range breakdownVectors {
		t.Run(v.name, func(t *testing.T) {
			if err := v.price.Validate(v.cur); err != nil {
				t.Fatal(err)
			}
			if got := v.price.Charge(); got != v.total {
				t.Fatalf("total = %d, want %d", got, v.total)
			}
			if got := v.price.CommissionBase(); got != v.base {
				t.Fatalf("commission base = %d, want %d", got, v.base)
			}
			o := &buycard.Order{ID: "ord_v", MerchantID: "mer_v", PublisherID: "pub_v", Provider: "stripe",
				Total: buycard.Money{Amount: v.total, Currency: v.cur}, OrderPrice: v.price,
				PlatformFeeBPS: 875, PlatformFeeFixed: v.fixed, PublisherShareBPS: 1000}
			sale := ledger.SaleOf(o, ledger.RatesOf(o))
			sale.EffectiveAt = t0
			c := must[ledger.Commission](t)(sale.Commission())
			if got := [5]int64{c.Platform, c.Publisher, c.Merchant, c.Shipping, c.Tax}; got != v.split || c.Base() != v.base || c.Total != v.total {
				t.Fatalf("split %v of base %d, total %d; want %v of %d, %d", got, c.Base(), c.Total, v.split, v.base, v.total)
			}
			m := ledger.NewMemory()
			j, err := ledger.SalePaid(sale)
			post(t, m, j, err)
			want := [5]int64{v.split[0], v.split[1], v.split[2] + v.split[3] + v.split[4], 0, 0}
			wantParties(t, m, v.cur, want, v.total)
			wantPartPostings(t, m, "sale:ord_v", v.cur, v.split, -1)

			shipping := v.price.Shipping
			j, err = ledger.Refunded(ledger.Refund{Sale: sale, RefundID: "re_1", Amount: shipping, EffectiveAt: t0})
			post(t, m, j, err)
			wantPartPostings(t, m, "refund:re_1", v.cur, v.refund, 1)
			rest := must[ledger.Commission](t)(c.Remaining(shipping))
			if got := [5]int64{rest.Platform, rest.Publisher, rest.Merchant, rest.Shipping, rest.Tax}; got != sub(v.split, v.refund) {
				t.Errorf("remaining after the refund %v, want %v", got, sub(v.split, v.refund))
			}

			j, err = ledger.Refunded(ledger.Refund{Sale: sale, RefundID: "re_2",
				Amount: v.total - shipping, ReversedBefore: shipping, EffectiveAt: t0})
			post(t, m, j, err)
			for _, b := range m.AllBalances() {
				if b.Amount != 0 {
					t.Errorf("%s = %d after a full refund, want 0", b.Account, b.Amount)
				}
			}
			if rest := must[ledger.Commission](t)(c.Remaining(v.total)); rest != (ledger.Commission{Currency: v.cur}) {
				t.Errorf("remaining after a full refund %+v, want nothing", rest)
			}
		})
	}
}

// TestBreakdownWithoutShippingOrTax checks that a sale with nothing
// outside the base has the journal a sale always had: four postings, no
// memo, the same digest as the sale built from its total alone.
func TestBreakdownWithoutShippingOrTax(t *testing.T) {
	o := &buycard.Order{ID: "ord_p", MerchantID: "mer_p", PublisherID: "pub_p", Provider: "sandbox",
		Total: usd(6200), OrderPrice: buycard.OrderPrice{Subtotal: 6200}, PlatformFeeBPS: 875, PlatformFeeFixed: 30, PublisherShareBPS: 1000}
	withPrice := ledger.SaleOf(o, ledger.RatesOf(o))
	withPrice.EffectiveAt = t0
	plain := ledger.Sale{OrderID: "ord_p", MerchantID: "mer_p", PublisherID: "pub_p", Provider: "sandbox", Total: usd(6200),
		Rates: ledger.Rates{PlatformBPS: 875, PlatformFixed: 30, PublisherBPS: 1000}, EffectiveAt: t0}
	j := must[ledger.Journal](t)(ledger.SalePaid(withPrice))
	if want := must[ledger.Journal](t)(ledger.SalePaid(plain)); j.Digest() != want.Digest() || len(j.Postings) != 4 {
		t.Fatalf("sale journal %+v, want %+v", j, want)
	}
}

func TestSaleBreakdownRejected(t *testing.T) {
	tests := []struct {
		name          string
		shipping, tax int64
	}{
		{"negative shipping", -1, 0},
		{"negative tax", 0, -10},
		{"above the total", 600, 500},
		{"off the KWD step", 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ledger.Sale{OrderID: "ord_x", MerchantID: "mer_x", Provider: "sandbox",
				Total: buycard.Money{Amount: 1000, Currency: "KWD"}, Shipping: tt.shipping, Tax: tt.tax}
			_, err := ledger.SalePaid(s)
			wantErr(t, err, buycard.EINVALID, "Sale shipping and tax must be non-negative multiples of 10 within the total.")
		})
	}
}

// wantParties checks the balances of the vectors' platform, publisher
// and merchant (want[0:3]) and the provider's clearing account.
func wantParties(t *testing.T, m *ledger.Memory, cur string, want [5]int64, clearing int64) {
	t.Helper()
	for a, amount := range map[ledger.AccountID]int64{
		ledger.Account(ledger.Platform(), ledger.Revenue, cur):          want[0],
		ledger.Account(ledger.Publisher("pub_v"), ledger.Pending, cur):  want[1],
		ledger.Account(ledger.Merchant("mer_v"), ledger.Payable, cur):   want[2],
		ledger.Account(ledger.Provider("stripe"), ledger.Clearing, cur): clearing,
	} {
		if got := must[ledger.Balance](t)(m.Balance(context.Background(), a)).Amount; got != amount {
			t.Errorf("%s = %d, want %d", a, got, amount)
		}
	}
}

// wantPartPostings checks the journal key's postings to the parties: parts
// times sign, the merchant's shipping and tax under their memos.
func wantPartPostings(t *testing.T, m *ledger.Memory, key, cur string, parts [5]int64, sign int64) {
	t.Helper()
	payable := ledger.Account(ledger.Merchant("mer_v"), ledger.Payable, cur)
	want := map[ledger.Posting]bool{}
	for i, p := range []ledger.Posting{
		{Account: ledger.Account(ledger.Platform(), ledger.Revenue, cur)},
		{Account: ledger.Account(ledger.Publisher("pub_v"), ledger.Pending, cur)},
		{Account: payable},
		{Account: payable, Memo: ledger.MemoShipping},
		{Account: payable, Memo: ledger.MemoTax},
	} {
		p.Amount = sign * parts[i]
		want[p] = true
	}
	for _, l := range m.Journals() {
		if l.Journal.Key != key {
			continue
		}
		for _, p := range l.Journal.Postings {
			if p.Account.Party.Kind != ledger.PartyProvider && !want[p] {
				t.Errorf("%s posts %+v, want parts %v × %d", key, p, parts, sign)
			}
			delete(want, p)
		}
	}
	if len(want) != 0 {
		t.Errorf("%s lacks %v", key, want)
	}
}

func sub(a, b [5]int64) [5]int64 {
	for i := range a {
		a[i] -= b[i]
	}
	return a
}
