package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
)

type checkoutReply struct {
	Order      buycard.Order
	OrderToken string `json:"order_token"`
	Payment    struct {
		Provider     string
		SessionID    string `json:"session_id"`
		ClientSecret string `json:"client_secret"`
	}
}

// testBuyer is the buyer test checkouts name: every checkout needs one.
var testBuyer = map[string]string{"email": "ann@example.com", "name": "Ann Lee"}

func (ts *testServer) checkout(t *testing.T, ref string, variant, quantity int) checkoutReply {
	t.Helper()
	widgetID, _, _ := strings.Cut(ref, ":")
	resp, body := ts.do(t, "POST", "/v1/checkout", "application/json", jsonBody(map[string]any{
		"token": ts.cardToken(t, ref), "variant_id": ts.variantID(t, widgetID, variant), "quantity": quantity, "buyer": testBuyer,
	}))
	if resp.StatusCode != 201 {
		t.Fatalf("checkout = %d %s", resp.StatusCode, body)
	}
	var r checkoutReply
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCheckoutCreatesOrderAtStorePrice(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	before := ts.stock(t, "wgt_notebook", 0)
	r := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 2)
	o := r.Order
	if o.Status != buycard.OrderPending || o.Total != (buycard.Money{Amount: 4800, Currency: "USD"}) || o.Quantity != 2 {
		t.Errorf("order = %+v", o)
	}
	if o.PublisherID != demoPublisher || o.PlacementID != "plc_feednotebook" {
		t.Errorf("attribution = %s/%s", o.PublisherID, o.PlacementID)
	}
	if r.Payment.Provider != "sandbox" || r.Payment.ClientSecret == "" || r.OrderToken == "" {
		t.Errorf("payment = %+v token %q", r.Payment, r.OrderToken)
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != before-2 {
		t.Errorf("stock = %d, want %d reserved", got, before-2)
	}
}

const demoPublisher = "pub_dailyscroll"

func TestCheckoutBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	token := ts.cardToken(t, "wgt_notebook")
	variant := ts.variantID(t, "wgt_notebook", 0)
	expired, _ := ts.tokens.VerifyPlacement(token, ts.now)
	expired.ExpiresAt = ts.now.Add(-time.Second)
	teeVariant := ts.variantID(t, "wgt_tee", 0)
	body := func(token, variant string, qty any) string {
		return jsonBody(map[string]any{"token": token, "variant_id": variant, "quantity": qty, "buyer": testBuyer})
	}
	tests := []struct {
		name, contentType, body string
		status                  int
		code, message           string
	}{
		{"wrong content type", "text/plain", body(token, variant, 1), 415, "invalid", "Send the body as application/json."},
		{"form content type", "application/x-www-form-urlencoded", "token=x", 415, "invalid", "Send the body as application/json."},
		{"malformed json", "application/json", `{"token":`, 400, "invalid", "The request body is not valid JSON."},
		{"empty body", "application/json", ``, 400, "invalid", "The request body is empty."},
		{"two objects", "application/json", body(token, variant, 1) + "{}", 400, "invalid", "The request body must hold one JSON object."},
		{"unknown field (a client amount)", "application/json", `{"token":"` + token + `","variant_id":"` + variant + `","quantity":1,"amount":1}`, 400, "invalid", `The request body is not acceptable: unknown field "amount".`},
		{"quantity as string", "application/json", body(token, variant, "1"), 400, "invalid", `Field "quantity" has the wrong type.`},
		{"quantity fraction", "application/json", body(token, variant, 1.5), 400, "invalid", `Field "quantity" has the wrong type.`},
		{"zero quantity", "application/json", body(token, variant, 0), 400, "invalid", "Quantity must be at least 1."},
		{"negative quantity", "application/json", body(token, variant, -1), 400, "invalid", "Quantity must be at least 1."},
		{"huge quantity", "application/json", body(token, variant, 1<<40), 400, "invalid", "You can buy at most 5 at a time."},
		{"quantity overflow", "application/json", `{"token":"` + token + `","variant_id":"` + variant + `","quantity":1e30}`, 400, "invalid", `Field "quantity" has the wrong type.`},
		{"unknown variant", "application/json", body(token, "var_nope", 1), 400, "invalid", "Choose one of the listed options."},
		{"variant of another product", "application/json", body(token, teeVariant, 1), 400, "invalid", "Choose one of the listed options."},
		{"tampered token", "application/json", body(token[:len(token)-3]+"abc", variant, 1), 401, "unauthorized", "The checkout token is not valid."},
		{"no token", "application/json", body("", variant, 1), 401, "unauthorized", "The checkout token is not valid."},
		{"expired token", "application/json", body(ts.tokens.SignPlacement(expired), variant, 1), 401, "unauthorized", "This checkout link has expired. Reload the page and try again."},
	}
	before := ts.stock(t, "wgt_notebook", 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, got := ts.do(t, "POST", "/v1/checkout", tt.contentType, tt.body)
			wantError(t, resp, got, tt.status, tt.code, tt.message)
		})
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != before {
		t.Errorf("stock moved from %d to %d after rejected checkouts", before, got)
	}
}

func TestCheckoutNotBuyable(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct{ widget, message string }{
		{"wgt_print", "Sold out."},
		{"wgt_mug", "This merchant cannot take payments right now."},
	}
	for _, tt := range tests {
		t.Run(tt.widget, func(t *testing.T) {
			resp, body := ts.do(t, "POST", "/v1/checkout", "application/json", jsonBody(map[string]any{
				"token": ts.cardToken(t, tt.widget), "variant_id": ts.variantID(t, tt.widget, 0), "quantity": 1, "buyer": testBuyer,
			}))
			wantError(t, resp, body, 409, "conflict", tt.message)
		})
	}
}

func TestSandboxPayment(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	r := ts.checkout(t, "wgt_notebook", 0, 1)
	pay := func(secret, card string) (int, string) {
		resp, body := ts.do(t, "POST", "/v1/sandbox/pay", "application/json",
			jsonBody(map[string]string{"client_secret": secret, "card_number": card}))
		return resp.StatusCode, body
	}
	receipt := func(token string) buycard.Order {
		_, body := ts.do(t, "GET", "/v1/orders/"+r.Order.ID, "", "", "Authorization", "Bearer "+token)
		var got struct{ Order buycard.Order }
		json.Unmarshal([]byte(body), &got)
		return got.Order
	}

	if status, body := pay(r.Payment.ClientSecret, "4000 0000 0000 0002"); status != 402 || !strings.Contains(body, "Your card was declined. Try another card.") {
		t.Fatalf("declined card = %d %s", status, body)
	}
	if o := receipt(r.OrderToken); o.Status != buycard.OrderPending || o.PaymentError == "" {
		t.Errorf("after decline: %+v", o)
	}
	if status, body := pay(r.Payment.ClientSecret, "1234"); status != 400 || !strings.Contains(body, "Use a test card") {
		t.Errorf("non-test card = %d %s", status, body)
	}
	// In the shopper's language (lang), with the same status.
	for card, want := range map[string]string{"4000 0000 0000 0002": "Ihre Karte wurde abgelehnt.", "1234": "Verwenden Sie eine Testkarte"} {
		resp, body := ts.do(t, "POST", "/v1/sandbox/pay", "application/json",
			jsonBody(map[string]string{"client_secret": r.Payment.ClientSecret, "card_number": card, "lang": "de-CH"}))
		if resp.StatusCode >= 500 || resp.StatusCode < 400 || !strings.Contains(body, want) {
			t.Errorf("%s in German = %d %s", card, resp.StatusCode, body)
		}
	}
	if status, _ := pay(r.Payment.ClientSecret+"x", "4242424242424242"); status != 401 {
		t.Errorf("forged secret = %d, want 401", status)
	}
	if status, body := pay(r.Payment.ClientSecret, "4242 4242 4242 4242"); status != 200 || !strings.Contains(body, `"status":"paid"`) {
		t.Fatalf("good card = %d %s", status, body)
	}
	if o := receipt(r.OrderToken); o.Status != buycard.OrderPaid || o.Number == "" {
		t.Errorf("after payment: %+v", o)
	}
	if status, _ := pay(r.Payment.ClientSecret, "4242 4242 4242 4242"); status != 409 {
		t.Errorf("paying twice = %d, want 409", status)
	}
}

func TestGetOrderNeedsItsToken(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a := ts.checkout(t, "wgt_notebook", 0, 1)
	b := ts.checkout(t, "wgt_notebook", 0, 1)
	tests := []struct {
		name, auth    string
		status        int
		code, message string
	}{
		{"no token", "", 401, "unauthorized", "Send the order token as Authorization: Bearer …."},
		{"another order's token", "Bearer " + b.OrderToken, 403, "forbidden", "The order token is for another order."},
		{"placement token", "Bearer " + ts.cardToken(t, "wgt_notebook"), 401, "unauthorized", "The checkout token is not valid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, "GET", "/v1/orders/"+a.Order.ID, "", "", "Authorization", tt.auth)
			wantError(t, resp, body, tt.status, tt.code, tt.message)
		})
	}
}

func TestGetOffer(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	token := ts.cardToken(t, "wgt_tee")
	resp, body := ts.do(t, "GET", "/v1/offers/wgt_tee?t="+token, "", "")
	var offer buycard.Offer
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &offer) != nil {
		t.Fatalf("offer = %d %s", resp.StatusCode, body)
	}
	if offer.Title != "Daily Scroll organic tee" || len(offer.Variants) != 4 || offer.Token == "" || offer.OptionName != "Size" {
		t.Errorf("offer = %+v", offer)
	}
	resp, body = ts.do(t, "GET", "/v1/offers/wgt_notebook?t="+token, "", "")
	wantError(t, resp, body, 401, "unauthorized", "The checkout token is for another card.")
}

// refusingProvider is a provider whose sessions are all refused, as
// Stripe refuses a session when it is down or the account is restricted.
type refusingProvider struct{ fakeStripe }

func (refusingProvider) CreatePaymentSession(context.Context, *buycard.Order) (*buycard.PaymentSession, error) {
	return nil, buycard.Errorf(buycard.EPAYMENT, "The payment could not be started. Try again later.")
}

// A checkout stores its order and the order's payment session in one
// transaction, after the provider opened the session: a refused session
// leaves no order behind and holds no stock.
func TestCheckoutStoresOrderWithItsSession(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	r := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1)
	stored, err := ts.db.FindOrder(t.Context(), r.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Provider != "sandbox" || stored.ProviderSessionID != r.Payment.SessionID || stored.Total != r.Order.Total {
		t.Fatalf("stored order %s with session %q of %q, total %v; want the checkout's session %q and total %v",
			stored.ID, stored.ProviderSessionID, stored.Provider, stored.Total, r.Payment.SessionID, r.Order.Total)
	}

	refused := newTestServerWith(t, func(_ *api.Config, svc *api.Services) { svc.Payments = refusingProvider{} })
	before := refused.stock(t, "wgt_notebook", 0)
	orders := func() int {
		list, err := refused.db.ListMerchantOrders(t.Context(), buycard.OrderListQuery{MerchantID: r.Order.MerchantID, Limit: buycard.MaxOrderPage})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	ordersBefore := orders()
	resp, body := refused.do(t, "POST", "/v1/checkout", "application/json", jsonBody(map[string]any{
		"token": refused.cardToken(t, "wgt_notebook"), "variant_id": refused.variantID(t, "wgt_notebook", 0), "quantity": 1, "buyer": testBuyer,
	}))
	if resp.StatusCode != 402 || !strings.Contains(body, "The payment could not be started.") {
		t.Fatalf("checkout with a refused session = %d %s", resp.StatusCode, body)
	}
	if after := refused.stock(t, "wgt_notebook", 0); after != before {
		t.Errorf("stock %d after a refused session, want %d: an order holds it", after, before)
	}
	if n := orders() - ordersBefore; n != 0 {
		t.Errorf("%d orders stored for a refused session, want none", n)
	}
}
