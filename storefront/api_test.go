package storefront

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/buycard/buycard"
)

// fakeAPI answers every request with one status and body, and records the
// request.
type fakeAPI struct {
	status int
	body   string
	err    error

	method, url, bearer string
	sent                []byte
}

func (f *fakeAPI) client() *apiClient {
	return &apiClient{origin: "http://h.example", send: f.send}
}

func (f *fakeAPI) send(method, url, bearer string, body []byte) (int, []byte, error) {
	f.method, f.url, f.bearer, f.sent = method, url, bearer, body
	return f.status, []byte(f.body), f.err
}

func TestAPIOffer(t *testing.T) {
	data, _ := json.Marshal(testOffer())
	api := &fakeAPI{status: 200, body: string(data)}
	o, err := api.client().offer("wgt_abc", "bc1.p+k/1")
	if err != nil {
		t.Fatal(err)
	}
	if o.Title != "Leather notebook" || len(o.Variants) != 2 {
		t.Errorf("offer = %+v", o)
	}
	if api.method != "GET" || api.url != "http://h.example/v1/offers/wgt_abc?t=bc1.p%2Bk%2F1" {
		t.Errorf("request = %s %s", api.method, api.url)
	}
}

func TestAPIStartCheckout(t *testing.T) {
	api := &fakeAPI{status: 201, body: `{"order":{"id":"ord_1","total":{"amount":7200,"currency":"USD"}},
		"order_token":"bc1.o.x","payment":{"provider":"sandbox","session_id":"ses_1","client_secret":"sec_1"}}`}
	s, err := api.client().startCheckout(CheckoutRequest{Token: "tok", VariantID: "var_a5", Quantity: 3})
	if err != nil {
		t.Fatal(err)
	}
	if s.Order.ID != "ord_1" || s.Payment.ClientSecret != "sec_1" || s.Order.Total.Amount != 7200 {
		t.Errorf("session = %+v", s)
	}
	if want := `{"token":"tok","variant_id":"var_a5","quantity":3}`; api.method != "POST" || string(api.sent) != want {
		t.Errorf("sent %s %s, want POST %s", api.method, api.sent, want)
	}
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name    string
		api     fakeAPI
		code    string
		message string
	}{
		{"declined", fakeAPI{status: 402, body: `{"error":{"code":"payment","message":"Your card was declined. Try another card."}}`},
			buycard.EPAYMENT, "Your card was declined. Try another card."},
		{"bad card", fakeAPI{status: 400, body: `{"error":{"code":"invalid","message":"Use one of the test cards."}}`},
			buycard.EINVALID, "Use one of the test cards."},
		{"internal", fakeAPI{status: 500, body: `{"error":{"code":"internal","message":"internal error"}}`},
			buycard.EINTERNAL, english[msgUnexpected]},
		{"not JSON", fakeAPI{status: 502, body: `<html>Bad gateway</html>`}, buycard.EINTERNAL, english[msgUnexpected]},
		{"garbled success", fakeAPI{status: 200, body: `{"order":`}, buycard.EINTERNAL, english[msgUnexpected]},
		{"network", fakeAPI{err: errors.New("TypeError: Failed to fetch")}, buycard.EINTERNAL, english[msgUnreachable]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.api.client().payWithTestCard(payRequest{ClientSecret: "sec", CardNumber: "4000 0000 0000 0002"})
			if code := buycard.ErrorCode(err); code != tt.code {
				t.Errorf("code = %q, want %q (%v)", code, tt.code, err)
			}
			if got := userMessage(err, "en"); got != tt.message {
				t.Errorf("message = %q, want %q", got, tt.message)
			}
		})
	}
}
