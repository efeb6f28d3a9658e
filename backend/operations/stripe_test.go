package operations

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/backend/storetest"
	"github.com/buycard/buycard/backend/stripeconnect"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

const testWebhookSecret = "whsec_operations_tests"

// webhooksOf receives Stripe's webhooks into db, as a Stripe node does.
func webhooksOf(db *sqlite.DB, provider *stripeconnect.Provider) *stripeconnect.Webhooks {
	return &stripeconnect.Webhooks{
		Secrets: []string{testWebhookSecret}, Refunds: provider,
		Orders: db, Accounts: db, Ledger: db, Logger: slog.New(slog.DiscardHandler), Now: time.Now,
	}
}

// deliver signs a webhook event and wants it accepted.
func deliver(t *testing.T, webhooks *stripeconnect.Webhooks, payload string) {
	t.Helper()
	signature := stripetest.Sign([]byte(payload), testWebhookSecret, time.Now())
	if err := webhooks.Handle(t.Context(), []byte(payload), signature); err != nil {
		t.Fatalf("webhook: %v", err)
	}
}

// stripeCall sends a request to the fake Stripe API and returns its body.
func stripeCall(t *testing.T, fake *stripetest.Server, method, path, form string) json.RawMessage {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, fake.URL+path, strings.NewReader(form))
	req.Header.Set("Authorization", "Bearer sk_test_operations")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, body)
	}
	return body
}

// deliverReversed delivers transfer.reversed for the transfer as the fake
// has it now.
func deliverReversed(t *testing.T, webhooks *stripeconnect.Webhooks, fake *stripetest.Server, transferID, eventID string) {
	t.Helper()
	object := stripeCall(t, fake, "GET", "/v1/transfers/"+transferID, "")
	deliver(t, webhooks, fmt.Sprintf(`{"id":%q,"object":"event","api_version":"2023-10-16","created":%d,"livemode":false,
		"type":"transfer.reversed","data":{"object":%s}}`, eventID, time.Now().Unix(), object))
}

// payBy delivers checkout.session.completed for the order's session, paid
// with payment intent pi, and returns the paid order.
func payBy(t *testing.T, webhooks *stripeconnect.Webhooks, db *sqlite.DB, o *buycard.Order, session, pi string) *buycard.Order {
	t.Helper()
	deliver(t, webhooks, fmt.Sprintf(`{"id":"evt_paid_%s","object":"event","api_version":"2023-10-16","created":%d,"livemode":false,
		"type":"checkout.session.completed","data":{"object":{"id":%q,"object":"checkout.session","mode":"payment","status":"complete",
		"payment_status":"paid","amount_total":%d,"currency":"usd","client_reference_id":%q,"payment_intent":%q}}}`,
		pi, time.Now().Unix(), session, o.Total.Amount, o.ID, pi))
	paid, err := db.FindOrder(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return paid
}

// refundByOperator refunds amount of the order at Stripe and applies it,
// as the operator's refund route does.
func refundByOperator(t *testing.T, db *sqlite.DB, provider *stripeconnect.Provider, o *buycard.Order, key string, amount int64) {
	t.Helper()
	e, err := provider.RefundOrder(t.Context(), o, amount, key)
	if err == nil {
		req := buycard.RefundRequest{Caller: buycard.RefundByOperator, Key: key, OrderID: o.ID, Amount: amount}
		_, err = db.ApplyRefund(t.Context(), req, e)
	}
	if err != nil {
		t.Fatalf("refund: %v", err)
	}
}

// withStripe gives w a Stripe provider on a stripetest fake, for which
// every merchant takes charges on acct_northwind.
func withStripe(t *testing.T, w *Workflows) (*stripeconnect.Provider, *stripetest.Server) {
	t.Helper()
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	provider, err := stripeconnect.New(stripeconnect.Config{
		SecretKey: "sk_test_operations", APIURL: fake.URL, BaseURL: "http://localhost:8080",
		MerchantAccount: func(context.Context, string) (string, bool, error) { return "acct_northwind", true, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Stripe = func() (StripeClient, error) { return provider, nil }
	return provider, fake
}

// stripeCheckout stores a pending order of one unit of the fixture's
// first variant with a Checkout Session at Stripe, as a checkout does, and
// returns the order and its session's id.
func stripeCheckout(t *testing.T, db *sqlite.DB, provider *stripeconnect.Provider, f storetest.Fixture) (*buycard.Order, string) {
	t.Helper()
	o, err := db.CreateOrder(t.Context(), f.NewOrder(0, 1))
	if err != nil {
		t.Fatal(err)
	}
	session, err := provider.CreatePaymentSession(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AttachPaymentSession(t.Context(), o.ID, provider.Name(), session.ID); err != nil {
		t.Fatal(err)
	}
	return o, session.ID
}
