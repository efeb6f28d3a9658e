package operations

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sandbox"
	"github.com/buycard/buycard/backend/storetest"
)

// TestExpiredOrdersReleaseStock runs the sweeper once over an order whose
// session ran out, and one that never got a session.
func TestExpiredOrdersReleaseStock(t *testing.T) {
	t.Parallel()
	w, db := newWorkflows(t)
	w.Sandbox = sandbox.New([]byte("sandbox|operations tests"), time.Now)

	f := storetest.Seed(t, db)
	stock := f.Stock(t, db, 0)
	past := time.Now().Add(-time.Minute)
	newOrder := func() *buycard.Order {
		n := f.NewOrder(0, 2)
		n.ExpiresAt = past
		o, err := db.CreateOrder(t.Context(), n)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	withSession, withoutSession := newOrder(), newOrder()
	session, err := w.Sandbox.CreatePaymentSession(t.Context(), withSession)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AttachPaymentSession(t.Context(), withSession.ID, "sandbox", session.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.expireOrders(t.Context()); err != nil {
		t.Fatal(err)
	}
	// (The second checkout ended the first order's hold, due already.)
	if got := f.Stock(t, db, 0); got != stock {
		t.Errorf("stock %d, want %d: both orders' units back", got, stock)
	}
	for id, want := range map[string]buycard.OrderStatus{withSession.ID: buycard.OrderExpired, withoutSession.ID: buycard.OrderCanceled} {
		if o, err := db.FindOrder(t.Context(), id); err != nil || o.Status != want {
			t.Errorf("order %s: %v %v, want %s", id, o.Status, err, want)
		}
	}
}
