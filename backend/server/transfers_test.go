package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
	"github.com/buycard/buycard/ledger"
)

// paidStripeOrder checks out one notebook on a Stripe node and pays it by
// webhook with payment intent pi, returning the order.
func paidStripeOrder(t *testing.T, m *Main, pi string) buycard.Order {
	t.Helper()
	o, session := stripeCheckout(t, m)
	deliver(t, m, fmt.Sprintf(`{"id":"evt_paid_%s","object":"event","api_version":"2023-10-16","created":%d,"livemode":false,
		"type":"checkout.session.completed","data":{"object":{"id":%q,"object":"checkout.session","mode":"payment","status":"complete",
		"payment_status":"paid","amount_total":%d,"currency":"usd","client_reference_id":%q,"payment_intent":%q}}}`,
		pi, time.Now().Unix(), session, o.Total.Amount, o.ID, pi))
	return o
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

// stripeCall sends a request to the fake Stripe API and returns its body.
func stripeCall(t *testing.T, fake *stripetest.Server, method, path, form string) json.RawMessage {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, fake.URL+path, strings.NewReader(form))
	req.Header.Set("Authorization", "Bearer sk_test_server")
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
func deliverReversed(t *testing.T, m *Main, fake *stripetest.Server, transferID, eventID string) {
	t.Helper()
	object := stripeCall(t, fake, "GET", "/v1/transfers/"+transferID, "")
	deliver(t, m, fmt.Sprintf(`{"id":%q,"object":"event","api_version":"2023-10-16","created":%d,"livemode":false,
		"type":"transfer.reversed","data":{"object":%s}}`, eventID, time.Now().Unix(), object))
}

func publisherBalance(t *testing.T, m *Main, publisherID string, kind ledger.AccountKind) int64 {
	t.Helper()
	b, err := m.DB.Balance(t.Context(), ledger.Account(ledger.Publisher(publisherID), kind, "USD"))
	if err != nil {
		t.Fatal(err)
	}
	return b.Amount
}

// TestTransferShares pays a released publisher share into the publisher's
// Stripe account once, however often and concurrently payouts run, and
// takes the publisher's part of a later refund back by reversal, which the
// transfer.reversed webhook then reports without posting it twice.
func TestTransferShares(t *testing.T) {
	t.Parallel()
	m, fake := startStripeNode(t)
	ctx := t.Context()
	card, _ := m.DB.FindCard(ctx, "wgt_notebook")
	link := func(id, kind, party string) {
		err := m.DB.LinkPaymentAccount(ctx, &buycard.PaymentAccount{ID: id, PartyKind: kind, PartyID: party, ChargesEnabled: true, PayoutsEnabled: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	link("acct_northwind", buycard.PartyMerchant, card.Merchant.ID)
	o := paidStripeOrder(t, m, "pi_share")
	if _, err := m.ReleaseShares(ctx, time.Now().Add(m.Config.PublisherHold+time.Hour)); err != nil {
		t.Fatal(err)
	}
	share := publisherBalance(t, m, o.PublisherID, ledger.Available)
	if share <= 0 {
		t.Fatalf("available share = %d", share)
	}

	// No publisher account yet: the share waits, and Stripe is not asked.
	run, err := m.RunStripePayouts(ctx, time.Now())
	if err != nil || len(run.Waiting) != 1 || len(run.Done) != 0 || len(fake.Created("/v1/transfers")) != 0 {
		t.Fatalf("run without an account = %+v, %v", run, err)
	}

	link("acct_daily", buycard.PartyPublisher, o.PublisherID)
	var wg sync.WaitGroup
	for range 3 { // three runs at once, as on three nodes
		wg.Go(func() {
			if _, err := m.RunStripePayouts(ctx, time.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	transfers := fake.Created("/v1/transfers")
	if len(transfers) != 1 {
		t.Fatalf("%d transfers at Stripe, want 1", len(transfers))
	}
	tr := transfers[0]
	if tr.Get("destination") != "acct_daily" || tr.Get("amount") != fmt.Sprint(share) || tr.Get("source_transaction") != stripetest.ChargeOf("pi_share") {
		t.Fatalf("transfer = %v", tr)
	}
	if paid := publisherBalance(t, m, o.PublisherID, ledger.Paid); paid != share || publisherBalance(t, m, o.PublisherID, ledger.Available) != 0 {
		t.Fatalf("paid %d, want %d and nothing available", paid, share)
	}
	// The node's schedule (BUYCARD_PAYOUT_EVERY) runs the same transfers:
	// nothing is left to pay.
	m.scheduledPayouts(ctx, time.Now())
	if n := len(fake.Created("/v1/transfers")); n != 1 {
		t.Fatalf("%d transfers after a scheduled run, want still 1", n)
	}

	// A refund of a quarter after the transfer: the publisher's part of it
	// is reversed from the transfer.
	refund := map[string]string{"Authorization": "Bearer " + testOperatorKey, "Idempotency-Key": "refund-share"}
	if status := post(t, m, "/v1/ledger/orders/"+o.ID+"/refunds", []byte(fmt.Sprintf(`{"amount":%d}`, o.Total.Amount/4)), refund, nil); status != http.StatusCreated {
		t.Fatalf("refund = %d", status)
	}
	clawback := -publisherBalance(t, m, o.PublisherID, ledger.Available)
	run, err = m.RunStripePayouts(ctx, time.Now())
	if err != nil || len(run.Done) != 1 || run.Done[0].Kind != ledger.TransferBack || run.Done[0].Amount.Amount != clawback || clawback <= 0 {
		t.Fatalf("run after the refund = %+v, %v (clawback %d)", run, err, clawback)
	}
	if publisherBalance(t, m, o.PublisherID, ledger.Available) != 0 || publisherBalance(t, m, o.PublisherID, ledger.Paid) != share-clawback {
		t.Fatal("balances after the reversal do not settle the order")
	}

	// Stripe reports the reversal: nothing is posted twice. Then someone
	// reverses 10 more in Stripe's Dashboard: its report is posted, once.
	transferID := run.Done[0].TransferID
	journals, _ := m.DB.OrderJournals(ctx, o.ID)
	deliverReversed(t, m, fake, transferID, "evt_reversed_1")
	if after, _ := m.DB.OrderJournals(ctx, o.ID); len(after) != len(journals) {
		t.Fatalf("journals %d → %d after the webhook of our own reversal", len(journals), len(after))
	}
	stripeCall(t, fake, "POST", "/v1/transfers/"+transferID+"/reversals", "amount=10")
	for _, id := range []string{"evt_reversed_2", "evt_reversed_2b"} {
		deliverReversed(t, m, fake, transferID, id)
	}
	if after, _ := m.DB.OrderJournals(ctx, o.ID); len(after) != len(journals)+1 {
		t.Fatalf("journals %d → %d after the Dashboard reversal, want one more", len(journals), len(after))
	}
	if paid := publisherBalance(t, m, o.PublisherID, ledger.Paid); paid != share-clawback-10 {
		t.Fatalf("paid after the Dashboard reversal = %d, want %d", paid, share-clawback-10)
	}
	if v, err := m.DB.VerifyLedger(ctx); err != nil || !v.OK() {
		t.Fatalf("ledger: %v, %v", v, err)
	}
}
