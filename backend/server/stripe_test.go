package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

const (
	testWebhookSecret = "whsec_server_tests"
	testOperatorKey   = "operator-key-of-the-server-tests"
)

// startStripeNode runs a node configured for Stripe, its API pointed at a
// stripetest fake, with the demo seeded, on SQLite.
func startStripeNode(t *testing.T) (*Main, *stripetest.Server) {
	t.Helper()
	return startStripeNodeOn(t, "")
}

// startStripeNodeOn is startStripeNode on the database of databaseURL
// (BUYCARD_DATABASE_URL), or a fresh SQLite file when it is "".
func startStripeNodeOn(t testing.TB, databaseURL string, extraEnv ...map[string]string) (*Main, *stripetest.Server) {
	t.Helper()
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "app.wasm"), []byte("\x00asm"), 0o644)
	os.WriteFile(filepath.Join(dir, "console.wasm"), []byte("\x00asm"), 0o644)
	if databaseURL == "" {
		databaseURL = "sqlite:" + filepath.Join(dir, "t.db")
	}
	env := map[string]string{
		"BUYCARD_ADDR": "127.0.0.1:0", "BUYCARD_WEB_DIR": dir,
		"BUYCARD_DATABASE_URL": databaseURL,
		"STRIPE_SECRET_KEY":    "sk_test_server", "STRIPE_PUBLISHABLE_KEY": "pk_test_server",
		"STRIPE_WEBHOOK_SECRET": testWebhookSecret, "STRIPE_API_URL": fake.URL,
		"BUYCARD_OPERATOR_KEY": testOperatorKey,
	}
	for _, extra := range extraEnv {
		maps.Copy(env, extra)
	}
	m, err := NewMain(func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	m.Config.Jobs = JobTiming{Poll: 50 * time.Millisecond, WebhookBackoff: func(int) time.Duration { return 10 * time.Millisecond }}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, fake
}

// post sends a JSON or raw body to the node and decodes the JSON reply.
func post(t *testing.T, m *Main, path string, body []byte, header map[string]string, reply any) int {
	t.Helper()
	status, b := postRaw(t, m, path, body, header)
	if reply != nil && json.Unmarshal(b, reply) != nil {
		t.Fatalf("%s: %d %s", path, status, b)
	}
	return status
}

// postRaw sends a JSON or raw body to the node and returns the status and
// the body of the reply.
func postRaw(t *testing.T, m *Main, path string, body []byte, header map[string]string) (int, []byte) {
	t.Helper()
	return send(t, m, "POST", path, body, header)
}

// send sends method path with a JSON body and header to the node and
// returns the answer's status and body.
func send(t *testing.T, m *Main, method, path string, body []byte, header map[string]string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, m.Config.PublicURL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// checkoutNotebook starts a checkout of one demo notebook through the
// Daily Scroll's placement.
func checkoutNotebook(t *testing.T, m *Main, reply any) int {
	t.Helper()
	return checkout(t, m, "wgt_notebook:plc_feednotebook", nil, reply)
}

// checkout starts a checkout of one unit of the card id names ("wgt_…"
// or "wgt_…:plc_…"), its first variant, bought by Ann Lee, with the
// request's other fields from details.
func checkout(t *testing.T, m *Main, id string, details map[string]any, reply any) int {
	t.Helper()
	resp, err := http.Get(m.Config.PublicURL + "/v1/cards?ids=" + id)
	if err != nil {
		t.Fatal(err)
	}
	var cards struct {
		Cards map[string]struct{ Token string }
	}
	json.NewDecoder(resp.Body).Decode(&cards)
	resp.Body.Close()
	widget, _, _ := strings.Cut(id, ":")
	card, err := m.DB.FindCard(t.Context(), widget)
	if err != nil {
		t.Fatal(err)
	}
	req := map[string]any{
		"token": cards.Cards[id].Token, "variant_id": card.Product.Variants[0].ID, "quantity": 1,
		"buyer": map[string]string{"email": "ann@example.com", "name": "Ann Lee"},
	}
	maps.Copy(req, details)
	body, _ := json.Marshal(req)
	return post(t, m, "/v1/checkout", body, nil, reply)
}

// TestStripeNode runs a sale through a node configured for Stripe: the
// checkout opens a Checkout Session at (fake) Stripe for the merchant's
// connected account, and the signed webhook pays the order and writes its
// sale journal.
func TestStripeNode(t *testing.T) {
	t.Parallel()
	m, fake := startStripeNode(t)
	ctx := t.Context()
	card, _ := m.DB.FindCard(ctx, "wgt_notebook")

	// The merchant has no connected account yet: no sale, no call to Stripe.
	var refused struct{ Error struct{ Code string } }
	if status := checkoutNotebook(t, m, &refused); status != http.StatusConflict || fake.Requests() != 0 {
		t.Fatalf("checkout without an account = %d %+v, %d Stripe requests; want 409 and none", status, refused, fake.Requests())
	}

	err := m.DB.LinkPaymentAccount(ctx, &buycard.PaymentAccount{
		ID: "acct_northwind", PartyKind: buycard.PartyMerchant, PartyID: card.Merchant.ID, ChargesEnabled: true, PayoutsEnabled: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var started struct {
		Order   buycard.Order
		Payment struct {
			Provider       string
			SessionID      string `json:"session_id"`
			ClientSecret   string `json:"client_secret"`
			PublishableKey string `json:"publishable_key"`
		}
	}
	if status := checkoutNotebook(t, m, &started); status != http.StatusCreated {
		t.Fatalf("checkout = %d", status)
	}
	p := started.Payment
	if p.Provider != "stripe" || p.PublishableKey != "pk_test_server" || !strings.HasPrefix(p.ClientSecret, p.SessionID) {
		t.Fatalf("payment = %+v", p)
	}
	sessions := fake.Created("/v1/checkout/sessions")
	if len(sessions) != 1 || sessions[0].Get("payment_intent_data[transfer_data][destination]") != "acct_northwind" ||
		sessions[0].Get("client_reference_id") != started.Order.ID || sessions[0].Get("ui_mode") != "embedded" {
		t.Fatalf("sessions created at Stripe: %v", sessions)
	}

	payload := []byte(fmt.Sprintf(`{"id":"evt_server_paid","object":"event","api_version":"2023-10-16","created":%d,"livemode":false,
		"type":"checkout.session.completed","data":{"object":{"id":%q,"object":"checkout.session","mode":"payment","status":"complete",
		"payment_status":"paid","amount_total":%d,"currency":"usd","client_reference_id":%q,"payment_intent":"pi_server",
		"metadata":{"order_id":%q}}}}`, time.Now().Unix(), p.SessionID, started.Order.Total.Amount, started.Order.ID, started.Order.ID))
	header := map[string]string{"Stripe-Signature": stripetest.Sign(payload, testWebhookSecret, time.Now())}
	if status := post(t, m, "/v1/stripe/webhook", payload, header, nil); status != http.StatusOK {
		t.Fatalf("webhook = %d", status)
	}
	o, err := m.DB.FindOrder(ctx, started.Order.ID)
	if err != nil || o.Status != buycard.OrderPaid {
		t.Fatalf("order after the webhook: %+v, %v", o, err)
	}
	journals, err := m.DB.OrderJournals(ctx, o.ID)
	if err != nil || len(journals) != 1 || journals[0].Key != "sale:"+o.ID {
		t.Fatalf("journals = %+v, %v; want the sale", journals, err)
	}
	header["Stripe-Signature"] = stripetest.Sign(payload, "whsec_someone_else", time.Now())
	if status := post(t, m, "/v1/stripe/webhook", payload, header, nil); status != http.StatusUnauthorized {
		t.Errorf("webhook signed with another secret = %d, want 401", status)
	}

	// The operator refunds part of it at Stripe; a retry refunds once.
	refund := map[string]string{"Authorization": "Bearer " + testOperatorKey, "Idempotency-Key": "refund-1"}
	for range 2 {
		var refunded struct{ Order buycard.Order }
		status := post(t, m, "/v1/ledger/orders/"+o.ID+"/refunds", []byte(`{"amount":600}`), refund, &refunded)
		if status != http.StatusCreated || refunded.Order.Refunded != 600 {
			t.Fatalf("refund = %d %+v", status, refunded.Order)
		}
	}
	refunds := fake.Created("/v1/refunds")
	if len(refunds) != 1 || refunds[0].Get("payment_intent") != "pi_server" ||
		refunds[0].Get("refund_application_fee") != "true" || refunds[0].Get("reverse_transfer") != "true" {
		t.Fatalf("refunds at Stripe: %v", refunds)
	}
	if journals, _ := m.DB.OrderJournals(ctx, o.ID); len(journals) != 2 || journals[1].Kind != "refund" {
		t.Errorf("journals after the refund: %+v", journals)
	}
}

// paidStripeOrder checks out one notebook on a Stripe node and pays it by
// webhook with payment intent pi, returning the order.
func paidStripeOrder(t *testing.T, m *Main, pi string) buycard.Order {
	t.Helper()
	o, session := stripeCheckout(t, m)
	payStripeOrder(t, m, o, session, pi)
	return o
}

// payStripeOrder delivers the signed webhook of session's payment, pi,
// of o's total.
func payStripeOrder(t *testing.T, m *Main, o buycard.Order, session, pi string) {
	t.Helper()
	deliver(t, m, fmt.Sprintf(`{"id":"evt_paid_%s","object":"event","api_version":"2023-10-16","created":%d,"livemode":false,
		"type":"checkout.session.completed","data":{"object":{"id":%q,"object":"checkout.session","mode":"payment","status":"complete",
		"payment_status":"paid","amount_total":%d,"currency":"usd","client_reference_id":%q,"payment_intent":%q}}}`,
		pi, time.Now().Unix(), session, o.Total.Amount, o.ID, pi))
}

// stripeCheckout checks out one notebook on a Stripe node and returns the
// pending order and its Checkout Session's id.
func stripeCheckout(t *testing.T, m *Main) (buycard.Order, string) {
	t.Helper()
	var started struct {
		Order   buycard.Order
		Payment struct {
			SessionID string `json:"session_id"`
		}
	}
	if status := checkoutNotebook(t, m, &started); status != http.StatusCreated {
		t.Fatalf("checkout = %d", status)
	}
	return started.Order, started.Payment.SessionID
}

// deliver posts a signed webhook event and wants it accepted.
func deliver(t *testing.T, m *Main, payload string) {
	t.Helper()
	header := map[string]string{"Stripe-Signature": stripetest.Sign([]byte(payload), testWebhookSecret, time.Now())}
	if status := post(t, m, "/v1/stripe/webhook", []byte(payload), header, nil); status != http.StatusOK {
		t.Fatalf("webhook = %d", status)
	}
}
