package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
)

// Client networks of the hold tests, named in X-Forwarded-For.
const (
	hoarderIP = "203.0.113.5"
	shopperIP = "2001:db8:7:7::1"
)

// newDropServer is a test server whose demo notebook is a limited drop:
// 50 units, at most 10 per order. Requests name their client in
// X-Forwarded-For.
func newDropServer(t *testing.T, configure ...func(*api.Config, *api.Services)) *testServer {
	t.Helper()
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.TrustedProxies = testProxy
		for _, f := range configure {
			f(cfg, svc)
		}
	})
	ts.restock(t, 50, 10)
	return ts
}

// restock sets the demo notebook's stock and maximum per order.
func (ts *testServer) restock(t *testing.T, stock, maxPerOrder int) {
	t.Helper()
	p, err := ts.db.FindProduct(t.Context(), "prd_notebook")
	if err != nil {
		t.Fatal(err)
	}
	p.Variants[0].Stock, p.MaxPerOrder = stock, maxPerOrder
	if err := ts.db.UpdateProduct(t.Context(), p); err != nil {
		t.Fatal(err)
	}
}

// checkoutFrom starts a checkout of quantity notebooks from client ip.
func (ts *testServer) checkoutFrom(t *testing.T, ip string, quantity int) (*http.Response, string) {
	t.Helper()
	return ts.do(t, "POST", "/v1/checkout", "application/json", jsonBody(map[string]any{
		"token": ts.cardToken(t, "wgt_notebook"), "variant_id": ts.variantID(t, "wgt_notebook", 0), "quantity": quantity,
		"buyer": testBuyer,
	}), xff(ip)...)
}

// cardState is the state /v1/cards gives the notebook's card, and its HTML.
func (ts *testServer) cardState(t *testing.T) (state, html string) {
	t.Helper()
	_, body := ts.do(t, "GET", "/v1/cards?ids=wgt_notebook", "", "")
	var cards struct {
		Cards map[string]struct{ State, HTML string }
	}
	if err := json.Unmarshal([]byte(body), &cards); err != nil {
		t.Fatal(err)
	}
	c := cards.Cards["wgt_notebook"]
	return c.State, c.HTML
}

// The attack: five checkouts of 10 from one network on a 50-unit
// drop. The network holds a fifth of the drop; the card stays buyable and
// another shopper buys at once.
func TestOneNetworkCannotFreezeADrop(t *testing.T) {
	t.Parallel()
	ts := newDropServer(t)
	const capped = "You already hold 10 of these in another checkout, and one shopper can hold at most 10 at a time. " +
		"Finish or close that checkout first."
	for i := range 5 {
		resp, body := ts.checkoutFrom(t, hoarderIP, 10)
		if i == 0 {
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("first checkout = %d %s", resp.StatusCode, body)
			}
			continue
		}
		wantError(t, resp, body, http.StatusConflict, "conflict", capped)
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != 40 {
		t.Errorf("stock = %d, want 40", got)
	}
	if state, _ := ts.cardState(t); state != "buyable" {
		t.Errorf("card state %q, want buyable", state)
	}
	if resp, body := ts.checkoutFrom(t, shopperIP, 10); resp.StatusCode != http.StatusCreated {
		t.Errorf("another shopper's checkout = %d %s", resp.StatusCode, body)
	}
}

// Checkouts racing from two networks each get exactly their network's cap.
func TestHoldCapUnderConcurrency(t *testing.T) {
	t.Parallel()
	ts := newDropServer(t)
	token, variant := ts.cardToken(t, "wgt_notebook"), ts.variantID(t, "wgt_notebook", 0)
	body := jsonBody(map[string]any{"token": token, "variant_id": variant, "quantity": 1, "buyer": testBuyer})
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[string]int{}
	)
	for i := range 40 {
		ip := []string{hoarderIP, shopperIP}[i%2]
		wg.Go(func() {
			resp, _ := ts.do(t, "POST", "/v1/checkout", "application/json", body, xff(ip)...)
			mu.Lock()
			defer mu.Unlock()
			statuses[fmt.Sprintf("%s %d", ip, resp.StatusCode)]++
		})
	}
	wg.Wait()
	want := map[string]int{hoarderIP + " 201": 10, hoarderIP + " 409": 10, shopperIP + " 201": 10, shopperIP + " 409": 10}
	if fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
}

// orderCall posts to /v1/orders/{id}/{what} with authorization auth.
func (ts *testServer) orderCall(t *testing.T, id, what, auth string) (*http.Response, buycard.Order, string) {
	t.Helper()
	resp, body := ts.do(t, "POST", "/v1/orders/"+id+"/"+what, "", "", "Authorization", auth)
	var reply struct{ Order buycard.Order }
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &reply); err != nil {
			t.Fatal(err)
		}
	}
	return resp, reply.Order, body
}

// Releasing gives the units back at once, with the order's own token
// only, and a second release changes nothing.
func TestReleaseOrder(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	before := ts.stock(t, "wgt_notebook", 0)
	r := ts.checkout(t, "wgt_notebook", 0, 2)
	other := ts.checkout(t, "wgt_notebook", 0, 1)
	bearer := "Bearer " + r.OrderToken
	tests := []struct {
		name, auth    string
		status        int
		code, message string
		stock         int
	}{
		{"no token", "", 401, "unauthorized", "Send the order token as Authorization: Bearer ….", before - 3},
		{"forged token", "Bearer bc1.o.k1.forged.sig", 401, "unauthorized", "", before - 3},
		{"another order's token", "Bearer " + other.OrderToken, 403, "forbidden", "The order token is for another order.", before - 3},
		{"released", bearer, 200, "", "", before - 1},
		{"released twice", bearer, 200, "", "", before - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, order, body := ts.orderCall(t, r.Order.ID, "release", tt.auth)
			if tt.status == 200 {
				if resp.StatusCode != 200 || order.Status != buycard.OrderCanceled || order.Holding() {
					t.Errorf("release = %d %s, want the order canceled, holding nothing", resp.StatusCode, body)
				}
			} else {
				wantError(t, resp, body, tt.status, tt.code, tt.message)
			}
			if got := ts.stock(t, "wgt_notebook", 0); got != tt.stock {
				t.Errorf("stock = %d, want %d", got, tt.stock)
			}
		})
	}
	// A paid order is not released: it comes back as it is.
	paid := ts.checkout(t, "wgt_notebook", 0, 1)
	ts.payOrder(t, paid)
	resp, order, body := ts.orderCall(t, paid.Order.ID, "release", "Bearer "+paid.OrderToken)
	if resp.StatusCode != 200 || order.Status != buycard.OrderPaid {
		t.Errorf("release of a paid order = %d %s, want it paid", resp.StatusCode, body)
	}
}

// A renewal moves the hold; an order released meanwhile holds nothing.
func TestRenewHold(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	r := ts.checkout(t, "wgt_notebook", 0, 1)
	bearer := "Bearer " + r.OrderToken
	heldFor := func() time.Time { return ts.now.Add(api.DefaultHoldTTL).Truncate(time.Microsecond) }
	if r.Order.HeldUntil == nil || !r.Order.HeldUntil.Equal(heldFor()) {
		t.Fatalf("new order held until %v, want %v", r.Order.HeldUntil, heldFor())
	}
	ts.now = ts.now.Add(3 * api.DefaultHoldTTL / 5)
	resp, order, body := ts.orderCall(t, r.Order.ID, "hold", bearer)
	if resp.StatusCode != 200 || order.HeldUntil == nil || !order.HeldUntil.Equal(heldFor()) {
		t.Fatalf("renewal = %d %s, want held until %v", resp.StatusCode, body, heldFor())
	}
	resp, _, body = ts.orderCall(t, r.Order.ID, "hold", "Bearer "+ts.checkout(t, "wgt_notebook", 0, 1).OrderToken)
	wantError(t, resp, body, 403, "forbidden", "The order token is for another order.")
	ts.orderCall(t, r.Order.ID, "release", bearer)
	resp, _, body = ts.orderCall(t, r.Order.ID, "hold", bearer)
	wantError(t, resp, body, 409, "conflict", "This order is canceled: it holds nothing.")
}

// A shopper closing the checkout while the payment goes through: the
// order ends paid with its sale journal and sells its units once, or
// canceled with nothing sold and nothing charged.
func TestReleaseRacesPayment(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for range 10 {
		before := ts.stock(t, "wgt_notebook", 0)
		r := ts.checkout(t, "wgt_notebook", 0, 1)
		var (
			wg      sync.WaitGroup
			payResp *http.Response
			release *http.Response
		)
		wg.Go(func() { payResp, _ = ts.payOrder(t, r) })
		wg.Go(func() { release, _, _ = ts.orderCall(t, r.Order.ID, "release", "Bearer "+r.OrderToken) })
		wg.Wait()
		order, err := ts.db.FindOrder(t.Context(), r.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		journals := ts.saleJournals(t, r.Order.ID)
		sold := map[buycard.OrderStatus]int{buycard.OrderPaid: 1, buycard.OrderCanceled: 0}
		n, ok := sold[order.Status]
		switch {
		case !ok || release.StatusCode != 200:
			t.Fatalf("order %s, release %d: want paid or canceled, released with 200", order.Status, release.StatusCode)
		case (payResp.StatusCode == 200) != (n == 1):
			t.Errorf("payment answered %d, order %s", payResp.StatusCode, order.Status)
		case journals != n || ts.stock(t, "wgt_notebook", 0) != before-n || order.Oversold != 0:
			t.Errorf("order %s: %d sale journals, stock %d → %d, oversold %d: want %d sold", order.Status, journals,
				before, ts.stock(t, "wgt_notebook", 0), order.Oversold, n)
		}
	}
}

// saleJournals counts the sale journals of an order in the ledger.
func (ts *testServer) saleJournals(t *testing.T, orderID string) int {
	t.Helper()
	journals, err := ts.db.OrderJournals(t.Context(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range journals {
		if j.Key == "sale:"+orderID {
			n++
		}
	}
	return n
}

// A product all of whose units are held says so, with when to check back,
// on the card, the product page and the checkout; truly sold out differs.
func TestHeldProductSaysWhenToCheckBack(t *testing.T) {
	t.Parallel()
	ts := newDropServer(t, func(cfg *api.Config, _ *api.Services) { cfg.ResponseCacheTTL = 0 })
	ts.restock(t, 2, 1)
	for _, ip := range []string{hoarderIP, shopperIP} {
		if resp, body := ts.checkoutFrom(t, ip, 1); resp.StatusCode != http.StatusCreated {
			t.Fatalf("checkout = %d %s", resp.StatusCode, body)
		}
	}
	// The card has room for a short note; its pages say why.
	state, html := ts.cardState(t)
	if short := "Back in 5 min"; state != "held" || !strings.Contains(html, `data-state="held"`) || !strings.Contains(html, short) {
		t.Errorf("card %q: %s, want held with %q", state, html, short)
	}
	const note = "All held in other checkouts. Check back in 5 min."
	token := ts.cardToken(t, "wgt_notebook")
	pages := map[string]string{
		"product page": "/p/wgt_notebook",
		"checkout":     "/checkout/wgt_notebook?t=" + token,
	}
	for name, path := range pages {
		if _, page := ts.do(t, "GET", path, "", ""); !strings.Contains(page, note) {
			t.Errorf("%s lacks %q", name, note)
		}
	}
	_, body := ts.do(t, "GET", "/v1/offers/wgt_notebook?t="+token, "", "")
	var offer buycard.Offer
	if err := json.Unmarshal([]byte(body), &offer); err != nil || offer.Availability != buycard.Held || offer.HeldUntil == nil {
		t.Errorf("offer %s, want held with held_until", body)
	}
}

// With Stripe, releasing an order expires its Checkout Session before the
// order is canceled, so it can no longer be paid; a session already paid
// keeps its order, whose payment is on its way.
func TestReleaseExpiresStripeSession(t *testing.T) {
	t.Parallel()
	ts := newHostedTest(t)
	expirations := func(r checkoutReply) int {
		return len(ts.fake.Created("/v1/checkout/sessions/" + r.Payment.SessionID + "/expire"))
	}
	left := ts.checkout(t, "wgt_notebook", 0, 1)
	resp, order, body := ts.orderCall(t, left.Order.ID, "release", "Bearer "+left.OrderToken)
	if resp.StatusCode != 200 || order.Status != buycard.OrderCanceled || expirations(left) != 1 {
		t.Errorf("release = %d %s after %d expirations, want canceled after 1", resp.StatusCode, body, expirations(left))
	}
	if got := ts.fake.SessionStatus(left.Payment.SessionID); got != "expired" {
		t.Errorf("session %s after the release, want expired", got)
	}
	ts.orderCall(t, left.Order.ID, "release", "Bearer "+left.OrderToken)
	if n := expirations(left); n != 1 {
		t.Errorf("%d expirations after a second release, want still 1", n)
	}

	paying := ts.checkout(t, "wgt_notebook", 0, 1)
	ts.fake.PaySession(paying.Payment.SessionID, "pi_paying")
	resp, _, body = ts.orderCall(t, paying.Order.ID, "release", "Bearer "+paying.OrderToken)
	wantError(t, resp, body, http.StatusConflict, "conflict", "This order is being paid: it can no longer be released.")
	if o, err := ts.db.FindOrder(t.Context(), paying.Order.ID); err != nil || o.Status != buycard.OrderPending || !o.Holding() {
		t.Errorf("order %+v (%v), want pending and holding until its payment arrives", o, err)
	}
}
