package ui

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/buycard/buycard"
)

func TestBPSText(t *testing.T) {
	for bps, want := range map[int]string{0: "0.00%", 5: "0.05%", 875: "8.75%", 1250: "12.50%", 10000: "100.00%", 1: "0.01%", -250: "-2.50%"} {
		if got := BPSText(bps); got != want {
			t.Errorf("bpsText(%d) = %q, want %q", bps, got, want)
		}
	}
}

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"12.50", "USD", 1250, true},
		{"12.5", "USD", 1250, true},
		{"12", "USD", 1200, true},
		{" 0.07 ", "EUR", 7, true},
		{".75", "USD", 75, true},
		{"12.", "USD", 1200, true},
		{"0.1", "USD", 10, true},
		{"19.99", "GBP", 1999, true}, // 19.99 is not exact as a float64
		{"1500", "JPY", 1500, true},
		{"1500.0", "JPY", 0, false},
		{"1.250", "KWD", 1250, true},
		{"1.25", "KWD", 1250, true},
		{"1.255", "KWD", 0, false}, // Stripe wants a trailing 0
		{"92233720368547758.07", "USD", math.MaxInt64, true},
		{"92233720368547758.08", "USD", 0, false},
		{"1.234", "USD", 0, false},
		{"-1", "USD", 0, false},
		{"+1", "USD", 0, false},
		{"1,000", "USD", 0, false},
		{"1 000", "USD", 0, false},
		{"1e3", "USD", 0, false},
		{"", "USD", 0, false},
		{".", "USD", 0, false},
		{"1.2.3", "USD", 0, false},
		{"١٢", "USD", 0, false},
	} {
		got, err := ParseMoney(tc.in, tc.cur, "Price")
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseMoney(%q, %s) = %d, %v; want %d, ok %v", tc.in, tc.cur, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.As(err, new(*buycard.Error)) {
			t.Errorf("parseMoney(%q): error %v is not worded for people", tc.in, err)
		}
	}
	if _, err := ParsePrice("0.00", "USD", "Price"); err == nil {
		t.Error("a price of 0 passed")
	}
}

// TestMerchMoneyRoundTrip checks that what a field shows reads back as
// the same minor units, in every currency.
func TestMoneyRoundTrip(t *testing.T) {
	for _, o := range Currencies {
		if _, ok := buycard.CurrencyExponent(o.Value); !ok {
			t.Fatalf("currency %s is not supported by buycard", o.Value)
		}
		for _, n := range []int64{10, 120, 1250, 99990, 100000000, 7_000_000_010} {
			text := DecimalText(n, o.Value)
			got, err := ParseMoney(text, o.Value, "Price")
			if err != nil || got != n {
				t.Errorf("%d %s shows as %q, which reads as %d, %v", n, o.Value, text, got, err)
			}
		}
	}
	if got := DecimalText(1250, "KWD"); got != "1.250" {
		t.Errorf("1250 KWD shows as %q", got)
	}
	if got := DecimalText(1500, "JPY"); got != "1500" {
		t.Errorf("1500 JPY shows as %q", got)
	}
	if got := MoneyText(123456, "USD"); got != "$1,234.56" {
		t.Errorf("moneyText = %q", got)
	}
}

func TestPercent(t *testing.T) {
	for bps, want := range map[int]string{0: "0.00", 1: "0.01", 10: "0.10", 750: "7.50", 1234: "12.34", 10000: "100.00"} {
		if got := PercentField(bps); got != want {
			t.Errorf("percentField(%d) = %q, want %q", bps, got, want)
		}
		if back, err := ParsePercent(want, "Share"); err != nil || back != bps {
			t.Errorf("parsePercent(%q) = %d, %v; want %d", want, back, err, bps)
		}
	}
	// Every basis point survives the round trip.
	for bps := 0; bps <= 10000; bps++ {
		if back, err := ParsePercent(PercentField(bps), "Share"); err != nil || back != bps {
			t.Fatalf("%d bps: %q reads as %d, %v", bps, PercentField(bps), back, err)
		}
	}
	for in, want := range map[string]int{"7.5": 750, "7.5 %": 750, "7%": 700, " 12.05 ": 1205, "0.29": 29, "0.57": 57} {
		if got, err := ParsePercent(in, "Share"); err != nil || got != want {
			t.Errorf("parsePercent(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "100.01", "101", "-1", "7.505", "abc", "7,5"} {
		if got, err := ParsePercent(in, "Share"); err == nil {
			t.Errorf("parsePercent(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "12": 12, " 7 ": 7} {
		if got, err := ParseCount(in, 0, "Stock"); err != nil || got != want {
			t.Errorf("parseCount(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "-1", "1.5", "x", "99999999999"} {
		if _, err := ParseCount(in, 0, "Stock"); err == nil {
			t.Errorf("parseCount(%q) passed", in)
		}
	}
	if _, err := ParseCount("0", 1, "Maximum"); err == nil {
		t.Error("a minimum of 1 let 0 through")
	}
}

func TestParseDomains(t *testing.T) {
	got := ParseDomains("Example.com\n\n *.blog.example \r\nexample.com, news.example")
	want := []string{"example.com", "*.blog.example", "news.example"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseDomains = %q, want %q", got, want)
	}
	if got := ParseDomains("  \n"); got == nil || len(got) != 0 {
		t.Errorf("no domains = %#v, want an empty list (JSON [])", got)
	}
}

func TestSignedMoney(t *testing.T) {
	for amount, want := range map[int64]string{-456: "−$4.56", 0: "$0.00", 133_68: "$133.68"} {
		if got := SignedMoney(amount, "USD"); got != want {
			t.Errorf("merchSigned(%d) = %q, want %q", amount, got, want)
		}
	}
}
