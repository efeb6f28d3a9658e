package buycard_test

import (
	"testing"

	"github.com/buycard/buycard"
)

func TestMerchantSettingsEditApply(t *testing.T) {
	stored := buycard.MerchantSettings{MerchantID: "mer_1", BusinessName: "Clay & Co", TaxMode: buycard.TaxNone}
	tests := []struct {
		name string
		body string
		want func(s *buycard.MerchantSettings)
		err  string
	}{
		{"empty", `{}`, func(*buycard.MerchantSettings) {}, ""},
		{"normalized", `{"business_name": " Clay Ltd ", "support_email": " Help@Clay.example ", "origin_country": "us",
			"tax_mode": "rates", "prices_include_tax": true, "tax_shipping": true, "ask_phone": true, "tax_id": " EIN 12-3 "}`,
			func(s *buycard.MerchantSettings) {
				s.BusinessName, s.SupportEmail, s.OriginCountry, s.TaxID = "Clay Ltd", "help@clay.example", "US", "EIN 12-3"
				s.TaxMode, s.PricesIncludeTax, s.TaxShipping, s.AskPhone = buycard.TaxRates, true, true, true
			}, ""},
		{"support email cleared", `{"support_email": ""}`, func(*buycard.MerchantSettings) {}, ""},
		{"twitter handle without its @", `{"twitter_handle": " @Clay_Co "}`,
			func(s *buycard.MerchantSettings) { s.TwitterHandle = "Clay_Co" }, ""},
		{"refund policy lines", `{"refund_policy": "30 days.\nUnused items."}`,
			func(s *buycard.MerchantSettings) { s.RefundPolicy = "30 days.\nUnused items." }, ""},
		{"bad email", `{"support_email": "help@"}`, nil, "Enter a valid support email address."},
		{"unknown country", `{"origin_country": "UK"}`, nil, "Choose the origin country from the list."},
		{"twitter handle with a space", `{"twitter_handle": "clay co"}`, nil,
			"An X (Twitter) handle is 1 to 15 letters, digits or underscores, like @northwind."},
		{"twitter handle too long", `{"twitter_handle": "a234567890123456"}`, nil,
			"An X (Twitter) handle is 1 to 15 letters, digits or underscores, like @northwind."},
		{"twitter handle a URL", `{"twitter_handle": "https://x.com/clay"}`, nil,
			"An X (Twitter) handle is 1 to 15 letters, digits or underscores, like @northwind."},
		{"unknown tax mode", `{"tax_mode": "vat"}`, nil, "The tax mode must be none, rates or stripe."},
		{"stripe tax without origin", `{"tax_mode": "stripe"}`, nil, "Stripe Tax needs the origin country."},
		{"stripe tax on prices with tax", `{"tax_mode": "stripe", "origin_country": "DE", "prices_include_tax": true}`, nil,
			`Stripe Tax adds tax to your prices: turn off "Prices include tax", or use your own rates.`},
		{"name with bidi control", `{"business_name": "Clay\u202e"}`, nil,
			"The business name must not contain control characters or text direction controls."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edit := decode[buycard.MerchantSettingsEdit](t, tt.body)
			before := stored
			got, err := edit.Apply(&before)
			if before != stored {
				t.Errorf("Apply changed the stored settings: %+v", before)
			}
			if tt.err != "" {
				wantInvalid(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := stored
			tt.want(&want)
			if *got != want {
				t.Errorf("Apply =\n%+v\nwant\n%+v", *got, want)
			}
		})
	}
}
