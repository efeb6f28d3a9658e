package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

// TestStripeOnboardingNode onboards the demo merchant through the
// operator API of a node configured for Stripe: while its new account
// cannot take charges its card is not buyable and checkout is refused
// without a call to Stripe; once Stripe enables it, the merchant's return
// from onboarding records that and checkout opens a session on it.
func TestStripeOnboardingNode(t *testing.T) {
	t.Parallel()
	m, fake := startStripeNode(t)
	auth := map[string]string{"Authorization": "Bearer " + testOperatorKey}
	var link buycard.OnboardingLink
	status := post(t, m, "/v1/connect/merchants/mer_northwind/onboarding", []byte(`{"country":"US"}`), auth, &link)
	if status != http.StatusCreated || !strings.HasPrefix(link.ResumeURL, m.Config.PublicURL+"/connect/refresh?t=") {
		t.Fatalf("onboarding = %d %+v", status, link)
	}
	if state := cardState(t, m); state != buycard.Unavailable {
		t.Errorf("card while onboarding = %q, want unavailable", state)
	}
	requests := fake.Requests()
	var refused struct{ Error struct{ Code string } }
	if status := checkoutNotebook(t, m, &refused); status != http.StatusConflict || refused.Error.Code != buycard.ECONFLICT || fake.Requests() != requests {
		t.Fatalf("checkout = %d %+v after %d Stripe requests; want 409 and none", status, refused, fake.Requests()-requests)
	}

	fake.UpdateAccount(link.AccountID, true, true)
	resp, err := http.Get(strings.Replace(link.ResumeURL, "/connect/refresh?", "/connect/return?", 1))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Your Stripe account is ready") {
		t.Fatalf("return = %d %s", resp.StatusCode, body)
	}
	if status := checkoutNotebook(t, m, nil); status != http.StatusCreated {
		t.Fatalf("checkout once enabled = %d", status)
	}
	if s := fake.Created("/v1/checkout/sessions"); len(s) != 1 || s[0].Get("payment_intent_data[transfer_data][destination]") != link.AccountID {
		t.Errorf("sessions: %v", s)
	}
}

// cardState is the demo notebook card's state as the loader reads it.
func cardState(t *testing.T, m *Main) buycard.Availability {
	t.Helper()
	resp, err := http.Get(m.Config.PublicURL + "/v1/cards?ids=wgt_notebook")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cards struct {
		Cards map[string]struct{ State buycard.Availability }
	}
	json.NewDecoder(resp.Body).Decode(&cards)
	return cards.Cards["wgt_notebook"].State
}
