package ledger_test

import (
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// standard is platform 875 bps, publisher 375 bps, so merchant 8750 bps.
var standard = ledger.Rates{PlatformBPS: 875, PublisherBPS: 375}

// Expected values are worked out by hand in units of 1/10000.
func TestCommission(t *testing.T) {
	tests := []struct {
		name  string
		total buycard.Money
		rates ledger.Rates
		want  ledger.Commission
	}{
		// 174.9125, 74.9625, 1749.125: two cents left, to publisher then platform.
		{"1999 USD", usd(1999), standard,
			ledger.Commission{Currency: "USD", Total: 1999, Platform: 175, Publisher: 75, Merchant: 1749}},
		// 87.4125, 37.4625, 874.125: one yen left, to the publisher.
		{"999 JPY", buycard.Money{Amount: 999, Currency: "JPY"}, standard,
			ledger.Commission{Currency: "JPY", Total: 999, Platform: 87, Publisher: 38, Merchant: 874}},
		// In steps of 10 fils: 108.0625, 46.3125, 1080.625; the step goes to the merchant.
		{"12.350 KWD", buycard.Money{Amount: 12350, Currency: "KWD"}, standard,
			ledger.Commission{Currency: "KWD", Total: 12350, Platform: 1080, Publisher: 460, Merchant: 10810}},
		{"fixed fee comes from the merchant", usd(1999), ledger.Rates{PlatformBPS: 875, PlatformFixed: 30, PublisherBPS: 375},
			ledger.Commission{Currency: "USD", Total: 1999, Platform: 205, Publisher: 75, Merchant: 1719}},
		// 8.75, 3.75, 87.5 → 9, 4, 87; the fixed 95 is capped at the merchant's 87.
		{"fixed fee capped", usd(100), ledger.Rates{PlatformBPS: 875, PlatformFixed: 95, PublisherBPS: 375},
			ledger.Commission{Currency: "USD", Total: 100, Platform: 96, Publisher: 4, Merchant: 0}},
		{"all to the platform", usd(100), ledger.Rates{PlatformBPS: 10000},
			ledger.Commission{Currency: "USD", Total: 100, Platform: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.rates.Commission(tt.total)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Commission(%v) = %+v, want %+v", tt.total, got, tt.want)
			}
		})
	}
}

func TestSaleWithoutPublisherPaysMerchant(t *testing.T) {
	s := ledger.Sale{OrderID: "ord_1", MerchantID: "mer_1", Provider: "sandbox", Total: usd(1999), Rates: standard, EffectiveAt: t0}
	got, err := s.Commission()
	if err != nil {
		t.Fatal(err)
	}
	// 174.9125 and 1824.0875 of 875/9125: the cent goes to the platform.
	want := ledger.Commission{Currency: "USD", Total: 1999, Platform: 175, Publisher: 0, Merchant: 1824}
	if got != want {
		t.Errorf("Commission() = %+v, want %+v", got, want)
	}
}

func TestRatesErrors(t *testing.T) {
	tests := []struct {
		name     string
		rates    ledger.Rates
		currency string
		message  string
	}{
		{"over 100%", ledger.Rates{PlatformBPS: 6000, PublisherBPS: 4001}, "USD",
			"Platform and publisher shares must be 0 to 10000 basis points together."},
		{"negative", ledger.Rates{PublisherBPS: -1}, "USD",
			"Platform and publisher shares must be 0 to 10000 basis points together."},
		{"fixed off step", ledger.Rates{PlatformFixed: 25}, "KWD", "Fixed KWD fee must be a non-negative multiple of 10."},
		{"negative fixed", ledger.Rates{PlatformFixed: -1}, "USD", "Fixed USD fee must be a non-negative multiple of 1."},
		{"currency", ledger.Rates{}, "XXX", `Unsupported currency "XXX".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.rates.Validate(tt.currency), buycard.EINVALID, tt.message)
		})
	}
	_, err := standard.Commission(buycard.Money{Amount: 15, Currency: "KWD"})
	wantErr(t, err, buycard.EINVALID, "Split total 15 is not a multiple of 10.")
}

func TestRatesOfOrder(t *testing.T) {
	o := &buycard.Order{PlatformFeeBPS: 875, PlatformFeeFixed: 100, PublisherShareBPS: 375}
	if got, want := ledger.RatesOf(o), (ledger.Rates{PlatformBPS: 875, PlatformFixed: 100, PublisherBPS: 375}); got != want {
		t.Errorf("RatesOf = %+v, want %+v", got, want)
	}
	bad := buycard.PlatformFee{BPS: 100, Fixed: map[string]int64{"KWD": 5}}
	wantErr(t, bad.Validate(), buycard.EINVALID, "Fixed KWD fee must be a non-negative multiple of 10.")
	wantErr(t, ledger.Rates{PlatformBPS: 875, PublisherBPS: 9500}.Validate("USD"), buycard.EINVALID, "Platform and publisher shares must be 0 to 10000 basis points together.")
}
