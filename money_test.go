package buycard_test

import (
	"math"
	"testing"

	"github.com/buycard/buycard"
)

func TestMoneyFormat(t *testing.T) {
	tests := []struct {
		name   string
		money  buycard.Money
		locale string
		want   string
	}{
		{"usd en-US", buycard.Money{Amount: 2400, Currency: "USD"}, "en-US", "$24.00"},
		{"usd grouping", buycard.Money{Amount: 123456789, Currency: "USD"}, "en", "$1,234,567.89"},
		{"usd one cent", buycard.Money{Amount: 1, Currency: "USD"}, "en", "$0.01"},
		{"usd zero", buycard.Money{Amount: 0, Currency: "USD"}, "en", "$0.00"},
		{"usd negative", buycard.Money{Amount: -1050, Currency: "USD"}, "en", "$-10.50"},
		{"jpy has no decimals", buycard.Money{Amount: 4800, Currency: "JPY"}, "en-US", "¥4,800"},
		{"jpy in japanese", buycard.Money{Amount: 4800, Currency: "JPY"}, "ja-JP", "￥4,800"},
		{"kwd three decimals", buycard.Money{Amount: 12500, Currency: "KWD"}, "en", "KWD\u00a012.500"},
		{"kwd in arabic locale", buycard.Money{Amount: 1234500, Currency: "KWD"}, "ar-KW", "KWD\u00a01,234.500"},
		{"eur german", buycard.Money{Amount: 123450, Currency: "EUR"}, "de-DE", "1.234,50\u00a0€"},
		{"eur french", buycard.Money{Amount: 123450, Currency: "EUR"}, "fr", "1\u202f234,50\u00a0€"},
		{"underscore tag", buycard.Money{Amount: 123450, Currency: "EUR"}, "de_AT", "1.234,50\u00a0€"},
		{"unknown locale falls back to english", buycard.Money{Amount: 990, Currency: "GBP"}, "xx-YY", "£9.90"},
		{"unknown currency uses its code", buycard.Money{Amount: 990, Currency: "XYZ"}, "en", "XYZ\u00a09.90"},
		{"min int64", buycard.Money{Amount: math.MinInt64, Currency: "JPY"}, "en", "¥-9,223,372,036,854,775,808"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.money.Format(tt.locale); got != tt.want {
				t.Errorf("Format(%q) = %q, want %q", tt.locale, got, tt.want)
			}
		})
	}
}

func TestMoneyDecimal(t *testing.T) {
	tests := []struct {
		money buycard.Money
		want  string
	}{
		{buycard.Money{Amount: 123450, Currency: "USD"}, "1234.50"},
		{buycard.Money{Amount: 4800, Currency: "JPY"}, "4800"},
		{buycard.Money{Amount: 12500, Currency: "KWD"}, "12.500"},
		{buycard.Money{Amount: 5, Currency: "KWD"}, "0.005"},
	}
	for _, tt := range tests {
		if got := tt.money.Decimal(); got != tt.want {
			t.Errorf("%v.Decimal() = %q, want %q", tt.money, got, tt.want)
		}
	}
}

func TestCurrencyExponent(t *testing.T) {
	for code, want := range map[string]int{"USD": 2, "EUR": 2, "JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3} {
		if got, ok := buycard.CurrencyExponent(code); !ok || got != want {
			t.Errorf("CurrencyExponent(%s) = %d, %v; want %d", code, got, ok, want)
		}
	}
	if _, ok := buycard.CurrencyExponent("usd"); ok {
		t.Error("lower-case code accepted")
	}
	if buycard.MinorUnitStep("KWD") != 10 || buycard.MinorUnitStep("USD") != 1 {
		t.Error("MinorUnitStep: KWD must step by 10, USD by 1")
	}
}

func TestMaxAmount(t *testing.T) {
	for code, want := range map[string]int64{"USD": 99_999_999, "JPY": 99_999_999, "KWD": 99_999_999, "XXX": 0} {
		if got := buycard.MaxAmount(code); got != want {
			t.Errorf("MaxAmount(%s) = %d, want %d", code, got, want)
		}
	}
}

func TestMoneyTimes(t *testing.T) {
	tests := []struct {
		name     string
		amount   int64
		n        int64
		want     int64
		wantCode string
	}{
		{"ok", 2400, 3, 7200, ""},
		{"zero", 2400, 0, 0, ""},
		{"negative quantity", 2400, -1, 0, buycard.EINVALID},
		{"overflow", math.MaxInt64 / 2, 3, 0, buycard.EINVALID},
		{"Stripe's maximum", 33_333_333, 3, 99_999_999, ""},
		{"above Stripe's maximum", 50_000_000, 2, 0, buycard.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := buycard.Money{Amount: tt.amount, Currency: "USD"}.Times(tt.n)
			if code := buycard.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("code = %q, want %q (err %v)", code, tt.wantCode, err)
			}
			if err == nil && got.Amount != tt.want {
				t.Errorf("amount = %d, want %d", got.Amount, tt.want)
			}
		})
	}
}

func FuzzMoneyFormat(f *testing.F) {
	f.Add(int64(2400), "USD", "en-US")
	f.Add(int64(-5), "KWD", "ar")
	f.Add(int64(math.MinInt64), "JPY", "ja")
	f.Fuzz(func(t *testing.T, amount int64, code, loc string) {
		m := buycard.Money{Amount: amount, Currency: code}
		if m.Format(loc) == "" || m.Decimal() == "" {
			t.Fatal("empty formatting")
		}
	})
}
