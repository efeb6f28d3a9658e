package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// phishingTitle is the product title of issue 12's first finding: a
// merchant (sign-up is open) closes the attribute go-app wrote the title
// into and adds a meta refresh, so that the shopper's overlay would move to
// a fake card form on another site.
const phishingTitle = `Nice mug"><meta http-equiv=refresh content=0;url=https://evil.example/><x y=`

// TestHostileTitleCannotMoveTheOverlay is that merchant's afternoon: it
// signs up, lists the mug with that title and embeds it. A shopper taps
// Buy: the overlay shows the title as text and stays on Buycard's
// checkout, through the prerendered page and the WASM taking over; the
// popup checkout carries no meta refresh either.
func TestHostileTitleCannotMoveTheOverlay(t *testing.T) {
	t.Parallel()
	merchant := signUpByAPI(t, "merchant", "Mug Phishers")
	merchant.post(t, "/v1/payment-account/onboarding", map[string]any{"country": "US"}, nil)
	var product struct{ ID string }
	merchant.post(t, "/v1/products", map[string]any{
		"title": phishingTitle, "description": phishingTitle, "currency": "USD",
		"variants": []map[string]any{{"name": "Blue", "price": 1500, "stock": 10}},
	}, &product)
	var widget struct{ ID string }
	merchant.post(t, "/v1/widgets", map[string]any{"product_id": product.ID}, &widget)

	tb := newTab(t)
	tb.do(navigate(publisherPage(t, `<div data-buycard="`+widget.ID+`"></div>`)))
	tb.renderedCards(1)
	frame := tb.buy(widget.ID)
	appReady(t, frame)
	if got := text(t, frame, "#bc-title"); got != phishingTitle {
		t.Errorf("overlay title = %q, want the merchant's text as it is", got)
	}
	if got := eval[string](t, frame, `location.origin + location.pathname`); got != h.host+"/checkout/"+widget.ID {
		t.Errorf("overlay moved to %s", got)
	}
	if eval[bool](t, frame, `!!document.querySelector('meta[http-equiv]')`) {
		t.Error("the overlay's page has a meta http-equiv element")
	}

	popup := newTab(t)
	popup.do(navigate(h.host + "/checkout/" + widget.ID + "/popup?wasm=false&t=" + url.QueryEscape(cardToken(t, widget.ID))))
	waitFor(t, popup.ctx, `document.readyState === 'complete' && !!document.querySelector('#bc-title')`)
	if eval[bool](t, popup.ctx, `!!document.querySelector('meta[http-equiv]')`) {
		t.Error("the popup's page has a meta http-equiv element")
	}
	if got := eval[string](t, popup.ctx, `document.title`); got != phishingTitle+" · Checkout" {
		t.Errorf("popup title = %q", got)
	}
	tb.noErrors()
}

// apiUser is an account driving the JSON API the way the console does:
// its session cookie and CSRF token.
type apiUser struct {
	client *http.Client
	csrf   string
}

// signUpByAPI makes an account of role (merchant or publisher) and signs
// it in, as a person does: the sign-up, then the link it emails.
func signUpByAPI(t *testing.T, role, name string) *apiUser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("%s-api-%d@example.com", role, userSeq.Add(1))
	signup := &apiUser{client: &http.Client{}}
	signup.post(t, "/v1/auth/signup", map[string]any{"email": email, "password": consolePassword, "role": role, "name": name}, nil)
	link := emailedLink(t, h.main, email, "/console/verify#token=")
	u := &apiUser{client: &http.Client{Jar: jar}}
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	u.post(t, "/v1/auth/verify", map[string]any{"token": link[strings.Index(link, "=")+1:]}, &me)
	u.csrf = me.CSRFToken
	return u
}

// post sends body as JSON to path and decodes a 2xx reply into reply.
func (u *apiUser) post(t *testing.T, path string, body, reply any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, h.host+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", u.csrf)
	resp, err := u.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil && resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST %s = %d, reply not JSON: %v", path, resp.StatusCode, err)
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s = %d: %s", path, resp.StatusCode, raw)
	}
	if reply != nil {
		if err := json.Unmarshal(raw, reply); err != nil {
			t.Fatalf("POST %s: %v in %s", path, err, raw)
		}
	}
}

// cardToken is a widget's placement token, as the loader gets it.
func cardToken(t *testing.T, widget string) string {
	t.Helper()
	resp, err := http.Get(h.host + "/v1/cards?ids=" + widget)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cards struct {
		Cards map[string]struct{ Token string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&cards); err != nil || cards.Cards[widget].Token == "" {
		t.Fatalf("no token for %s: %v", widget, err)
	}
	return cards.Cards[widget].Token
}
