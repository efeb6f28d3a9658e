package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect"
)

// TestStripeReturn pays an order through the shopper's return from
// Stripe's checkout, then lets the webhook deliver the same payment: one
// paid order, one sale journal, and the receipt.
func TestStripeReturn(t *testing.T) {
	t.Parallel()
	st := newStripeTest(t)
	o := st.pendingOrder(t)
	session, err := st.provider.CreatePaymentSession(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.db.AttachPaymentSession(t.Context(), o.ID, stripeconnect.Name, session.ID); err != nil {
		t.Fatal(err)
	}
	so := stripeOrder{ID: o.ID, SessionID: session.ID, PaymentIntent: "pi_return"}

	resp, body := st.do(t, "GET", "/checkout/return?session_id="+session.ID, "", "")
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "The payment is not complete.") {
		t.Fatalf("return before payment = %d %s", resp.StatusCode, body)
	}
	st.wantUnchanged(t, so)

	st.fake.PaySession(session.ID, "pi_return")
	for range 2 { // the shopper reloads the page
		resp, _ = st.do(t, "GET", "/checkout/return?session_id="+session.ID, "", "")
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(loc, "/checkout/wgt_notebook/receipt?order="+o.ID+"&ot=bc1.") {
			t.Fatalf("return after payment = %d, Location %q", resp.StatusCode, loc)
		}
	}
	st.wantPaidOnce(t, so)

	st.mustDeliver(t, event("evt_return_completed", "checkout.session.completed", st.now, map[string]any{
		"id": session.ID, "object": "checkout.session", "mode": "payment", "status": "complete", "payment_status": "paid",
		"amount_total": o.Total.Amount, "currency": "usd", "client_reference_id": o.ID, "payment_intent": "pi_return",
		"metadata": map[string]any{"order_id": o.ID},
	}))
	st.wantPaidOnce(t, so)

	for _, bad := range []string{"", "pi_123", "cs_test_<script>"} {
		resp, _ := st.do(t, "GET", "/checkout/return?session_id="+bad, "", "")
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("session_id %q = %d, want 400", bad, resp.StatusCode)
		}
	}
	if got := st.order(t, o.ID); got.Status != buycard.OrderPaid {
		t.Errorf("order = %s", got.Status)
	}
}
