package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/demo"
	"github.com/buycard/buycard/backend/stripeconnect"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

// connectTest is the test server with Stripe onboarding on, against a
// stripetest fake.
type connectTest struct {
	*testServer
	fake *stripetest.Server
}

func newConnectTest(t *testing.T) *connectTest {
	t.Helper()
	ct := &connectTest{fake: stripetest.NewServer()}
	t.Cleanup(ct.fake.Close)
	ct.testServer = newTestServerWith(t, func(_ *api.Config, svc *api.Services) {
		provider, err := stripeconnect.New(stripeconnect.Config{
			SecretKey: "sk_test_api_tests", APIURL: ct.fake.URL, BaseURL: publicURL, MaxRetries: -1,
			MerchantAccount: func(context.Context, string) (string, bool, error) { return "", false, nil },
			Now:             func() time.Time { return ct.now },
		})
		if err != nil {
			t.Fatal(err)
		}
		svc.StripeOnboarding = &stripeconnect.Onboarding{Provider: provider, Accounts: svc.Orders.(buycard.AccountService), Tokens: svc.Tokens}
	})
	return ct
}

// operator sends a request with the operator key.
func (ct *connectTest) operator(t *testing.T, method, path, body string) (*http.Response, string) {
	t.Helper()
	return ct.do(t, method, path, "application/json", body, "Authorization", "Bearer "+operatorKey)
}

// onboard starts the demo merchant's onboarding and returns its link.
func (ct *connectTest) onboard(t *testing.T) buycard.OnboardingLink {
	t.Helper()
	resp, body := ct.operator(t, "POST", "/v1/connect/merchants/mer_northwind/onboarding", `{"country":"US","email":"ops@northwind.example"}`)
	var l buycard.OnboardingLink
	if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &l) != nil {
		t.Fatalf("onboarding = %d %s", resp.StatusCode, body)
	}
	return l
}

// wantCard checks what the demo notebook card of the merchant shows.
func (ct *connectTest) wantCard(t *testing.T, want buycard.Availability) {
	t.Helper()
	if card, err := ct.db.FindCard(t.Context(), "wgt_notebook"); err != nil || card.Availability() != want {
		t.Errorf("card = %+v, %v; want %s", card, err, want)
	}
}

// paths are the refresh and return paths of a link, with its token.
func paths(t *testing.T, l buycard.OnboardingLink) (refresh, ret string) {
	t.Helper()
	u, err := url.Parse(l.ResumeURL)
	if err != nil || u.Path != "/connect/refresh" {
		t.Fatalf("resume URL %q", l.ResumeURL)
	}
	return u.RequestURI(), "/connect/return?" + u.RawQuery
}

// TestConnectOperatorAPI runs the operator routes: auth, bad input, a
// start that creates the account, one that reuses it, and the account
// read back.
func TestConnectOperatorAPI(t *testing.T) {
	t.Parallel()
	ct := newConnectTest(t)
	const onboarding = "/v1/connect/merchants/mer_northwind/onboarding"
	tests := []struct {
		name, method, path, body string
		noAuth                   bool
		wantStatus               int
		wantCode                 string
	}{
		{"no operator key", "POST", onboarding, `{"country":"US"}`, true, 401, buycard.EUNAUTHORIZED},
		{"not a party", "POST", "/v1/connect/shoppers/x/onboarding", `{"country":"US"}`, false, 404, buycard.ENOTFOUND},
		{"unknown field", "POST", onboarding, `{"country":"US","iban":"x"}`, false, 400, buycard.EINVALID},
		{"bad email", "POST", onboarding, `{"country":"US","email":"nope"}`, false, 400, buycard.EINVALID},
		{"bad country", "POST", onboarding, `{"country":"USA"}`, false, 400, buycard.EINVALID},
		{"no account yet", "GET", "/v1/connect/merchants/mer_northwind", "", false, 404, buycard.ENOTFOUND},
		{"read without key", "GET", "/v1/connect/merchants/mer_northwind", "", true, 401, buycard.EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			var body string
			if tt.noAuth {
				resp, body = ct.do(t, tt.method, tt.path, "application/json", tt.body)
			} else {
				resp, body = ct.operator(t, tt.method, tt.path, tt.body)
			}
			var e struct{ Error struct{ Code string } }
			json.Unmarshal([]byte(body), &e)
			if resp.StatusCode != tt.wantStatus || e.Error.Code != tt.wantCode {
				t.Errorf("%s %s = %d %s, want %d %s", tt.method, tt.path, resp.StatusCode, body, tt.wantStatus, tt.wantCode)
			}
		})
	}
	if n := ct.fake.Requests(); n != 0 {
		t.Fatalf("%d Stripe requests for refused input, want none", n)
	}

	l := ct.onboard(t)
	if !strings.HasPrefix(l.AccountID, "acct_") || !strings.HasPrefix(l.URL, "https://connect.stripe.com/") || l.ExpiresAt.IsZero() ||
		!strings.HasPrefix(l.ResumeURL, publicURL+"/connect/refresh?t=") {
		t.Fatalf("link = %+v", l)
	}
	if again := ct.onboard(t); again.AccountID != l.AccountID || again.URL == l.URL {
		t.Errorf("second start = %+v, want a new link to %s", again, l.AccountID)
	}
	if n := len(ct.fake.Created("/v1/accounts")); n != 1 {
		t.Errorf("%d accounts created, want 1", n)
	}
	resp, body := ct.operator(t, "GET", "/v1/connect/merchants/mer_northwind", "")
	var a buycard.PaymentAccount
	if json.Unmarshal([]byte(body), &a); resp.StatusCode != 200 || a.ID != l.AccountID || a.ChargesEnabled || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("account = %d %s", resp.StatusCode, body)
	}
	ct.wantCard(t, buycard.Unavailable)
}

// TestConnectRefreshAndReturn follows the user back from Stripe: a used
// link re-minted, the return page before and after Stripe enables the
// account.
func TestConnectRefreshAndReturn(t *testing.T) {
	t.Parallel()
	ct := newConnectTest(t)
	l := ct.onboard(t)
	refresh, ret := paths(t, l)

	resp, _ := ct.do(t, "GET", refresh, "", "")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc == l.URL ||
		!strings.HasPrefix(loc, "https://connect.stripe.com/setup/e/"+l.AccountID+"/") {
		t.Fatalf("refresh = %d, Location %q (first link %q)", resp.StatusCode, loc, l.URL)
	}
	if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("refresh headers = %v", resp.Header)
	}

	ct.now = ct.now.Add(time.Second)
	resp, body := ct.do(t, "GET", ret, "", "")
	if resp.StatusCode != 200 || !strings.Contains(body, "not ready yet") || !strings.Contains(body, "Payments: not enabled yet") ||
		!strings.Contains(body, `<a class="bc-buy" href="`+strings.ReplaceAll(refresh, "&", "&amp;")+`">Continue onboarding</a>`) {
		t.Fatalf("return before onboarding = %d %s", resp.StatusCode, body)
	}
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") || strings.Contains(body, "<script") {
		t.Errorf("the return page loads or links outside the server: %s", body)
	}

	ct.fake.UpdateAccount(l.AccountID, true, true)
	ct.now = ct.now.Add(time.Second)
	resp, body = ct.do(t, "GET", ret, "", "")
	if resp.StatusCode != 200 || !strings.Contains(body, "Your Stripe account is ready") || !strings.Contains(body, "Payouts: enabled") ||
		!strings.Contains(body, "your cards can be bought") || strings.Contains(body, "Continue onboarding") {
		t.Fatalf("return after onboarding = %d %s", resp.StatusCode, body)
	}
	a, err := ct.db.FindPaymentAccount(t.Context(), buycard.PartyMerchant, "mer_northwind")
	if err != nil || !a.ChargesEnabled || !a.PayoutsEnabled {
		t.Errorf("stored account = %+v, %v", a, err)
	}
	ct.wantCard(t, buycard.Buyable)
}

// TestConnectBadToken: refresh and return with a token that is not a
// valid onboarding token answer 401, ask nothing of Stripe and write
// nothing.
func TestConnectBadToken(t *testing.T) {
	t.Parallel()
	ct := newConnectTest(t)
	l := ct.onboard(t)
	refresh, _ := paths(t, l)
	ct.fake.UpdateAccount(l.AccountID, true, true)
	good := strings.TrimPrefix(refresh, "/connect/refresh?t=")
	expired := ct.tokens.SignOnboarding(buycard.OnboardingClaims{
		PartyKind: buycard.PartyMerchant, PartyID: "mer_northwind", AccountID: l.AccountID, ExpiresAt: ct.now,
	})
	tokens := map[string]struct{ token, message string }{
		"none":     {"", "This onboarding link is not valid."},
		"tampered": {good[:len(good)-4] + "AAAA", "This onboarding link is not valid."},
		"order":    {ct.tokens.SignOrder(buycard.OrderClaims{OrderID: "ord_x", ExpiresAt: ct.now.Add(time.Hour)}), "This onboarding link is not valid."},
		"expired":  {expired, "This onboarding link has expired. Ask the platform for a new one."},
	}
	requests := ct.fake.Requests()
	ct.now = ct.now.Add(time.Second)
	for name, tt := range tokens {
		for _, path := range []string{"/connect/refresh", "/connect/return"} {
			resp, body := ct.do(t, "GET", path+"?t="+url.QueryEscape(tt.token), "", "")
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, tt.message) || resp.Header.Get("Location") != "" {
				t.Errorf("%s %s = %d %s", name, path, resp.StatusCode, body)
			}
		}
	}
	if n := ct.fake.Requests(); n != requests {
		t.Errorf("%d Stripe requests for bad tokens, want none", n-requests)
	}
	if a, _ := ct.db.FindPaymentAccount(t.Context(), buycard.PartyMerchant, "mer_northwind"); a.ChargesEnabled {
		t.Errorf("account = %+v, want unchanged", a)
	}
}

// TestConnectOffWithoutStripe: the sandbox has no onboarding routes.
func TestConnectOffWithoutStripe(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, path := range []string{"/v1/connect/publishers/" + demo.PublisherID, "/connect/return?t=x", "/connect/refresh?t=x"} {
		if resp, body := ts.do(t, "GET", path, "", "", "Authorization", "Bearer "+operatorKey); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s in the sandbox = %d %s, want 404", path, resp.StatusCode, body)
		}
	}
}
