package stripeconnect

import (
	"fmt"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

// TestMoneyBetweenPages reads every page of Stripe's lists: 205 refunds
// of a charge, made at noon, are three pages of refunds and of balance
// transactions; refunds made the day after are left out.
func TestMoneyBetweenPages(t *testing.T) {
	t.Parallel()
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	p := newTestProvider(t, fake.URL)
	ctx := t.Context()
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	at := day.Add(12 * time.Hour)
	fake.Now = func() time.Time { return at }
	for i := range 206 {
		if i == 205 {
			at = day.AddDate(0, 0, 1)
		}
		if _, err := p.Refund(ctx, "pi_pages", 1, fmt.Sprintf("refund-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	money, err := p.MoneyBetween(ctx, day, day.AddDate(0, 0, 1))
	if err != nil || len(money) != 205 {
		t.Fatalf("%d objects, %v; want 205 refunds", len(money), err)
	}
	seen := map[string]bool{}
	for _, m := range money {
		if m.Kind != buycard.MoneyRefund || m.Amount != (buycard.Money{Amount: 1, Currency: "USD"}) || seen[m.ID] || !m.Created.Equal(day.Add(12*time.Hour)) {
			t.Fatalf("object %+v (twice: %v)", m, seen[m.ID])
		}
		seen[m.ID] = true
	}
	for path, want := range map[string]int{"/v1/refunds": 3, "/v1/balance_transactions": 3, "/v1/application_fees": 1} {
		if got := fake.Lists(path); got != want {
			t.Errorf("%s: %d pages, want %d", path, got, want)
		}
	}
}
