package server

import (
	"fmt"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sqlite"
)

// TestCloseFlushesEvents sends a beacon to a node and closes it before
// any periodic flush: the counts are in the database after Close.
func TestCloseFlushesEvents(t *testing.T) {
	t.Parallel()
	m, _ := startStripeNode(t)
	tokens, err := m.tokenSigner()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	token := tokens.SignPlacement(buycard.PlacementClaims{WidgetID: "wgt_notebook", ProductID: "prd_notebook", PlacementID: "plc_feednotebook",
		ExpiresAt: now.Add(time.Hour), ServedAt: now.Truncate(time.Minute)})
	body := fmt.Sprintf(`{"v":1,"page":"0123456789abcdefghijkl","events":[{"type":"impression","token":%q,"at":%d}]}`, token, now.UnixMilli())
	ua := map[string]string{"Content-Type": "text/plain;charset=UTF-8", "User-Agent": "Mozilla/5.0 Chrome/131.0"}
	if status := post(t, m, "/v1/events", []byte(body), ua, nil); status != 204 {
		t.Fatalf("beacon = %d, want 204", status)
	}
	path, _ := m.Config.SQLitePath()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day := now.UTC().Format(buycard.DayLayout)
	days, err := db.FunnelDays(t.Context(), buycard.FunnelQuery{WidgetID: "wgt_notebook", From: day, To: day})
	if err != nil || len(days) != 1 || days[0].Impressions != 1 {
		t.Fatalf("funnel after Close: %+v, %v; want 1 impression", days, err)
	}
}

// BenchmarkStartNode starts and closes a node on a fresh SQLite database:
// the cost tests pay per node, once the process has made what nodes share.
func BenchmarkStartNode(b *testing.B) {
	for b.Loop() {
		m, _ := startStripeNodeOn(b, "")
		if err := m.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
