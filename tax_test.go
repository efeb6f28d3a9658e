package buycard_test

import (
	"testing"

	"github.com/buycard/buycard"
)

func TestTaxFor(t *testing.T) {
	rates := buycard.TaxRateList{
		{Country: "US", RatePPM: 0},
		{Country: "US", Region: "NY", RatePPM: 88_750},
		{Country: "JP", RatePPM: 100_000},
		{Country: "KW", RatePPM: 50_000},
		{Country: "DE", RatePPM: 190_000},
	}
	ny := buycard.Address{Country: "US", Region: "NY"}
	tests := []struct {
		name      string
		addr      buycard.Address
		currency  string
		amount    int64
		inclusive bool
		want      int64
	}{
		// The plan's vector: 25% off $19.99 × 3 is $44.98 of goods, plus
		// $4.50 shipping, at 8.875%.
		{"goods 8.875%", ny, "USD", 4498, false, 399},  // 3.9919…
		{"shipping 8.875%", ny, "USD", 450, false, 40}, // 0.399375
		{"exact", ny, "USD", 4000, false, 355},         // 3.55
		{"rounds up", ny, "USD", 5070, false, 450},     // 449.9625
		{"state without rate uses country", buycard.Address{Country: "US", Region: "CA"}, "USD", 4498, false, 0},
		{"no rate", buycard.Address{Country: "FR"}, "EUR", 4498, false, 0},
		{"JPY whole yen", buycard.Address{Country: "JP"}, "JPY", 4498, false, 450},      // 449.8
		{"JPY half up", buycard.Address{Country: "JP"}, "JPY", 45, false, 5},            // 4.5
		{"KWD step of 10", buycard.Address{Country: "KW"}, "KWD", 44_980, false, 2250},  // 2.249 → 2.250
		{"KWD rounds down", buycard.Address{Country: "KW"}, "KWD", 44_880, false, 2240}, // 2.244
		{"inclusive 19%", buycard.Address{Country: "DE"}, "EUR", 11_900, true, 1900},
		{"inclusive rounds", buycard.Address{Country: "DE"}, "EUR", 1000, true, 160}, // 159.66…
		{"zero amount", ny, "USD", 0, false, 0},
		{"largest amount", buycard.Address{Country: "DE"}, "USD", 99_999_999, false, 19_000_000}, // 18999999.81
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rates.TaxFor(tt.addr, tt.currency, tt.amount, tt.inclusive); got != tt.want {
				t.Errorf("TaxFor(%d %s) = %d, want %d", tt.amount, tt.currency, got, tt.want)
			}
		})
	}
}

func TestTaxQuote(t *testing.T) {
	rates := buycard.TaxRateList{{Country: "US", Region: "NY", RatePPM: 88_750}}
	ny := buycard.Address{Country: "US", Region: "NY"}
	tests := []struct {
		name     string
		settings buycard.MerchantSettings
		sandbox  bool
		want     buycard.TaxQuote
	}{
		{"rates, shipping taxed", buycard.MerchantSettings{TaxMode: buycard.TaxRates, TaxShipping: true}, false, buycard.TaxQuote{Tax: 439, OnShipping: 40}},
		{"rates, shipping not taxed", buycard.MerchantSettings{TaxMode: buycard.TaxRates}, false, buycard.TaxQuote{Tax: 399}},
		{"no tax", buycard.MerchantSettings{TaxMode: buycard.TaxNone, TaxShipping: true}, true, buycard.TaxQuote{}},
		{"stripe tax is stripe's", buycard.MerchantSettings{TaxMode: buycard.TaxStripe}, false, buycard.TaxQuote{}},
		{"stripe tax in the sandbox", buycard.MerchantSettings{TaxMode: buycard.TaxStripe}, true, buycard.TaxQuote{Tax: 399}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rates.Quote(&tt.settings, ny, "USD", 4498, 450, tt.sandbox); got != tt.want {
				t.Errorf("Quote = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestTaxRateValidate(t *testing.T) {
	tests := []struct {
		name string
		rate buycard.TaxRate
		want string
	}{
		{"ok", buycard.TaxRate{Country: "us", Region: "ny", RatePPM: 88_750}, ""},
		{"country only", buycard.TaxRate{Country: "FR", RatePPM: 200_000}, ""},
		{"unknown country", buycard.TaxRate{Country: "XX", RatePPM: 1}, "Choose a country from the list."},
		{"region of a country without regions", buycard.TaxRate{Country: "FR", Region: "IDF", RatePPM: 1}, "Tax rates by region are for the United States and Canada; France has one rate."},
		{"unknown state", buycard.TaxRate{Country: "US", Region: "ZZ", RatePPM: 1}, `"ZZ" is not a state or province of United States.`},
		{"negative", buycard.TaxRate{Country: "US", RatePPM: -1}, "A tax rate is between 0% and 100%."},
		{"above 100%", buycard.TaxRate{Country: "US", RatePPM: buycard.PPM + 1}, "A tax rate is between 0% and 100%."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rate.Normalize()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantInvalid(t, err, tt.want)
		})
	}
}
