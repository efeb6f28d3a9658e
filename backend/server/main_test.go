package server

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/storetest"
)

// TestExpiredOrdersReleaseStock runs the sweeper once over an order whose
// session ran out, and one that never got a session.
func TestExpiredOrdersReleaseStock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "app.wasm"), []byte("\x00asm"), 0o644)
	os.WriteFile(filepath.Join(dir, "console.wasm"), []byte("\x00asm"), 0o644)
	env := map[string]string{
		"BUYCARD_ADDR": "127.0.0.1:0", "BUYCARD_NO_SEED": "1", "BUYCARD_WEB_DIR": dir,
		"BUYCARD_DATABASE_URL": "sqlite:" + filepath.Join(dir, "t.db"),
	}
	m, err := NewMain(func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	f := storetest.Seed(t, m.DB)
	stock := f.Stock(t, m.DB, 0)
	past := time.Now().Add(-time.Minute)
	newOrder := func() *buycard.Order {
		n := f.NewOrder(0, 2)
		n.ExpiresAt = past
		o, err := m.DB.CreateOrder(t.Context(), n)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	withSession, withoutSession := newOrder(), newOrder()
	session, err := m.sandbox.CreateSession(t.Context(), withSession)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.DB.AttachPaymentSession(t.Context(), withSession.ID, "sandbox", session.ID); err != nil {
		t.Fatal(err)
	}
	if err := m.expireOrders(t.Context()); err != nil {
		t.Fatal(err)
	}
	// (The second checkout ended the first order's hold, due already.)
	if got := f.Stock(t, m.DB, 0); got != stock {
		t.Errorf("stock %d, want %d: both orders' units back", got, stock)
	}
	for id, want := range map[string]buycard.OrderStatus{withSession.ID: buycard.OrderExpired, withoutSession.ID: buycard.OrderCanceled} {
		if o, err := m.DB.FindOrder(t.Context(), id); err != nil || o.Status != want {
			t.Errorf("order %s: %v %v, want %s", id, o.Status, err, want)
		}
	}
}
