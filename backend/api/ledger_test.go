package api_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

var operator = []string{"Authorization", "Bearer " + operatorKey}

// buyNotebook buys one notebook ($24.00) through the Daily Scroll's
// placement with the sandbox's good test card, and returns the order id.
func (ts *testServer) buyNotebook(t *testing.T) string {
	t.Helper()
	return ts.buy(t, "wgt_notebook:plc_feednotebook")
}

// buy buys one of the first variant of a card (WIDGET:PLACEMENT) with the
// sandbox's good test card, and returns the order id.
func (ts *testServer) buy(t *testing.T, ref string) string {
	t.Helper()
	r := ts.checkout(t, ref, 0, 1)
	if resp, body := ts.payOrder(t, r); resp.StatusCode != 200 {
		t.Fatalf("pay = %d %s", resp.StatusCode, body)
	}
	return r.Order.ID
}

// payOrder pays r's order with the sandbox's good test card.
func (ts *testServer) payOrder(t *testing.T, r checkoutReply) (*http.Response, string) {
	t.Helper()
	return ts.do(t, "POST", "/v1/sandbox/pay", "application/json", jsonBody(map[string]string{
		"client_secret": r.Payment.ClientSecret, "card_number": "4242 4242 4242 4242",
	}))
}

func TestLedgerAfterASale(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	orderID := ts.buyNotebook(t)

	// 2400 at 875 / 1000 bps: platform 210 + 30 fixed, publisher 240,
	// merchant 1950 - 30.
	resp, body := ts.do(t, "GET", "/v1/ledger/orders/"+orderID, "", "", operator...)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("order ledger = %d %s", resp.StatusCode, body)
	}
	var got struct {
		Split    ledger.Commission
		Journals []ledger.Journal
	}
	json.Unmarshal([]byte(body), &got)
	if want := (ledger.Commission{Currency: "USD", Total: 2400, Platform: 240, Publisher: 240, Merchant: 1920}); got.Split != want {
		t.Errorf("split = %+v, want %+v", got.Split, want)
	}
	// The sandbox processor charged 2.9%: 69.6 → 70.
	if len(got.Journals) != 2 || got.Journals[0].Key != "sale:"+orderID || got.Journals[1].Kind != ledger.KindProcessorFee ||
		got.Journals[1].Postings[0].Amount != 70 {
		t.Errorf("journals = %+v, want the sale and the processor's fee", got.Journals)
	}

	_, body = ts.do(t, "GET", "/v1/ledger/balances?party=publisher:pub_dailyscroll", "", "", operator...)
	if !strings.Contains(body, `"USD":{"pending":240}`) {
		t.Errorf("publisher balances = %s", body)
	}

	account := "publisher:pub_dailyscroll:pending:USD"
	_, body = ts.do(t, "GET", "/v1/ledger/statement?account="+account, "", "", operator...)
	var page struct {
		Entries []ledger.Entry
		Next    int64
	}
	json.Unmarshal([]byte(body), &page)
	if len(page.Entries) != 1 || page.Entries[0].Amount != 240 || page.Entries[0].Balance != 240 || page.Entries[0].OrderID != orderID || page.Next != 0 {
		t.Errorf("statement = %s", body)
	}
	resp, body = ts.do(t, "GET", "/v1/ledger/statement?format=csv&account="+account, "", "", operator...)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != 2 ||
		rows[1][2] != "sale:"+orderID || rows[1][4] != orderID || rows[1][6] != "2.40" || rows[1][7] != "2.40" {
		t.Errorf("CSV statement = %q (%v)", body, err)
	}

	resp, body = ts.do(t, "GET", "/v1/ledger/verify", "", "", operator...)
	if resp.StatusCode != 200 || !strings.Contains(body, `"journals":2`) {
		t.Errorf("verify = %d %s", resp.StatusCode, body)
	}
}

func TestLedgerNeedsTheOperatorKey(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, auth := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", operatorKey}} {
		resp, body := ts.do(t, "GET", "/v1/ledger/verify", "", "", auth...)
		wantError(t, resp, body, 401, "unauthorized", "Send the operator key as a bearer token.")
	}
}

func TestLedgerBadInput(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct{ path, message string }{
		{"/v1/ledger/balances?party=nobody", "party must be merchant:ID, publisher:ID, platform:platform or provider:NAME."},
		{"/v1/ledger/statement?account=publisher:pub_x:cash:USD", "account must be PARTY:ID:KIND:CURRENCY, e.g. publisher:pub_x:available:USD."},
		{"/v1/ledger/statement?account=publisher:pub_x:available:USD&limit=5000", "limit must be a whole number from 1 to 1000."},
		{"/v1/ledger/statement?account=publisher:pub_x:available:USD&after=-1", "after must be a whole number from 0 to 4611686018427387904."},
		{"/v1/ledger/statement?account=publisher:pub_x:available:USD&format=xml", "format must be json or csv."},
	}
	for _, tt := range tests {
		resp, body := ts.do(t, "GET", tt.path, "", "", operator...)
		wantError(t, resp, body, 400, "invalid", tt.message)
	}
	resp, body := ts.do(t, "GET", "/v1/ledger/orders/ord_nope", "", "", operator...)
	if resp.StatusCode != 404 {
		t.Errorf("unknown order = %d %s", resp.StatusCode, body)
	}
}

func TestLedgerRefundsAndDisputes(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	orderID := ts.buyNotebook(t) // 2400: publisher 240 pending
	refunds := 0
	post := func(path string, body any) (int, string) {
		refunds++
		headers := append([]string{"Idempotency-Key", fmt.Sprintf("test-%d", refunds)}, operator...)
		resp, b := ts.do(t, "POST", "/v1/ledger/orders/"+orderID+path, "application/json", jsonBody(body), headers...)
		return resp.StatusCode, b
	}
	if status, body := post("/refunds", map[string]any{"amount": 600}); status != 201 || !strings.Contains(body, `"refunded":600`) {
		t.Fatalf("refund = %d %s", status, body)
	}
	// The same request again (same Idempotency-Key) refunds once.
	refunds--
	if status, body := post("/refunds", map[string]any{"amount": 600}); status != 201 || !strings.Contains(body, `"refunded":600`) {
		t.Fatalf("refund retried = %d %s", status, body)
	}
	resp, body := ts.do(t, "POST", "/v1/ledger/orders/"+orderID+"/refunds", "application/json", jsonBody(map[string]any{"amount": 1}), operator...)
	wantError(t, resp, body, 400, "invalid", "Send an Idempotency-Key header (1 to 200 characters): a retried refund must not pay twice.")
	status, body := post("/disputes", map[string]any{"amount": 1800, "outcome": "opened"})
	var opened struct {
		ObjectID string `json:"object_id"`
	}
	json.Unmarshal([]byte(body), &opened)
	if status != 201 || opened.ObjectID == "" {
		t.Fatalf("dispute opened = %d %s", status, body)
	}
	if status, body := post("/refunds", map[string]any{"amount": 1}); status != 400 || !strings.Contains(body, "The refund exceeds what is left of the payment.") {
		t.Errorf("refund during a dispute of the rest = %d %s", status, body)
	}
	if status, body := post("/disputes", map[string]any{"amount": 1800, "outcome": "lost", "dispute_id": opened.ObjectID}); status != 201 {
		t.Fatalf("dispute lost = %d %s", status, body)
	}
	_, body = ts.do(t, "GET", "/v1/ledger/balances?party=publisher:pub_dailyscroll", "", "", operator...)
	if !strings.Contains(body, `"USD":{"pending":0}`) {
		t.Errorf("publisher balances after a full reversal = %s", body)
	}
	_, body = ts.do(t, "GET", "/v1/ledger/orders/"+orderID, "", "", operator...)
	for _, key := range []string{`"key":"sale:`, `"key":"processor_fee:`, `"key":"refund:sbx_re_`, `"key":"dispute_opened:sbx_dp_`, `"key":"dispute_lost:sbx_dp_`} {
		if !strings.Contains(body, key) {
			t.Errorf("order ledger lacks %s: %s", key, body)
		}
	}
	if status, body := post("/disputes", map[string]any{"amount": 1, "outcome": "maybe"}); status != 400 || !strings.Contains(body, "outcome must be opened, won or lost.") {
		t.Errorf("bad outcome = %d %s", status, body)
	}
	resp, body = ts.do(t, "GET", "/v1/ledger/verify", "", "", operator...)
	if resp.StatusCode != 200 || !strings.Contains(body, `"journals":5`) {
		t.Errorf("verify = %d %s", resp.StatusCode, body)
	}
}

// refunder sends refunds of an amount under an Idempotency-Key to one of
// the two refund routes, as its caller.
type refunder func(t *testing.T, orderID, key string, amount int64) (status int, body string)

// refundRoutes are the operator's and the demo merchant's refund routes.
func refundRoutes(t *testing.T, ts *testServer) map[string]refunder {
	merchant := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
	route := func(prefix string, auth []string) refunder {
		return func(t *testing.T, orderID, key string, amount int64) (int, string) {
			t.Helper()
			resp, body := ts.do(t, "POST", prefix+orderID+"/refunds", "application/json", fmt.Sprintf(`{"amount":%d}`, amount),
				append([]string{"Idempotency-Key", key}, auth...)...)
			return resp.StatusCode, body
		}
	}
	return map[string]refunder{"operator": route("/v1/ledger/orders/", operator), "merchant": route("/v1/merchant/orders/", merchant)}
}

// refundState is what a refund may change of orders: each order and its
// journals.
func (ts *testServer) refundState(t *testing.T, orderIDs ...string) string {
	t.Helper()
	var state []any
	for _, id := range orderIDs {
		state = append(state, ts.order(t, id), ts.journals(t, id))
	}
	b, err := json.Marshal(state)
	must(t, err)
	return string(b)
}

// TestRefundIdempotencyKey: on both refund routes, a refund sent again
// with its Idempotency-Key gets the first reply, byte for byte, even after
// the balance moved; the key with other parameters (amount, order,
// caller) is a 400 that says so, and nothing moves; many requests at once
// with one key refund once; and a key is its caller's own. Before, a
// request sent again after the balance moved was refused ("exceeds what
// is left") and one with another amount replayed the old refund as if it
// were the new one.
func TestRefundIdempotencyKey(t *testing.T) {
	t.Parallel()
	for _, caller := range []string{"operator", "merchant"} {
		t.Run(caller, func(t *testing.T) {
			ts := newConsoleServer(t)
			routes := refundRoutes(t, ts)
			refund, other := routes[caller], routes[map[string]string{"operator": "merchant", "merchant": "operator"}[caller]]
			a, b := ts.buyNotebook(t), ts.buyNotebook(t) // 2400 each

			status, first := refund(t, a, "key-1", 600)
			if status != 201 || !strings.Contains(first, `"refunded":600`) {
				t.Fatalf("refund = %d %s", status, first)
			}
			before := ts.refundState(t, a, b)
			status, body := other(t, a, "key-1", 600)
			wantError(t, &http.Response{StatusCode: status}, body, 400, "invalid", mismatch("caller"))
			if after := ts.refundState(t, a, b); after != before {
				t.Errorf("the other caller's request with the key changed\n%s\nto\n%s", before, after)
			}

			if status, body := refund(t, a, "key-2", 1800); status != 201 || !strings.Contains(body, `"refunded":2400`) {
				t.Fatalf("refund of the rest = %d %s", status, body)
			}
			for range 2 {
				if status, body := refund(t, a, "key-1", 600); status != 201 || body != first {
					t.Errorf("sent again = %d %s, want 201 %s", status, body, first)
				}
			}

			before = ts.refundState(t, a, b)
			for _, tt := range []struct {
				name    string
				orderID string
				amount  int64
				differ  string
			}{
				{"another amount", a, 700, "amount"},
				{"another order", b, 600, "order"},
				{"another order and amount", b, 5, "order, amount"},
			} {
				status, body := refund(t, tt.orderID, "key-1", tt.amount)
				wantError(t, &http.Response{StatusCode: status}, body, 400, "invalid", mismatch(tt.differ))
			}
			if after := ts.refundState(t, a, b); after != before {
				t.Errorf("refused requests changed\n%s\nto\n%s", before, after)
			}

			// Many requests at once with one key refund once, and all get
			// the same reply.
			const n = 20
			replies := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					status, body := refund(t, b, "key-3", 500)
					replies[i] = fmt.Sprint(status, " ", body)
				})
			}
			wg.Wait()
			for i := range n {
				if replies[i] != replies[0] || !strings.HasPrefix(replies[0], "201 ") {
					t.Errorf("reply %d = %s, want %s (201)", i, replies[i], replies[0])
				}
			}
			if got := ts.order(t, b); got.Refunded != 500 || len(ts.journals(t, b)) != 3 { // sale, processor fee, refund
				t.Errorf("after %d requests with one key: refunded %d, %d journals; want 500 once", n, got.Refunded, len(ts.journals(t, b)))
			}
		})
	}
}

// TestRefundKeysAreTheCallersOwn: another merchant's key-1 on its own
// order is its own: it neither replays nor conflicts with the demo
// merchant's key-1.
func TestRefundKeysAreTheCallersOwn(t *testing.T) {
	t.Parallel()
	ts := newConsoleServer(t)
	northwind := refundRoutes(t, ts)["merchant"]
	const novaID = "mer_ateliernova"
	nova := partyKey(t, ts, buycard.PartyMerchant, novaID)
	must(t, ts.db.LinkPaymentAccount(t.Context(), &buycard.PaymentAccount{
		ID: "acct_nova", PartyKind: buycard.PartyMerchant, PartyID: novaID, ChargesEnabled: true, UpdatedAt: ts.now,
	}))
	notebook, mug := ts.buyNotebook(t), ts.buy(t, "wgt_mug:plc_feedmug")
	if status, body := northwind(t, notebook, "key-1", 600); status != 201 {
		t.Fatalf("Northwind's refund = %d %s", status, body)
	}
	resp, body := ts.do(t, "POST", "/v1/merchant/orders/"+mug+"/refunds", "application/json", `{"amount":300}`,
		append([]string{"Idempotency-Key", "key-1"}, nova...)...)
	if resp.StatusCode != 201 || !strings.Contains(body, `"refunded":300`) || !strings.Contains(body, mug) {
		t.Errorf("Atelier Nova's refund with the same key = %d %s", resp.StatusCode, body)
	}
}

// mismatch is the refusal of a key used again with other parameters.
func mismatch(differ string) string {
	return "This Idempotency-Key was used for another refund (another " + differ +
		"). A key can only be used again with the same parameters: send a new key for a new refund."
}
