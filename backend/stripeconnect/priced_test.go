package stripeconnect

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

// The merchants of the priced orders, by their settings.
var pricedSettings = map[string]*buycard.MerchantSettings{
	"mer_rates": {MerchantID: "mer_rates", TaxMode: buycard.TaxRates, BusinessName: "Northwind Ceramics LLC",
		SupportEmail: "help@northwind.example", RefundPolicy: "Returns within 30 days.", OriginCountry: "US"},
	"mer_vat":         {MerchantID: "mer_vat", TaxMode: buycard.TaxRates, PricesIncludeTax: true, TaxShipping: true, OriginCountry: "DE"},
	"mer_stripe":      {MerchantID: "mer_stripe", TaxMode: buycard.TaxStripe, TaxShipping: true, AskPhone: true, OriginCountry: "US"},
	"mer_stripe_incl": {MerchantID: "mer_stripe_incl", TaxMode: buycard.TaxStripe, PricesIncludeTax: true, OriginCountry: "DE"},
}

func settingsOf(_ context.Context, merchantID string) (*buycard.MerchantSettings, error) {
	if s, ok := pricedSettings[merchantID]; ok {
		return s, nil
	}
	return buycard.NewMerchantSettings(merchantID), nil
}

var (
	buyerAda = &buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace"}
	toNY     = &buycard.Address{Name: "Ada Lovelace", Line1: "1 Main St", City: "New York", Region: "NY", PostalCode: "10001", Country: "US"}
	toBerlin = &buycard.Address{Name: "Ada Lovelace", Line1: "Unter den Linden 1", City: "Berlin", PostalCode: "10117", Country: "DE"}
)

// pricedOrder is testOrder of quantity × unit in currency for merchant,
// priced with price (its subtotal set), bought by buyer and shipped to to.
func pricedOrder(id, merchant, currency string, unit int64, quantity int, price buycard.OrderPrice, buyer *buycard.Buyer, to *buycard.Address) *buycard.Order {
	o := testOrder(id)
	o.MerchantID, o.Quantity, o.Buyer, o.ShipTo = merchant, quantity, buyer, to
	price.Subtotal = unit * int64(quantity)
	o.UnitPrice = buycard.Money{Amount: unit, Currency: currency}
	o.OrderPrice, o.Total = price, buycard.Money{Amount: price.Charge(), Currency: currency}
	return o
}

// pricedOrders are orders with what the checkout steps add: the issue's
// vector (a 25% code on 3 × 19.99 with 4.50 shipping and 8.875% tax) in
// USD, JPY and KWD, a discount that divides among the units, prices that
// include VAT, Stripe Tax, and a digital order with a buyer only.
func pricedOrders() []*buycard.Order {
	code := func(discount, shipping, tax int64) buycard.OrderPrice {
		return buycard.OrderPrice{Discount: discount, Shipping: shipping, Tax: tax, DiscountCode: "SPRING25", ShippingRateName: "Standard (3–5 days)"}
	}
	return []*buycard.Order{
		pricedOrder("ord_usd", "mer_rates", "USD", 1999, 3, code(1499, 450, 399), buyerAda, toNY),
		pricedOrder("ord_jpy", "mer_rates", "JPY", 1999, 3, code(1499, 450, 399), buyerAda, toNY),
		pricedOrder("ord_kwd", "mer_rates", "KWD", 19990, 3, code(14990, 4500, 3990), buyerAda, toNY),
		pricedOrder("ord_even", "mer_1", "USD", 1250, 2, buycard.OrderPrice{Discount: 500, DiscountCode: "FIVE"}, buyerAda, nil),
		pricedOrder("ord_vat", "mer_vat", "EUR", 2500, 2, buycard.OrderPrice{Shipping: 490, ShippingRateName: "DHL",
			Tax: 876, TaxOnShipping: 78, TaxInclusive: true}, buyerAda, toBerlin),
		pricedOrder("ord_stripe_tax", "mer_stripe", "USD", 1250, 2, buycard.OrderPrice{Shipping: 450}, buyerAda, toNY),
		pricedOrder("ord_free_shipping", "mer_1", "USD", 1250, 2, buycard.OrderPrice{ShippingRateName: "Free"}, buyerAda, toNY),
		pricedOrder("ord_digital", "mer_1", "USD", 1250, 2, buycard.OrderPrice{}, buyerAda, nil),
	}
}

// charged is what a session's parameters charge: its line items and its
// shipping option.
func charged(t *testing.T, f url.Values) int64 {
	t.Helper()
	num := func(k string) int64 {
		n, err := strconv.ParseInt(f.Get(k), 10, 64)
		if err != nil && f.Has(k) {
			t.Fatalf("%s = %q", k, f.Get(k))
		}
		return n
	}
	total := num("shipping_options[0][shipping_rate_data][fixed_amount][amount]")
	for i := 0; f.Has(fmt.Sprintf("line_items[%d][quantity]", i)); i++ {
		total += num(fmt.Sprintf("line_items[%d][quantity]", i)) * num(fmt.Sprintf("line_items[%d][price_data][unit_amount]", i))
	}
	return total
}

// TestCreatePricedSessions opens a session for each priced order on the
// fake, checks the parameters that carry the order's price, buyer,
// address and merchant, and that they charge exactly the order's total.
func TestCreatePricedSessions(t *testing.T) {
	t.Parallel()
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	p := newTestProvider(t, fake.URL, func(c *Config) { c.MerchantSettings = settingsOf })
	ctx := context.Background()
	want := map[string]map[string]string{
		"ord_usd": {
			"customer_email": "ada@example.com", "customer_creation": "if_required",
			"line_items[0][quantity]": "1", "line_items[0][price_data][unit_amount]": "4498",
			"line_items[0][price_data][product_data][name]":        "Mug — Blue × 3",
			"line_items[0][price_data][product_data][description]": "3 × $19.99 − $14.99 (SPRING25)",
			"line_items[1][quantity]":                              "1", "line_items[1][price_data][unit_amount]": "399",
			"line_items[1][price_data][product_data][name]":                   "Tax",
			"shipping_address_collection[allowed_countries][0]":               "US",
			"shipping_options[0][shipping_rate_data][type]":                   "fixed_amount",
			"shipping_options[0][shipping_rate_data][display_name]":           "Standard (3–5 days)",
			"shipping_options[0][shipping_rate_data][fixed_amount][amount]":   "450",
			"shipping_options[0][shipping_rate_data][fixed_amount][currency]": "usd",
			"custom_text[submit][message]":                                    "Sold by Northwind Ceramics LLC · Questions about your order: help@northwind.example",
			"custom_text[after_submit][message]":                              "Refund policy: Returns within 30 days.",
			"custom_text[shipping_address][message]":                          "This order ships to NY, United States, as priced at checkout.",
			// 5% + 0.30 and 10% of the goods after the discount, not of
			// shipping or tax: 224.9 and 449.8 of 4498, rounded up by the
			// ledger's largest remainders to 225 and 450, plus 30.
			"payment_intent_data[application_fee_amount]": "705",
			"automatic_tax[enabled]":                      "",
		},
		"ord_jpy": {"line_items[0][price_data][currency]": "jpy", "line_items[0][price_data][unit_amount]": "4498",
			"line_items[1][price_data][unit_amount]": "399", "shipping_options[0][shipping_rate_data][fixed_amount][currency]": "jpy"},
		"ord_kwd": {"line_items[0][price_data][currency]": "kwd", "line_items[0][price_data][unit_amount]": "44980",
			"line_items[0][quantity]": "1", "line_items[1][price_data][unit_amount]": "3990"},
		"ord_even": {"line_items[0][quantity]": "2", "line_items[0][price_data][unit_amount]": "1000",
			"line_items[0][price_data][product_data][name]":        "Mug — Blue",
			"line_items[0][price_data][product_data][description]": "2 × $12.50 − $5.00 (FIVE)",
			"line_items[1][quantity]":                              "", "shipping_address_collection[allowed_countries][0]": "",
			"shipping_options[0][shipping_rate_data][type]": "", "custom_text[submit][message]": ""},
		"ord_vat": {"line_items[0][quantity]": "2", "line_items[0][price_data][unit_amount]": "2500",
			"line_items[1][quantity]": "", "shipping_address_collection[allowed_countries][0]": "DE",
			"shipping_options[0][shipping_rate_data][fixed_amount][amount]": "490",
			"custom_text[submit][message]":                                  "Prices include €8.76 of tax",
			"custom_text[shipping_address][message]":                        "This order ships to Germany, as priced at checkout."},
		"ord_stripe_tax": {"automatic_tax[enabled]": "true", "line_items[0][price_data][tax_behavior]": "exclusive",
			"shipping_options[0][shipping_rate_data][tax_behavior]": "exclusive", "line_items[1][quantity]": "",
			"phone_number_collection[enabled]": "true", "payment_intent_data[application_fee_amount]": "405"},
		"ord_free_shipping": {"shipping_options[0][shipping_rate_data][display_name]": "Free",
			"shipping_options[0][shipping_rate_data][fixed_amount][amount]": "0"},
		"ord_digital": {"customer_email": "ada@example.com", "shipping_address_collection[allowed_countries][0]": "",
			"line_items[0][price_data][product_data][description]": "", "phone_number_collection[enabled]": ""},
	}
	for i, o := range pricedOrders() {
		t.Run(o.ID, func(t *testing.T) {
			if _, err := p.CreatePaymentSession(ctx, o); err != nil {
				t.Fatal(err)
			}
			f := fake.Created(sessionsPath)[i]
			for k, v := range want[o.ID] {
				if got := f.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if got := charged(t, f); got != o.Total.Amount {
				t.Errorf("the session charges %d, want the order's total %d", got, o.Total.Amount)
			}
		})
	}
}

// TestPricedSessionPaid pays priced sessions on the fake as shoppers do
// and applies what SessionPayment reads back to the order: the total (and
// with Stripe Tax, the tax Stripe added), the payer and the address.
func TestPricedSessionPaid(t *testing.T) {
	t.Parallel()
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	fake.TaxBPS = 888 // 2 × 12.50: 2.22; 4.50 of shipping: 0.40
	p := newTestProvider(t, fake.URL, func(c *Config) { c.MerchantSettings = settingsOf })
	ctx := context.Background()
	brooklyn := &stripetest.Address{Line1: "9 Elm St", City: "Brooklyn", State: "NY", PostalCode: "11201", Country: "US"}
	la := &stripetest.Address{Line1: "1 Sunset Blvd", City: "Los Angeles", State: "CA", PostalCode: "90001", Country: "US"}
	for _, tt := range []struct {
		name    string
		order   *buycard.Order
		shopper stripetest.Shopper
		tax     *buycard.TaxQuote
		shipTo  *buycard.Address
		buyer   buycard.Buyer
	}{
		{"Stripe Tax, another state", pricedOrder("ord_paid_stripe_tax", "mer_stripe", "USD", 1250, 2, buycard.OrderPrice{Shipping: 450}, buyerAda, toNY),
			stripetest.Shopper{Name: "A. Lovelace", Phone: "+1 212 555 0100", Address: la}, &buycard.TaxQuote{Tax: 262, OnShipping: 40},
			&buycard.Address{Name: "A. Lovelace", Line1: "1 Sunset Blvd", City: "Los Angeles", Region: "CA", PostalCode: "90001", Country: "US"},
			buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace", Phone: "+12125550100"}},
		{"own tax, same state", pricedOrder("ord_paid_usd", "mer_rates", "USD", 1999, 3, buycard.OrderPrice{Discount: 1499, Shipping: 450, Tax: 399}, buyerAda, toNY),
			stripetest.Shopper{Name: "Ada Lovelace", Address: brooklyn}, nil,
			&buycard.Address{Name: "Ada Lovelace", Line1: "9 Elm St", City: "Brooklyn", Region: "NY", PostalCode: "11201", Country: "US"}, *buyerAda},
		{"own tax, another state: the checkout's address stays", pricedOrder("ord_paid_moved", "mer_rates", "USD", 1999, 3,
			buycard.OrderPrice{Discount: 1499, Shipping: 450, Tax: 399}, buyerAda, toNY),
			stripetest.Shopper{Name: "Ada Lovelace", Address: la}, nil, toNY, *buyerAda},
		{"no buyer at checkout: the payer", pricedOrder("ord_paid_nobuyer", "mer_1", "USD", 1250, 2, buycard.OrderPrice{}, nil, nil),
			stripetest.Shopper{Email: "Grace@Example.com", Name: "Grace Hopper"}, nil, nil,
			buycard.Buyer{Email: "grace@example.com", Name: "Grace Hopper"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.order
			s, err := p.CreatePaymentSession(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			o.Provider, o.ProviderSessionID = Name, s.ID
			fake.PaySessionWith(s.ID, "pi_"+o.ID, tt.shopper)
			e, ok, err := p.SessionPayment(ctx, s.ID)
			if err != nil || !ok {
				t.Fatalf("SessionPayment = %v, %v", ok, err)
			}
			if err := e.Validate(); err != nil {
				t.Fatal(err)
			}
			want := o.Total
			if tt.tax != nil {
				want.Amount += tt.tax.Tax
			}
			if e.Amount != want || (e.Tax == nil) != (tt.tax == nil) || tt.tax != nil && *e.Tax != *tt.tax {
				t.Fatalf("paid %v with tax %+v, want %v with %+v", e.Amount, e.Tax, want, tt.tax)
			}
			if _, _, err := o.Apply(e); err != nil {
				t.Fatal(err)
			}
			if o.Status != buycard.OrderPaid || o.Total != want || o.Total.Amount != o.Charge() || *o.Buyer != tt.buyer {
				t.Errorf("order %s, total %v (price %+v), buyer %+v; want paid %v by %+v", o.Status, o.Total, o.OrderPrice, o.Buyer, want, tt.buyer)
			}
			if (o.ShipTo == nil) != (tt.shipTo == nil) || tt.shipTo != nil && *o.ShipTo != *tt.shipTo {
				t.Errorf("ship to %+v, want %+v", o.ShipTo, tt.shipTo)
			}
		})
	}
}

// TestCustomTextClipped: the merchant's longest texts fit Checkout's
// custom text, which stripe-mock does not measure.
func TestCustomTextClipped(t *testing.T) {
	t.Parallel()
	s := &buycard.MerchantSettings{BusinessName: strings.Repeat("N", buycard.BusinessNameText.MaxLength),
		SupportEmail: strings.Repeat("s", 60) + "@" + strings.Repeat("e", 60) + ".example",
		RefundPolicy: strings.Repeat("é", buycard.RefundPolicyText.MaxLength)}
	o := pricedOrder("ord_long", "mer_long", "EUR", 2500, 1, buycard.OrderPrice{Tax: 399, TaxInclusive: true}, buyerAda, toBerlin)
	ct := customText(o, s, "fr")
	for name, m := range map[string]*string{"submit": ct.Submit.Message, "after_submit": ct.AfterSubmit.Message, "shipping_address": ct.ShippingAddress.Message} {
		if n := utf8.RuneCountInString(*m); n > maxCustomText || n == 0 {
			t.Errorf("%s: %d characters, want 1 to %d", name, n, maxCustomText)
		}
	}
	if policy := *ct.AfterSubmit.Message; !strings.HasSuffix(policy, "é…") || utf8.RuneCountInString(policy) != maxCustomText {
		t.Errorf("refund policy not clipped to %d characters with an ellipsis: …%s", maxCustomText, policy[len(policy)-20:])
	}
}
