package sandbox_test

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sandbox"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func newProvider() *sandbox.Provider {
	return sandbox.New([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now })
}

func pendingOrder() *buycard.Order {
	return &buycard.Order{ID: "ord_a", Status: buycard.OrderPending, ProviderSessionID: "sbx_cs_a",
		Total: buycard.Money{Amount: 2400, Currency: "USD"}, ExpiresAt: now.Add(time.Hour)}
}

func TestClientSecret(t *testing.T) {
	p := newProvider()
	s, err := p.CreatePaymentSession(t.Context(), pendingOrder())
	if err != nil {
		t.Fatal(err)
	}
	orderID, sessionID, err := p.VerifySecret(s.ClientSecret)
	if err != nil || orderID != "ord_a" || sessionID != s.ID {
		t.Fatalf("VerifySecret = %q %q %v", orderID, sessionID, err)
	}
	other := sandbox.New([]byte("another key, also 32 bytes long!"), time.Now)
	forged, _ := other.CreatePaymentSession(t.Context(), pendingOrder())
	for name, secret := range map[string]string{
		"empty": "", "garbage": "a.b.c", "other key": forged.ClientSecret, "other order": s.ID + ".ord_b." + s.ClientSecret[len(s.ID)+7:],
	} {
		if _, _, err := p.VerifySecret(secret); buycard.ErrorCode(err) != buycard.EUNAUTHORIZED {
			t.Errorf("%s: err = %v, want unauthorized", name, err)
		}
	}
}

func TestCharge(t *testing.T) {
	tests := []struct {
		name, card  string
		status      buycard.OrderStatus
		wantType    buycard.PaymentEventType
		wantCode    string
		wantMessage string
	}{
		{"succeeds", "4242 4242 4242 4242", buycard.OrderPending, buycard.PaymentSucceeded, "", ""},
		{"dashes", "4242-4242-4242-4242", buycard.OrderPending, buycard.PaymentSucceeded, "", ""},
		{"declined", "4000000000000002", buycard.OrderPending, buycard.PaymentFailed, "", ""},
		{"not a test card", "4111 1111 1111 1111", buycard.OrderPending, "", buycard.EINVALID, "Use a test card: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined."},
		{"already paid", "4242424242424242", buycard.OrderPaid, "", buycard.ECONFLICT, "This order is paid and cannot be paid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := pendingOrder()
			o.Status = tt.status
			e, err := newProvider().Charge(o, tt.card)
			if code := buycard.ErrorCode(err); code != tt.wantCode || buycard.ErrorMessage(err) != tt.wantMessage {
				t.Fatalf("err = %v, want %s %q", err, tt.wantCode, tt.wantMessage)
			}
			if err != nil {
				return
			}
			if e.Type != tt.wantType || e.SessionID != "sbx_cs_a" || e.Provider != "sandbox" || e.ID == "" || !e.OccurredAt.Equal(now) {
				t.Errorf("event = %+v", e)
			}
			if tt.wantType == buycard.PaymentSucceeded && e.Amount != o.Total {
				t.Errorf("amount = %v, want the order total", e.Amount)
			}
			if tt.wantType == buycard.PaymentFailed && e.Message != sandbox.DeclineMessage {
				t.Errorf("message = %q", e.Message)
			}
		})
	}
}

func TestExpireIsStableForReplays(t *testing.T) {
	p := newProvider()
	if a, b := p.Expire(pendingOrder()), p.Expire(pendingOrder()); a.ID != b.ID || a.Type != buycard.SessionExpired {
		t.Errorf("expiry events %q and %q: want one id per session, so a replay is de-duplicated", a.ID, b.ID)
	}
}

func TestFee(t *testing.T) {
	for _, tt := range []struct {
		in   buycard.Money
		want int64
	}{
		{buycard.Money{Amount: 2400, Currency: "USD"}, 70},   // 69.6
		{buycard.Money{Amount: 1999, Currency: "USD"}, 58},   // 57.971
		{buycard.Money{Amount: 4800, Currency: "JPY"}, 139},  // 139.2
		{buycard.Money{Amount: 12500, Currency: "KWD"}, 360}, // 362.5 → steps of 10: 36.25 → 36
		{buycard.Money{Amount: 12700, Currency: "KWD"}, 370}, // 368.3 → 36.83 → 37
	} {
		if got := sandbox.Fee(tt.in); got.Amount != tt.want || got.Currency != tt.in.Currency {
			t.Errorf("Fee(%v) = %v, want %d", tt.in, got, tt.want)
		}
	}
}
