package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/backend/stripeconnect"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
	"github.com/buycard/buycard/ledger"
)

const (
	webhookPath = "/v1/stripe/webhook"
	// Two secrets, as while one is rolled.
	whSecret     = "whsec_api_tests_current_secret"
	whNextSecret = "whsec_api_tests_next_secret"
)

// stripeTest is the test server with the Stripe webhook on, its refund
// lookups going to a stripetest fake, and its log kept.
type stripeTest struct {
	*testServer
	fake     *stripetest.Server
	provider *stripeconnect.Provider
	stripe   *flakyStripe
	logs     *syncBuffer
}

func newStripeTest(t *testing.T) *stripeTest {
	t.Helper()
	fake, provider := newFakeStripe(t)
	st := &stripeTest{fake: fake, provider: provider, stripe: &flakyStripe{RefundLister: provider}, logs: new(syncBuffer)}
	st.testServer = newTestServerWith(t, func(_ *api.Config, svc *api.Services) {
		svc.Logger = slog.New(slog.NewTextHandler(st.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		svc.StripeWebhooks = &stripeconnect.Webhooks{
			Secrets: []string{whSecret, whNextSecret}, Refunds: st.stripe,
			Orders: svc.Orders, Accounts: svc.Orders.(buycard.AccountService), Ledger: svc.Catalog.(*sqlite.DB),
			Logger: svc.Logger, Now: func() time.Time { return st.now },
		}
		svc.StripeReturns = provider
	})
	return st
}

// flakyStripe fails while down, as Stripe unreachable would.
type flakyStripe struct {
	down atomic.Bool
	stripeconnect.RefundLister
}

func (f *flakyStripe) ChargeRefunds(ctx context.Context, chargeID string) ([]*stripe.Refund, error) {
	if f.down.Load() {
		return nil, fmt.Errorf("list refunds: %w", buycard.Errorf(buycard.EPAYMENT, "The payment provider did not answer."))
	}
	return f.RefundLister.ChargeRefunds(ctx, chargeID)
}

// stripeOrder is a pending order with a Stripe Checkout Session, as a
// checkout with the Stripe provider leaves it, and the ids Stripe gives its
// payment.
type stripeOrder struct {
	ID, SessionID, PaymentIntent, Charge string
}

// notebookTotal is one notebook, in cents.
const notebookTotal = 2400

// newOrder creates a pending order for one notebook and attaches the
// Stripe session cs_test_NAME to it.
func (st *stripeTest) newOrder(t *testing.T, name string) stripeOrder {
	t.Helper()
	o := st.pendingOrder(t)
	so := stripeOrder{ID: o.ID, SessionID: "cs_test_" + name, PaymentIntent: "pi_" + name, Charge: "ch_" + name}
	if err := st.db.AttachPaymentSession(t.Context(), o.ID, stripeconnect.Name, so.SessionID); err != nil {
		t.Fatal(err)
	}
	return so
}

// pendingOrder creates a pending order for one notebook, with no session.
func (st *stripeTest) pendingOrder(t *testing.T) *buycard.Order {
	t.Helper()
	ctx := t.Context()
	claims, err := st.tokens.VerifyPlacement(st.cardToken(t, "wgt_notebook:plc_feednotebook"), st.now)
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.db.CreateOrder(ctx, buycard.NewOrder{
		Claims: claims, VariantID: st.variantID(t, "wgt_notebook", 0), Quantity: 1,
		Now: st.now, ExpiresAt: st.now.Add(30 * time.Minute), PlatformFee: st.PlatformFee,
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// event is a Stripe event of API version 2023-10-16, in the shape of the
// fixtures in backend/stripeconnect/testdata.
func event(id, typ string, created time.Time, object map[string]any) map[string]any {
	return map[string]any{
		"id": id, "object": "event", "api_version": "2023-10-16", "created": created.Unix(),
		"data": map[string]any{"object": object}, "livemode": false, "pending_webhooks": 1,
		"request": map[string]any{"id": nil, "idempotency_key": nil}, "type": typ,
	}
}

// session is the Checkout Session of o with payment status status.
func (o stripeOrder) session(status string) map[string]any {
	return map[string]any{
		"id": o.SessionID, "object": "checkout.session", "amount_total": notebookTotal, "currency": "usd",
		"client_reference_id": o.ID, "metadata": map[string]any{"order_id": o.ID}, "mode": "payment",
		"payment_intent": o.PaymentIntent, "payment_status": status, "status": "complete", "ui_mode": "embedded",
		"livemode": false,
	}
}

// charge is the charge of o; with refunds, as a charge embedded them
// before API version 2022-11-15.
func (o stripeOrder) charge(refunded int64, refunds ...map[string]any) map[string]any {
	c := map[string]any{
		"id": o.Charge, "object": "charge", "amount": notebookTotal, "amount_captured": notebookTotal,
		"amount_refunded": refunded, "currency": "usd", "captured": true, "paid": true, "status": "succeeded",
		"metadata": map[string]any{"order_id": o.ID}, "payment_intent": o.PaymentIntent, "livemode": false,
	}
	if refunds != nil {
		c["refunds"] = map[string]any{"object": "list", "data": refunds, "has_more": false, "total_count": len(refunds)}
	}
	return c
}

func (o stripeOrder) refund(id string, amount int64, created time.Time) map[string]any {
	return map[string]any{
		"id": id, "object": "refund", "amount": amount, "charge": o.Charge, "created": created.Unix(),
		"currency": "usd", "payment_intent": o.PaymentIntent, "status": "succeeded",
	}
}

func (o stripeOrder) completed(created time.Time) map[string]any {
	return event("evt_completed_"+o.SessionID, "checkout.session.completed", created, o.session("paid"))
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// send posts payload to the webhook with a Stripe-Signature header.
func (st *stripeTest) send(t *testing.T, payload, signature string) (*http.Response, string) {
	t.Helper()
	var headers []string
	if signature != "" {
		headers = []string{"Stripe-Signature", signature}
	}
	return st.do(t, "POST", webhookPath, "application/json; charset=utf-8", payload, headers...)
}

// deliver sends the event v signed now with the current secret, as Stripe
// does, and returns the status.
func (st *stripeTest) deliver(t *testing.T, v any) (int, string) {
	t.Helper()
	payload := marshal(t, v)
	resp, body := st.send(t, payload, stripetest.Sign([]byte(payload), whSecret, st.now))
	return resp.StatusCode, body
}

func (st *stripeTest) mustDeliver(t *testing.T, v any) {
	t.Helper()
	if status, body := st.deliver(t, v); status != 200 || body != `{"received":true}` {
		t.Fatalf("delivery = %d %s, want 200", status, body)
	}
}

func (ts *testServer) journals(t *testing.T, orderID string) []ledger.Journal {
	t.Helper()
	js, err := ts.db.OrderJournals(t.Context(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// wantUnchanged checks that o is still pending with nothing in the ledger.
func (st *stripeTest) wantUnchanged(t *testing.T, o stripeOrder) {
	t.Helper()
	if got := st.order(t, o.ID); got.Status != buycard.OrderPending || got.PaidAt != nil || got.Refunded != 0 {
		t.Errorf("order = %s paid %v refunded %d, want pending and untouched", got.Status, got.PaidAt, got.Refunded)
	}
	if js := st.journals(t, o.ID); len(js) != 0 {
		t.Errorf("journals = %+v, want none", js)
	}
}

// wantPaidOnce checks that o is paid with exactly one sale journal.
func (st *stripeTest) wantPaidOnce(t *testing.T, o stripeOrder) {
	t.Helper()
	if got := st.order(t, o.ID); got.Status != buycard.OrderPaid || got.ProviderPaymentID != o.PaymentIntent {
		t.Errorf("order = %s payment %q, want paid by %s", got.Status, got.ProviderPaymentID, o.PaymentIntent)
	}
	js := st.journals(t, o.ID)
	if len(js) != 1 || js[0].Kind != ledger.KindSale || js[0].Key != "sale:"+o.ID {
		t.Errorf("journals = %+v, want one sale", js)
	}
}

func TestStripeWebhookSignature(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	now := st.now
	sign := func(secret string, at time.Time) func(string) string {
		return func(p string) string { return stripetest.Sign([]byte(p), secret, at) }
	}
	same := func(p string) string { return p }
	const (
		noHeader  = "The webhook has no Stripe-Signature header."
		malformed = "The Stripe-Signature header is malformed."
		badSig    = "The webhook signature is not valid."
		window    = "The webhook timestamp is outside the accepted window."
	)
	tests := []struct {
		name   string
		body   func(signed string) string // what is sent, from the signed body
		header func(signed string) string
		status int
		msg    string // "" when accepted
	}{
		{"no header", same, func(string) string { return "" }, 401, noHeader},
		{"malformed header", same, func(string) string { return "v1=abc;t=now" }, 401, malformed},
		{"no timestamp", same, func(p string) string { return "v1=" + stripetest.Signature([]byte(p), whSecret, now) }, 401, malformed},
		{"wrong secret", same, sign("whsec_someone_else", now), 401, badSig},
		{"one body byte changed", func(p string) string { return strings.Replace(p, `"amount_total": 2400`, `"amount_total": 2401`, 1) },
			sign(whSecret, now), 401, badSig},
		{"body re-serialized", func(p string) string {
			var buf bytes.Buffer
			json.Compact(&buf, []byte(p))
			return buf.String()
		}, sign(whSecret, now), 401, badSig},
		{"301 s old", same, sign(whSecret, now.Add(-301*time.Second)), 401, window},
		{"10 minutes in the future", same, sign(whSecret, now.Add(10*time.Minute)), 401, window},
		{"299 s old", same, sign(whSecret, now.Add(-299*time.Second)), 200, ""},
		{"second of two v1 signatures valid", same, func(p string) string {
			return fmt.Sprintf("t=%d,v1=%s,v1=%s", now.Unix(), stripetest.Signature([]byte(p), "whsec_old", now),
				stripetest.Signature([]byte(p), whSecret, now))
		}, 200, ""},
		{"second configured secret", same, sign(whNextSecret, now), 200, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := st.newOrder(t, fmt.Sprintf("sig%d", i))
			// Indented, as a body whose bytes re-serializing would change.
			b, _ := json.MarshalIndent(o.completed(now), "", " ")
			signed := string(b)
			header := tt.header(signed)
			resp, body := st.send(t, tt.body(signed), header)
			if tt.msg != "" {
				wantError(t, resp, body, tt.status, buycard.EUNAUTHORIZED, tt.msg)
				st.wantUnchanged(t, o)
			} else {
				if resp.StatusCode != 200 {
					t.Fatalf("status = %d %s, want 200", resp.StatusCode, body)
				}
				st.wantPaidOnce(t, o)
			}
			if _, sig, _ := strings.Cut(header, "v1="); sig != "" && strings.Contains(st.logs.String(), sig) {
				t.Error("a signature was logged")
			}
		})
	}
	if logs := st.logs.String(); strings.Contains(logs, whSecret) || strings.Contains(logs, `"amount_total"`) {
		t.Errorf("a secret or a payload was logged:\n%s", logs)
	}
}

func TestStripeWebhookBadBodies(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	signed := func(p string) string { return stripetest.Sign([]byte(p), whSecret, st.now) }

	notEvent := `{"hello":"world"}`
	resp, body := st.send(t, notEvent, signed(notEvent))
	wantError(t, resp, body, 400, buycard.EINVALID, "The webhook body is not a Stripe event.")

	// fasthttp refuses a body over the limit from its Content-Length,
	// before routing; app.Test reports that as an error, so this one goes
	// over a real connection, and sends the headers only.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go st.Serve(ln)
	t.Cleanup(func() { st.Shutdown(5 * time.Second) })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"+
		"Stripe-Signature: t=1,v1=00\r\nContent-Length: %d\r\n\r\n", webhookPath, 300<<10)
	resp, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	wantError(t, resp, string(b), 413, buycard.EINVALID, "The request body is too large.")
}

func TestStripeWebhookOffWithoutSecrets(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	payload := `{"id":"evt_1","type":"customer.created","data":{"object":{}}}`
	resp, body := ts.do(t, "POST", webhookPath, "application/json", payload, "Stripe-Signature", stripetest.Sign([]byte(payload), "", ts.now))
	wantError(t, resp, body, 404, buycard.ENOTFOUND, "")
}

func TestStripeWebhookSameEventConcurrently(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	o := st.newOrder(t, "concurrent")
	stock := st.stock(t, "wgt_notebook", 0)
	payload := []byte(marshal(t, o.completed(st.now)))
	header := stripetest.Sign(payload, whSecret, st.now)

	const n = 50
	statuses := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req := httptest.NewRequest("POST", webhookPath, bytes.NewReader(payload))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Stripe-Signature", header)
			resp, err := st.App().Test(req, 30_000)
			if err != nil {
				errs[i] = err
				return
			}
			io.Copy(io.Discard, resp.Body)
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || statuses[i] != 200 {
			t.Errorf("delivery %d = %d %v, want 200", i, statuses[i], errs[i])
		}
	}
	st.wantPaidOnce(t, o)
	if got := st.stock(t, "wgt_notebook", 0); got != stock {
		t.Errorf("stock = %d, want %d (reserved once, at checkout)", got, stock)
	}
}

// orderState is what the tests compare of an order after its events: its
// state and its journals, with the order id taken out.
func (st *stripeTest) orderState(t *testing.T, o stripeOrder) string {
	t.Helper()
	got := st.order(t, o.ID)
	js := st.journals(t, o.ID)
	b, _ := json.Marshal(struct {
		Status                  buycard.OrderStatus
		PaidAt                  *time.Time
		Refunded                int64
		PaymentID, PaymentError string
		Journals                []ledger.Journal
		Stock                   int
	}{got.Status, got.PaidAt, got.Refunded, got.ProviderPaymentID, got.PaymentError, js, st.stock(t, "wgt_notebook", 0)})
	return strings.ReplaceAll(string(b), o.ID, "ORDER")
}

// permutations returns every ordering of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// A delayed payment: completed (unpaid), async_payment_succeeded and
// charge.refunded arrive in every order. Stripe retries what is not
// acknowledged, and every ordering ends in the same state and journals.
func TestStripeWebhookAnyDeliveryOrder(t *testing.T) {
	t.Parallel()
	var want string
	for _, perm := range permutations(3) {
		t.Run(fmt.Sprint(perm), func(t *testing.T) {
			st := newStripeTest(t)
			o := st.newOrder(t, "async")
			// Fixed times, the same for every ordering (each has its own
			// server and clock).
			completedAt := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
			paidAt, refundedAt := completedAt.Add(time.Minute), completedAt.Add(2*time.Minute)
			events := []map[string]any{
				event("evt_completed", "checkout.session.completed", completedAt, o.session("unpaid")),
				event("evt_succeeded", "checkout.session.async_payment_succeeded", paidAt, o.session("paid")),
				event("evt_refunded", "charge.refunded", refundedAt, o.charge(600, o.refund("re_async", 600, refundedAt))),
			}
			var queue []map[string]any
			for _, i := range perm {
				queue = append(queue, events[i])
			}
			// Stripe's retries: whatever is not acknowledged comes again later.
			paid := false
			for round := 0; len(queue) > 0; round++ {
				if round == 3 {
					t.Fatalf("%d events still refused after %d rounds", len(queue), round)
				}
				var retry []map[string]any
				for _, e := range queue {
					// Only a refund before the payment waits, with a 409.
					wantStatus := 200
					if e["type"] == "charge.refunded" && !paid {
						wantStatus = 409
					}
					status, body := st.deliver(t, e)
					if status != wantStatus {
						t.Fatalf("%s = %d %s, want %d", e["type"], status, body, wantStatus)
					}
					switch {
					case status == 409:
						wantError(t, &http.Response{StatusCode: status}, body, 409, buycard.ECONFLICT, "")
						retry = append(retry, e)
					case e["type"] == "checkout.session.async_payment_succeeded":
						paid = true
					}
				}
				queue = retry
			}
			got := st.order(t, o.ID)
			if got.Status != buycard.OrderPaid || got.Refunded != 600 || !got.PaidAt.Equal(paidAt) {
				t.Errorf("order = %s refunded %d paid at %v", got.Status, got.Refunded, got.PaidAt)
			}
			js := st.journals(t, o.ID)
			if len(js) != 2 || js[0].Key != "sale:"+o.ID || js[1].Key != "refund:re_async" {
				t.Errorf("journals = %+v, want the sale and refund:re_async", js)
			}
			state := st.orderState(t, o)
			if want == "" {
				want = state
			} else if state != want {
				t.Errorf("final state\n%s\nwant (first ordering)\n%s", state, want)
			}
		})
	}
}

// A 2023-10-16 charge.refunded carries no refund: they are listed from
// Stripe, and a lookup that fails asks Stripe to retry.
func TestStripeWebhookRefundLookup(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	o := st.newOrder(t, "lookup")
	st.mustDeliver(t, o.completed(st.now))
	if _, err := st.provider.Refund(t.Context(), o.Charge, 600, "buycard-refund-lookup-1"); err != nil {
		t.Fatal(err)
	}
	refunded := event("evt_refunded_lookup", "charge.refunded", st.now, o.charge(600))

	st.stripe.down.Store(true)
	status, body := st.deliver(t, refunded)
	wantError(t, &http.Response{StatusCode: status}, body, 500, buycard.EINTERNAL, "internal error")
	if got := st.order(t, o.ID); got.Refunded != 0 || len(st.journals(t, o.ID)) != 1 {
		t.Fatalf("after a failed lookup: refunded %d, journals %d; want nothing applied", got.Refunded, len(st.journals(t, o.ID)))
	}

	st.stripe.down.Store(false)
	st.mustDeliver(t, refunded)
	st.mustDeliver(t, refunded) // again: the refund id makes it count once
	if got := st.order(t, o.ID); got.Refunded != 600 {
		t.Errorf("refunded = %d, want 600", got.Refunded)
	}
	js := st.journals(t, o.ID)
	if len(js) != 2 || js[1].Kind != ledger.KindRefund || !strings.HasPrefix(js[1].Key, "refund:re_") {
		t.Errorf("journals = %+v, want the sale and one refund", js)
	}
}

func TestStripeWebhookSessionExpired(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	before := st.stock(t, "wgt_notebook", 0)
	o := st.newOrder(t, "expired")
	if got := st.stock(t, "wgt_notebook", 0); got != before-1 {
		t.Fatalf("stock = %d, want %d reserved", got, before-1)
	}
	s := o.session("unpaid")
	s["status"], s["payment_intent"] = "expired", nil
	st.mustDeliver(t, event("evt_expired", "checkout.session.expired", st.now, s))
	if got := st.order(t, o.ID); got.Status != buycard.OrderExpired {
		t.Errorf("status = %s, want expired", got.Status)
	}
	if got := st.stock(t, "wgt_notebook", 0); got != before {
		t.Errorf("stock = %d, want %d released", got, before)
	}
	if js := st.journals(t, o.ID); len(js) != 0 {
		t.Errorf("journals = %+v, want none", js)
	}
}

func TestStripeWebhookAccountUpdated(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	ctx := t.Context()
	const merchant, account = "mer_ateliernova", "acct_1Nova"
	if err := st.db.LinkPaymentAccount(ctx, &buycard.PaymentAccount{
		ID: account, PartyKind: buycard.PartyMerchant, PartyID: merchant, UpdatedAt: st.now.Add(-time.Hour),
	}); err != nil {
		t.Fatal(err)
	}
	chargesEnabled := func() bool {
		card, err := st.db.FindCard(ctx, "wgt_mug")
		if err != nil {
			t.Fatal(err)
		}
		return card.Merchant.ChargesEnabled
	}
	updated := func(id string, at time.Time, charges bool) map[string]any {
		e := event(id, "account.updated", at, map[string]any{
			"id": account, "object": "account", "type": "express", "charges_enabled": charges,
			"payouts_enabled": charges, "details_submitted": true,
		})
		e["account"] = account
		return e
	}

	st.mustDeliver(t, updated("evt_acct_new", st.now.Add(-time.Minute), true))
	if !chargesEnabled() {
		t.Fatal("merchant cannot take charges after account.updated enabled them")
	}
	a, err := st.db.FindPaymentAccount(ctx, buycard.PartyMerchant, merchant)
	if err != nil || !a.ChargesEnabled || !a.PayoutsEnabled {
		t.Errorf("account = %+v, %v", a, err)
	}

	// An older report, delivered late.
	st.mustDeliver(t, updated("evt_acct_old", st.now.Add(-10*time.Minute), false))
	if !chargesEnabled() {
		t.Error("an older account.updated disabled charges")
	}

	// An account Buycard has not linked.
	e := updated("evt_acct_other", st.now, false)
	e["data"].(map[string]any)["object"].(map[string]any)["id"] = "acct_someone_else"
	st.mustDeliver(t, e)
	if !chargesEnabled() {
		t.Error("another account's update changed the merchant")
	}
}

// Events that are acknowledged (200, so Stripe stops retrying) and change
// nothing.
func TestStripeWebhookAcknowledgedWithoutChange(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	tests := []struct {
		name  string
		event func(o stripeOrder) map[string]any
		log   string // what the log says about it
	}{
		{"other mode", func(o stripeOrder) map[string]any {
			e := o.completed(st.now)
			e["livemode"] = true
			return e
		}, "event of the other mode ignored"},
		{"unknown event type", func(o stripeOrder) map[string]any {
			return event("evt_customer", "customer.created", st.now, map[string]any{"id": "cus_1", "object": "customer"})
		}, "event type not used"},
		{"completed, awaiting a delayed payment", func(o stripeOrder) map[string]any {
			return event("evt_unpaid", "checkout.session.completed", st.now, o.session("unpaid"))
		}, "nothing to change"},
		{"another integration's session", func(o stripeOrder) map[string]any {
			s := o.session("paid")
			s["id"] = "cs_test_not_ours"
			return event("evt_not_ours", "checkout.session.completed", st.now, s)
		}, "not Buycard's; acknowledged"},
		{"paid amount is not the total", func(o stripeOrder) map[string]any {
			s := o.session("paid")
			s["amount_total"] = 9999
			return event("evt_wrong_amount", "checkout.session.completed", st.now, s)
		}, "payment event refused"},
		{"refund of a charge that is not Buycard's", func(o stripeOrder) map[string]any {
			c := o.charge(600, o.refund("re_not_ours", 600, st.now))
			c["payment_intent"], c["metadata"] = "pi_not_ours", map[string]any{}
			return event("evt_refund_not_ours", "charge.refunded", st.now, c)
		}, "not Buycard's; acknowledged"},
		{"refund of an order of another environment", func(o stripeOrder) map[string]any {
			c := o.charge(600, o.refund("re_elsewhere", 600, st.now))
			c["payment_intent"], c["metadata"] = "pi_elsewhere", map[string]any{"order_id": "ord_elsewhere"}
			return event("evt_refund_elsewhere", "charge.refunded", st.now, c)
		}, "not Buycard's; acknowledged"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := st.newOrder(t, fmt.Sprintf("ack%d", i))
			e := tt.event(o)
			st.mustDeliver(t, e)
			st.wantUnchanged(t, o)
			if lines := st.eventLines(e["id"].(string)); len(lines) != 1 || !strings.Contains(lines[0], tt.log) {
				t.Errorf("log lines about the event = %q, want one saying %q", lines, tt.log)
			}
		})
	}
}

// A signed event of a type Buycard uses, whose object it cannot read, is
// refused so that Stripe retries it (a fixed deploy may apply it).
func TestStripeWebhookUnreadableEvent(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	o := st.newOrder(t, "unreadable")
	status, body := st.deliver(t, event("evt_free", "checkout.session.completed", st.now, o.session("no_payment_required")))
	wantError(t, &http.Response{StatusCode: status}, body, 400, buycard.EINVALID, "")
	st.wantUnchanged(t, o)
}

// linkMerchant links the Stripe account of the notebook's merchant.
func (st *stripeTest) linkMerchant(t *testing.T, account string) {
	t.Helper()
	card, err := st.db.FindCard(t.Context(), "wgt_notebook")
	if err != nil {
		t.Fatal(err)
	}
	err = st.db.LinkPaymentAccount(t.Context(), &buycard.PaymentAccount{
		ID: account, PartyKind: buycard.PartyMerchant, PartyID: card.Merchant.ID, ChargesEnabled: true, UpdatedAt: st.now,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dispute is the dispute id of o's charge in status, Stripe's shape.
func (o stripeOrder) dispute(id, status string, amount int64, created time.Time) map[string]any {
	return map[string]any{
		"id": id, "object": "dispute", "amount": amount, "currency": "usd", "charge": o.Charge, "created": created.Unix(),
		"payment_intent": o.PaymentIntent, "reason": "fraudulent", "status": status, "metadata": map[string]any{}, "livemode": false,
	}
}

// state is what an event may change about o: the order, its journals and
// its share transfers.
func (st *stripeTest) state(t *testing.T, o stripeOrder) string {
	t.Helper()
	transfers, err := st.db.ShareTransfersOf(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return marshal(t, []any{st.order(t, o.ID), st.journals(t, o.ID), transfers})
}

// eventLines returns the log lines about event id.
func (st *stripeTest) eventLines(id string) []string {
	var lines []string
	for line := range strings.Lines(st.logs.String()) {
		if strings.Contains(line, "event="+id+" ") {
			lines = append(lines, line)
		}
	}
	return lines
}

// Correctly signed events about objects Buycard never made, or about
// Buycard's own objects but from a connected account that is not the
// order's merchant's, are acknowledged (200: Stripe must not retry them
// for three days) with one log line, without a call to Stripe and without
// a change. Before ownership came first, the first ones were 400 or 500
// (after asking Stripe for a charge's refunds) and the last ones were
// applied.
func TestStripeWebhookNotOurs(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	st.linkMerchant(t, "acct_notebook_merchant")
	paid := st.newOrder(t, "ours_paid")
	st.mustDeliver(t, paid.completed(st.now))
	pending := st.newOrder(t, "ours_pending")
	other := stripeOrder{ID: "ord_elsewhere", SessionID: "cs_test_other", PaymentIntent: "pi_other", Charge: "ch_other"}
	fromAccount := func(e map[string]any, account string) map[string]any { e["account"] = account; return e }
	tests := []struct {
		name  string
		event map[string]any
	}{
		{"free session of another integration", func() map[string]any {
			s := other.session("no_payment_required")
			return event("evt_free_other", "checkout.session.completed", st.now, s)
		}()},
		{"paid session of another integration without an amount", func() map[string]any {
			s := other.session("paid")
			s["amount_total"] = 0
			return event("evt_no_amount_other", "checkout.session.async_payment_succeeded", st.now, s)
		}()},
		{"refund of a charge Buycard never made", event("evt_refund_other", "charge.refunded", st.now, other.charge(600))},
		{"dispute of a payment Buycard never made, closed as refunded", event("evt_dispute_other_closed", "charge.dispute.closed", st.now,
			other.dispute("dp_other_closed", "charge_refunded", 600, st.now))},
		{"dispute of a payment Buycard never made, without an amount", event("evt_dispute_other_created", "charge.dispute.created", st.now,
			other.dispute("dp_other_created", "needs_response", 0, st.now))},
		{"reversal of a transfer Buycard never made", event("evt_reversed_other", "transfer.reversed", st.now, map[string]any{
			"id": "tr_other", "object": "transfer", "amount": 240, "currency": "usd", "destination": "acct_someone",
			"metadata":  map[string]any{"share_transfer": paid.ID + "/1", "order_id": paid.ID, "publisher_id": "pub_dailyscroll"},
			"reversals": map[string]any{"object": "list", "data": []any{}, "has_more": true},
		})},
		{"our session, from another connected account", fromAccount(pending.completed(st.now), "acct_someone_else")},
		{"our refund, from another connected account", fromAccount(event("evt_refund_elsewhere", "charge.refunded", st.now,
			paid.charge(600, paid.refund("re_elsewhere", 600, st.now))), "acct_someone_else")},
		{"our dispute, from another connected account", fromAccount(event("evt_dispute_elsewhere", "charge.dispute.created", st.now,
			paid.dispute("dp_elsewhere", "needs_response", 600, st.now)), "acct_someone_else")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := []string{st.state(t, paid), st.state(t, pending)}
			calls := st.fake.Requests()
			status, body := st.deliver(t, tt.event)
			if status != 200 || body != `{"received":true}` {
				t.Errorf("delivery = %d %s, want 200", status, body)
			}
			if got := st.fake.Requests() - calls; got != 0 {
				t.Errorf("%d calls to Stripe, want none", got)
			}
			if after := []string{st.state(t, paid), st.state(t, pending)}; !slices.Equal(after, before) {
				t.Errorf("state changed:\n%s\nwant\n%s", after, before)
			}
			lines := st.eventLines(tt.event["id"].(string))
			if len(lines) != 1 || !strings.Contains(lines[0], "not Buycard's; acknowledged") {
				t.Errorf("log lines about the event = %q, want one saying it is not Buycard's", lines)
			}
		})
	}
	// The merchant's own account is the order's: its event applies.
	st.mustDeliver(t, fromAccount(pending.completed(st.now), "acct_notebook_merchant"))
	st.wantPaidOnce(t, pending)
}

// A dispute's events arrive in any order, each possibly twice, and every
// ordering ends with the dispute closed (nothing held), the same amounts
// on the order and the same journals, and a ledger that verifies. Before, a closing
// event before the opening one was refused and the opening then held the
// amount for good.
func TestStripeWebhookDisputeAnyOrder(t *testing.T) {
	t.Parallel()
	opened := time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)
	for _, outcome := range []string{"won", "lost"} {
		var want string
		for _, perm := range permutations(3) {
			t.Run(fmt.Sprint(outcome, perm), func(t *testing.T) {
				st := newStripeTest(t)
				o := st.newOrder(t, "disputed")
				st.mustDeliver(t, o.completed(opened.Add(-time.Hour)))
				events := []map[string]any{
					event("evt_dispute_created", "charge.dispute.created", opened.Add(time.Second), o.dispute("dp_any", "needs_response", 1800, opened)),
					event("evt_dispute_withdrawn", "charge.dispute.funds_withdrawn", opened.Add(2*time.Second), o.dispute("dp_any", "needs_response", 1800, opened)),
					event("evt_dispute_closed", "charge.dispute.closed", opened.Add(time.Hour), o.dispute("dp_any", outcome, 1800, opened)),
				}
				for _, i := range perm {
					st.mustDeliver(t, events[i])
					st.mustDeliver(t, events[i]) // Stripe may deliver twice
				}
				got := st.order(t, o.ID)
				wantLost := map[string]int64{"won": 0, "lost": 1800}[outcome]
				if got.DisputeHeld != 0 || got.DisputeLost != wantLost {
					t.Errorf("held %d, lost %d; want 0 and %d", got.DisputeHeld, got.DisputeLost, wantLost)
				}
				var keys []string
				for _, j := range st.journals(t, o.ID) {
					keys = append(keys, j.Key)
				}
				if want := []string{"sale:" + o.ID, "dispute_opened:dp_any", "dispute_" + outcome + ":dp_any"}; !slices.Equal(keys, want) {
					t.Errorf("journals = %v, want %v", keys, want)
				}
				if v, err := st.db.VerifyLedger(t.Context()); err != nil || !v.OK() {
					t.Errorf("ledger verification = %+v, %v", v, err)
				}
				state := strings.ReplaceAll(marshal(t, []any{got.Status, got.Refunded, got.DisputeHeld, got.DisputeLost, st.journals(t, o.ID)}), o.ID, "ORDER")
				if want == "" {
					want = state
				} else if state != want {
					t.Errorf("final state\n%s\nwant (first ordering)\n%s", state, want)
				}
			})
		}
	}
}
