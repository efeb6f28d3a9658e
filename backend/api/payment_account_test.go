package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
)

// onboardingFake records the onboardings it starts.
type onboardingFake struct {
	stripeStub
	started []string
}

func (f *onboardingFake) Start(_ context.Context, kind, id, country, email string) (*buycard.OnboardingLink, error) {
	f.started = append(f.started, kind+":"+id+":"+country+":"+email)
	return &buycard.OnboardingLink{AccountID: "acct_" + id, URL: "https://connect.stripe.com/setup/e/" + id}, nil
}

func TestOwnOnboarding(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	fake := &onboardingFake{}
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams = auth.TestParams
		db := svc.Catalog
		svc.Auth, svc.Accounts = db.(buycard.AuthService), db.(buycard.AccountService)
		svc.StripeOnboarding = fake
	})
	mer, _ := signup(t, ts, "ann@example.com", "merchant")
	pubKey := partyKey(t, ts, buycard.PartyPublisher, demoPublisher)
	merKey := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
	must(t, ts.db.LinkPaymentAccount(t.Context(), &buycard.PaymentAccount{ID: "acct_nw", PartyKind: buycard.PartyMerchant, PartyID: demoMerchant,
		ChargesEnabled: true, UpdatedAt: ts.now}))

	resp, body := ts.do(t, "GET", "/v1/payment-account", "", "", merKey...)
	validateResponse(t, doc, "GET", "/v1/payment-account", "/v1/payment-account", resp, body)
	if resp.StatusCode != 200 || !strings.Contains(body, `"id":"acct_nw"`) {
		t.Errorf("merchant's account = %d %s", resp.StatusCode, body)
	}
	if resp, body := ts.do(t, "GET", "/v1/payment-account", "", "", pubKey...); resp.StatusCode != 404 {
		t.Errorf("publisher without an account = %d %s", resp.StatusCode, body)
	}

	for _, tt := range []struct {
		name, body string
		headers    []string
		status     int
		started    string
	}{
		{"merchant user", "", mer.headers(), 201, "merchant:%s::ann@example.com"},
		{"publisher key with country", `{"country":"FR"}`, pubKey, 201, "publisher:pub_dailyscroll:FR:"},
		{"bad body", `{"nope":1}`, pubKey, 400, ""},
		{"no CSRF", "", []string{"Cookie", mer.cookie}, 403, ""},
		{"anonymous", "", nil, 401, ""},
	} {
		n := len(fake.started)
		ct := ""
		if tt.body != "" {
			ct = "application/json"
		}
		resp, body := ts.do(t, "POST", "/v1/payment-account/onboarding", ct, tt.body, tt.headers...)
		validateResponse(t, doc, "POST", "/v1/payment-account/onboarding", "/v1/payment-account/onboarding", resp, body)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: onboarding = %d %s, want %d", tt.name, resp.StatusCode, body, tt.status)
		}
		if tt.started == "" {
			if len(fake.started) != n {
				t.Errorf("%s: started %v", tt.name, fake.started[n:])
			}
			continue
		}
		if len(fake.started) != n+1 || !strings.HasPrefix(fake.started[n], strings.SplitN(tt.started, "%s", 2)[0]) ||
			!strings.HasSuffix(fake.started[n], strings.SplitN(tt.started, "%s", 2)[len(strings.SplitN(tt.started, "%s", 2))-1]) {
			t.Errorf("%s: started %v, want %s", tt.name, fake.started[n:], tt.started)
		}
		if !strings.Contains(body, `"url":"https://connect.stripe.com/setup/e/`) {
			t.Errorf("%s: reply %s", tt.name, body)
		}
	}
}

// TestOwnOnboardingInTheSandbox connects a new merchant without Stripe:
// its sandbox account may take charges at once, so its cards can be
// bought, and asking again answers the same account.
func TestOwnOnboardingInTheSandbox(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	ctx := t.Context()
	m := &buycard.Merchant{Name: "New Shop"}
	must(t, ts.db.CreateMerchant(ctx, m))
	key := partyKey(t, ts, buycard.PartyMerchant, m.ID)
	want := &buycard.PaymentAccount{ID: "acct_sandbox_" + m.ID, PartyKind: buycard.PartyMerchant, PartyID: m.ID, ChargesEnabled: true, PayoutsEnabled: true}
	for i, status := range []int{201, 200} {
		resp, body := ts.do(t, "POST", "/v1/payment-account/onboarding", "", "", key...)
		validateResponse(t, doc, "POST", "/v1/payment-account/onboarding", "/v1/payment-account/onboarding", resp, body)
		var got buycard.PaymentAccount
		if resp.StatusCode != status || json.Unmarshal([]byte(body), &got) != nil {
			t.Fatalf("onboarding #%d = %d %s, want %d", i+1, resp.StatusCode, body, status)
		}
		got.UpdatedAt = time.Time{}
		if got != *want {
			t.Errorf("onboarding #%d = %+v, want %+v", i+1, got, want)
		}
	}
	summaries, err := ts.db.MerchantSummaries(ctx)
	must(t, err)
	for _, s := range summaries {
		if s.ID == m.ID && s.PaymentAccount != "enabled" {
			t.Errorf("merchant's account after sandbox onboarding is %q, want enabled", s.PaymentAccount)
		}
	}
}
