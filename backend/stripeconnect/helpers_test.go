package stripeconnect

import (
	"context"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// testOrder is a pending order of 2 × 12.50 USD with a 5% + 0.30 platform
// fee and a 10% publisher share: application fee 155 + 250 = 405.
func testOrder(id string) *buycard.Order {
	return &buycard.Order{
		ID: id, Status: buycard.OrderPending,
		WidgetID: "wdg_1", ProductID: "prd_1", VariantID: "var_1", MerchantID: "mer_1", PublisherID: "pub_1", PlacementID: "plc_1",
		ProductTitle: "Mug", VariantName: "Blue", Quantity: 2,
		UnitPrice: buycard.Money{Amount: 1250, Currency: "USD"}, Total: buycard.Money{Amount: 2500, Currency: "USD"},
		OrderPrice:        buycard.OrderPrice{Subtotal: 2500},
		PublisherShareBPS: 1000, PlatformFeeBPS: 500, PlatformFeeFixed: 30,
		CreatedAt: testNow, ExpiresAt: testNow.Add(30 * time.Minute),
	}
}

func merchantAccount(enabled bool) MerchantAccountFunc {
	return func(_ context.Context, merchantID string) (string, bool, error) {
		return "acct_merchant_" + merchantID, enabled, nil
	}
}

// newTestProvider returns a provider for url with fast retries.
func newTestProvider(t *testing.T, url string, mod ...func(*Config)) *Provider {
	t.Helper()
	cfg := Config{
		SecretKey: "sk_test_123", APIURL: url, MerchantAccount: merchantAccount(true),
		BaseURL: "https://buycard.example", Now: func() time.Time { return testNow },
		Timeout: 5 * time.Second, AttemptTimeout: 500 * time.Millisecond, MaxRetries: 4, RetryBackoff: 10 * time.Millisecond,
	}
	for _, m := range mod {
		m(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := buycard.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}
