package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/demo"
	"github.com/buycard/buycard/ledger"
)

// TestPublisherEarningSales follows three sales of the Daily Scroll: one
// released and paid out, one released, one still in the hold window. The
// list says where each share stands, the statement and its CSV show the
// same money, and nobody else sees any of it.
func TestPublisherEarningSales(t *testing.T) {
	t.Parallel()
	hold := 7 * 24 * time.Hour
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams, cfg.PublisherHold = auth.TestParams, hold
		svc.Auth = svc.Catalog.(buycard.AuthService)
	})
	doc := loadOpenAPI(t)
	key := partyKey(t, ts, buycard.PartyPublisher, demo.PublisherID)
	_, otherKey := publisherWithKey(t, ts, "Other")
	mer, _ := signup(t, ts, "meg@example.com", "merchant")
	paid, released, pending := ts.buyNotebook(t), ts.buyNotebook(t), ts.buyNotebook(t)
	share := buycard.Money{Amount: 240, Currency: "USD"} // 10% of $24.00
	for _, id := range []string{paid, released} {
		post(t, ts)(ledger.PublisherRelease(ledger.Release{OrderID: id, PublisherID: demo.PublisherID, Amount: share, EffectiveAt: ts.now}))
	}
	post(t, ts)(ledger.PublisherPayout(ledger.Payout{PayoutID: "batch-1", PublisherID: demo.PublisherID, Amount: share, Available: 480, EffectiveAt: ts.now}))

	body := publisherRequest{"own", "GET", "/v1/earnings/sales", "", key, 200, `"hold_seconds":604800`, ""}.run(t, ts, doc, "/v1/earnings/sales")
	var got struct{ Sales []buycard.PublisherSale }
	must(t, json.Unmarshal([]byte(body), &got))
	want := []struct {
		id, status string
		until      bool
	}{{pending, buycard.SharePending, true}, {released, buycard.ShareAvailable, false}, {paid, buycard.SharePaid, false}}
	if len(got.Sales) != len(want) {
		t.Fatalf("sales = %s", body)
	}
	for i, w := range want {
		s := got.Sales[i]
		if s.OrderID != w.id || s.Status != w.status || (s.PendingUntil != nil) != w.until || s.Share != share ||
			s.ShareBPS != 1000 || s.Total.Amount != 2400 || s.ProductTitle != "Leather field notebook" || s.PlacementID != "plc_feednotebook" {
			t.Errorf("sale %d = %+v, want %s %s", i, s, w.id, w.status)
		}
		if w.until && !s.PendingUntil.Equal(s.SoldAt.Add(hold)) {
			t.Errorf("pending until %v, want %v after %v", s.PendingUntil, hold, s.SoldAt)
		}
	}

	day := ts.now.UTC().Format(buycard.DayLayout)
	rows := []publisherRequest{
		{"limit", "GET", "/v1/earnings/sales?limit=1", "", key, 200, pending, released},
		{"bad limit", "GET", "/v1/earnings/sales?limit=0", "", key, 400, "limit must be", ""},
		{"another publisher's sales", "GET", "/v1/earnings/sales", "", otherKey, 200, `"sales":[]`, paid},
		{"anonymous", "GET", "/v1/earnings/sales", "", nil, 401, "unauthorized", ""},
		{"merchant", "GET", "/v1/earnings/sales", "", mer.headers(), 403, "forbidden", ""},
	}
	for _, r := range rows {
		r.run(t, ts, doc, "/v1/earnings/sales")
	}
	statement := []publisherRequest{
		{"pending", "GET", "/v1/earnings/statement?currency=USD", "", key, 200, `"account":"publisher:pub_dailyscroll:pending:USD"`, ""},
		{"paid", "GET", "/v1/earnings/statement?currency=usd&account=paid&from=" + day + "&to=" + day, "", key, 200, `"journal_key":"publisher_payout:batch-1"`, "sale:"},
		{"another publisher's", "GET", "/v1/earnings/statement?currency=USD", "", otherKey, 200, `"entries":[]`, paid},
		{"bad account", "GET", "/v1/earnings/statement?currency=USD&account=payable", "", key, 400, "account must be pending, available or paid.", ""},
		{"no currency", "GET", "/v1/earnings/statement", "", key, 400, "currency is required", ""},
		{"bad range", "GET", "/v1/earnings/statement?currency=USD&from=2026-02-01&to=2026-01-01", "", key, 400, "invalid", ""},
		{"bad format", "GET", "/v1/earnings/statement?currency=USD&format=xml", "", key, 400, "format must be json or csv.", ""},
		{"anonymous", "GET", "/v1/earnings/statement?currency=USD", "", nil, 401, "unauthorized", ""},
		{"merchant", "GET", "/v1/earnings/statement?currency=USD", "", mer.headers(), 403, "forbidden", ""},
	}
	for _, r := range statement {
		r.run(t, ts, doc, "/v1/earnings/statement")
	}
	resp, csv := ts.do(t, "GET", "/v1/earnings/statement?currency=USD&format=csv", "", "", key...)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "statement-pub_dailyscroll-pending-USD-") ||
		len(lines) != 6 || !strings.HasSuffix(lines[1], ",2.40,2.40,USD") || !strings.HasSuffix(lines[5], ",-2.40,2.40,USD") {
		t.Errorf("CSV = %d %v\n%s", resp.StatusCode, resp.Header, csv)
	}
	publisherRequest{"payouts without Stripe", "GET", "/v1/payouts", "", key, 200, `"journal_key":"publisher_payout:batch-1"`, ""}.run(t, ts, doc, "/v1/payouts")
}

// post returns a function that appends the journal it is given, built
// without error, to the test server's ledger.
func post(t *testing.T, ts *testServer) func(ledger.Journal, error) {
	return func(j ledger.Journal, err error) {
		t.Helper()
		if err == nil {
			_, err = ts.db.Post(t.Context(), j)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestPlacementShareNotice: the Daily Scroll's placement page says what
// it earns and from where; when Northwind lowers the notebook's share,
// the placement keeps its share for the notice and says until when, the
// next checkout through it still snapshots the old share, and another
// publisher cannot read the placement.
func TestPlacementShareNotice(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams = auth.TestParams
		svc.Auth = svc.Catalog.(buycard.AuthService)
	})
	doc := loadOpenAPI(t)
	key := partyKey(t, ts, buycard.PartyPublisher, demo.PublisherID)
	_, otherKey := publisherWithKey(t, ts, "Other")
	merchant := partyKey(t, ts, buycard.PartyMerchant, "mer_northwind")
	const path = "/v1/placements/plc_feednotebook"
	publisherRequest{"before", "GET", path, "", key, 200, `"share":{"share_bps":1000,"source":"widget","base_share_bps":1000}`, "kept_until"}.run(t, ts, doc, "/v1/placements/{id}")

	resp, body := ts.do(t, "PATCH", "/v1/widgets/wgt_notebook", "application/json", `{"publisher_share_bps":250}`, merchant...)
	if resp.StatusCode != 200 {
		t.Fatalf("PATCH = %d %s", resp.StatusCode, body)
	}
	body = publisherRequest{"kept", "GET", path, "", key, 200, `"share_bps":1000,"source":"widget","base_share_bps":250,"kept_until":"`, ""}.run(t, ts, doc, "/v1/placements/{id}")
	if !strings.Contains(body, `"next_share_bps":250`) {
		t.Errorf("placement after the lowering = %s", body)
	}
	publisherRequest{"listed", "GET", "/v1/placements", "", key, 200, `"kept_until"`, ""}.run(t, ts, doc, "/v1/placements")
	publisherRequest{"another publisher's", "GET", path, "", otherKey, 404, "not_found", "kept_until"}.run(t, ts, doc, "/v1/placements/{id}")
	if o := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1).Order; o.PublisherShareBPS != 1000 {
		t.Errorf("checkout inside the notice snapshots %d, want the kept 1000", o.PublisherShareBPS)
	}
}

// TestZeroShareWidgetsUnlisted: a widget whose share drops to 0% leaves
// the catalog until its merchant lists it at 0% (listed_without_share,
// which PATCH and GET /v1/widgets carry).
func TestZeroShareWidgetsUnlisted(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams = auth.TestParams
		svc.Auth = svc.Catalog.(buycard.AuthService)
	})
	doc := loadOpenAPI(t)
	_, key := publisherWithKey(t, ts, "Reader")
	merchant := partyKey(t, ts, buycard.PartyMerchant, "mer_northwind")
	patch := func(body, want string) {
		t.Helper()
		resp, got := ts.do(t, "PATCH", "/v1/widgets/wgt_tee", "application/json", body, merchant...)
		if resp.StatusCode != 200 || !strings.Contains(got, want) {
			t.Fatalf("PATCH %s = %d %s", body, resp.StatusCode, got)
		}
		validateResponse(t, doc, "PATCH", "/v1/widgets/{id}", "/v1/widgets/wgt_tee", resp, got)
	}
	publisherRequest{"shared", "GET", "/v1/catalog", "", key, 200, `"widget_id":"wgt_tee"`, ""}.run(t, ts, doc, "/v1/catalog")
	patch(`{"publisher_share_bps":0}`, `"listed_without_share":false`)
	publisherRequest{"at 0%", "GET", "/v1/catalog", "", key, 200, `"widgets":[`, `"widget_id":"wgt_tee"`}.run(t, ts, doc, "/v1/catalog")
	publisherRequest{"not a catalog widget", "POST", "/v1/placements", `{"widget_id":"wgt_tee","name":"X"}`, key, 400, "GET /v1/catalog", ""}.run(t, ts, doc, "/v1/placements")
	patch(`{"listed_without_share":true}`, `"listed_without_share":true`)
	publisherRequest{"listed at 0%", "GET", "/v1/catalog", "", key, 200, `"widget_id":"wgt_tee"`, ""}.run(t, ts, doc, "/v1/catalog")
}
