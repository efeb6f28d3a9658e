package buycard

import (
	"testing"
	"time"
)

func TestSettleSales(t *testing.T) {
	t.Parallel()
	sold := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	usd := func(n int64) Money { return Money{Amount: n, Currency: "USD"} }
	sale := func(status string, share Money) *PublisherSale {
		return &PublisherSale{SoldAt: sold, Status: status, Share: share}
	}
	for _, tt := range []struct {
		name      string
		sales     []*PublisherSale // newest first
		available map[string]int64
		want      []string
	}{
		{"pending", []*PublisherSale{sale(SharePending, usd(240))}, nil, []string{SharePending}},
		{"released, not paid", []*PublisherSale{sale(ShareAvailable, usd(240)), sale(ShareAvailable, usd(100))},
			map[string]int64{"USD": 340}, []string{ShareAvailable, ShareAvailable}},
		{"oldest paid first", []*PublisherSale{sale(SharePending, usd(50)), sale(ShareAvailable, usd(240)), sale(ShareAvailable, usd(100))},
			map[string]int64{"USD": 240}, []string{SharePending, ShareAvailable, SharePaid}},
		{"partly paid is available", []*PublisherSale{sale(ShareAvailable, usd(240)), sale(ShareAvailable, usd(100))},
			map[string]int64{"USD": 260}, []string{ShareAvailable, ShareAvailable}},
		{"all paid", []*PublisherSale{sale(ShareAvailable, usd(240))}, map[string]int64{"USD": 0}, []string{SharePaid}},
		{"per currency", []*PublisherSale{sale(ShareAvailable, usd(240)), sale(ShareAvailable, Money{Amount: 500, Currency: "JPY"})},
			map[string]int64{"JPY": 500}, []string{SharePaid, ShareAvailable}},
		{"refunded", []*PublisherSale{sale(SharePending, usd(0)), sale(ShareAvailable, usd(0))}, nil, []string{ShareRefunded, ShareRefunded}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			SettleSales(tt.sales, tt.available, 7*24*time.Hour)
			for i, s := range tt.sales {
				if s.Status != tt.want[i] {
					t.Errorf("sale %d: %s, want %s", i, s.Status, tt.want[i])
				}
				if pending := s.Status == SharePending; pending != (s.PendingUntil != nil) ||
					(pending && !s.PendingUntil.Equal(sold.Add(7*24*time.Hour))) {
					t.Errorf("sale %d: pending until %v", i, s.PendingUntil)
				}
			}
		})
	}
}
