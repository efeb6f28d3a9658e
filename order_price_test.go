package buycard_test

import (
	"testing"

	"github.com/buycard/buycard"
)

func TestOrderPriceValidate(t *testing.T) {
	const amounts = "Prices, discounts, shipping and tax must be non-negative multiples of 1, at most $999,999.99."
	tests := []struct {
		name    string
		price   buycard.OrderPrice
		total   int64
		base    int64
		message string
	}{
		{"none: today's order", buycard.OrderPrice{}, 5600, 5600, ""},
		{"tax on top", buycard.OrderPrice{Discount: 1400, Shipping: 450, Tax: 413, TaxOnShipping: 40, DiscountCode: "SPRING25", ShippingRateName: "Standard"},
			5600 - 1400 + 450 + 413, 4200, ""},
		{"tax included", buycard.OrderPrice{Discount: 1400, Shipping: 450, Tax: 742, TaxOnShipping: 72, TaxInclusive: true},
			5600 - 1400 + 450, 4200 - 670, ""},
		{"the whole subtotal off, shipping paid", buycard.OrderPrice{Discount: 5600, Shipping: 450}, 450, 0, ""},
		{"negative discount", buycard.OrderPrice{Discount: -1}, 0, 0, amounts},
		{"negative tax", buycard.OrderPrice{Tax: -5}, 0, 0, amounts},
		{"discount above the subtotal", buycard.OrderPrice{Discount: 5601, Shipping: 450}, 0, 0,
			"The discount cannot be more than the subtotal."},
		{"nothing to pay", buycard.OrderPrice{Discount: 5600}, 0, 0,
			"The total must be positive and at most $999,999.99, the most one payment can take."},
		{"tax on shipping above the tax", buycard.OrderPrice{Shipping: 450, Tax: 10, TaxOnShipping: 11}, 0, 0,
			"The tax on shipping cannot be more than the tax."},
		{"included tax above the shipping", buycard.OrderPrice{Shipping: 10, Tax: 20, TaxOnShipping: 11, TaxInclusive: true}, 0, 0,
			"Tax included in prices cannot be more than the prices."},
		{"included tax above the goods", buycard.OrderPrice{Discount: 5000, Tax: 601, TaxInclusive: true}, 0, 0,
			"Tax included in prices cannot be more than the prices."},
		{"shipping above a payment", buycard.OrderPrice{Shipping: 99_999_999}, 0, 0,
			"The total must be positive and at most $999,999.99, the most one payment can take."},
		{"amount above a payment", buycard.OrderPrice{Shipping: 1 << 62, Discount: 1 << 62}, 0, 0, amounts},
		{"control character in the code", buycard.OrderPrice{Discount: 1, DiscountCode: "A\x1bB"}, 0, 0,
			"The discount code must not contain control characters or text direction controls."},
		{"long shipping name", buycard.OrderPrice{Shipping: 1, ShippingRateName: string(make([]byte, 101))}, 0, 0,
			"The shipping rate name must be at most 100 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.price
			p.Subtotal = 5600
			err := p.Validate("USD")
			if tt.message != "" {
				wantInvalid(t, err, tt.message)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Charge() != tt.total || p.CommissionBase() != tt.base {
				t.Errorf("total %d, base %d; want %d, %d", p.Charge(), p.CommissionBase(), tt.total, tt.base)
			}
			if got := p.CommissionBase() + p.ShippingNet() + p.Tax; got != p.Charge() {
				t.Errorf("base + shipping net + tax = %d, want the total %d", got, p.Charge())
			}
		})
	}
}

func TestOrderPriceStepKWD(t *testing.T) {
	p := buycard.OrderPrice{Subtotal: 59970, Shipping: 4505}
	wantInvalid(t, p.Validate("KWD"), "Prices, discounts, shipping and tax must be non-negative multiples of 10, at most KWD\u00a099,999.999.")
}
