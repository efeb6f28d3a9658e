package chart

import (
	"slices"
	"testing"

	"github.com/buycard/buycard"
)

func TestDays(t *testing.T) {
	tests := []struct {
		name, from, to string
		want           int
	}{
		{"one day", "2026-12-01", "2026-12-01", 1},
		{"across a month", "2026-11-29", "2026-12-02", 4},
		{"leap year", "2028-01-01", "2028-12-31", 366},
		{"capped at a year", "2026-01-01", "2030-01-01", maxDays},
		{"backwards", "2026-12-02", "2026-12-01", 0},
		{"malformed", "2026-12", "2026-12-01", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Days(tt.from, tt.to); len(got) != tt.want {
				t.Errorf("Days = %d days %v, want %d", len(got), got, tt.want)
			}
		})
	}
	if got := Days("2026-11-29", "2026-12-02"); got[3] != "2026-12-02" {
		t.Errorf("last day = %q", got[3])
	}
}

func TestCountSeriesFillsGaps(t *testing.T) {
	f := buycard.NewFunnel(buycard.FunnelQuery{WidgetID: "w", From: "2026-11-30", To: "2026-12-02"},
		[]buycard.FunnelDay{{Day: "2026-12-01", Impressions: 100, Clicks: 10, Checkouts: 2, Sales: 1}})
	days, series := CountSeries(f)
	if !slices.Equal(days, []string{"2026-11-30", "2026-12-01", "2026-12-02"}) {
		t.Fatalf("days = %v", days)
	}
	want := map[string][]int64{"Impressions": {0, 100, 0}, "Clicks": {0, 10, 0}, "Checkouts": {0, 2, 0}, "Sales": {0, 1, 0}}
	for _, s := range series {
		if !slices.Equal(s.Values, want[s.Name]) {
			t.Errorf("%s = %v, want %v", s.Name, s.Values, want[s.Name])
		}
	}
}

func TestRevenueSeriesAndCurrencies(t *testing.T) {
	f := buycard.NewFunnel(buycard.FunnelQuery{WidgetID: "w", From: "2026-12-01", To: "2026-12-02"},
		[]buycard.FunnelDay{
			{Day: "2026-12-01", Revenue: map[string]int64{"USD": 500, "EUR": 300}, Refunded: map[string]int64{}},
			{Day: "2026-12-02", Revenue: map[string]int64{}, Refunded: map[string]int64{"USD": 200, "JPY": 9}},
		})
	_, series := RevenueSeries(f, "USD")
	if !slices.Equal(series[0].Values, []int64{500, 0}) || !slices.Equal(series[1].Values, []int64{0, 200}) {
		t.Errorf("USD series = %v", series)
	}
	if got := Currencies(f); !slices.Equal(got, []string{"EUR", "JPY", "USD"}) {
		t.Errorf("Currencies = %v", got)
	}
}

func TestMoney(t *testing.T) {
	if got := Money("USD", "en-US")(123456); got != "$1,234.56" {
		t.Errorf("USD = %q", got)
	}
	if got := Money("JPY", "en-US")(1e12); got != "¥1,000,000,000,000" {
		t.Errorf("JPY = %q", got)
	}
}
