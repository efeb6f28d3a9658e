package api_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/ledger"
)

// newPublisherServer is the test server with accounts and the publisher
// routes' services on.
func newPublisherServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams = auth.TestParams
		db := svc.Catalog
		svc.Auth, svc.Accounts = db.(buycard.AuthService), db.(buycard.AccountService)
		svc.Transfers = db.(ledger.ShareTransfers)
	})
}

// publisherWithKey makes a publisher through the store and returns its id
// and the headers of one of its API keys.
func publisherWithKey(t *testing.T, ts *testServer, name string) (string, []string) {
	t.Helper()
	ctx := t.Context()
	p := &buycard.Publisher{Name: name}
	if err := ts.db.CreatePublisher(ctx, p); err != nil {
		t.Fatal(err)
	}
	return p.ID, partyKey(t, ts, buycard.PartyPublisher, p.ID)
}

// pay makes amount available to the publisher (an adjustment from the
// demo merchant) and pays it out: its paid account ends with it.
func pay(t *testing.T, ts *testServer, publisherID, payoutID string, amount buycard.Money) {
	t.Helper()
	pub := ledger.Publisher(publisherID)
	adjust := ledger.Journal{
		Key: "adjustment:" + payoutID, Kind: ledger.KindAdjustment, Currency: amount.Currency, EffectiveAt: ts.now,
		Postings: []ledger.Posting{
			{Account: ledger.Account(ledger.Merchant("mer_northwind"), ledger.Payable, amount.Currency), Amount: amount.Amount},
			{Account: ledger.Account(pub, ledger.Available, amount.Currency), Amount: -amount.Amount},
		},
	}
	payout, err := ledger.PublisherPayout(ledger.Payout{PayoutID: payoutID, PublisherID: publisherID, Amount: amount, Available: amount.Amount, EffectiveAt: ts.now})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range []ledger.Journal{adjust, payout} {
		if _, err := ts.db.Post(t.Context(), j); err != nil {
			t.Fatal(err)
		}
	}
}

// publisherRequest is one row of a scenario table: a request and the
// status and body text it must get.
type publisherRequest struct {
	name, method, path, body string
	headers                  []string
	status                   int
	contains, lacks          string
}

// run sends the request and checks it, and that the response matches the
// OpenAPI document at pattern.
func (r publisherRequest) run(t *testing.T, ts *testServer, doc *openapi3.T, pattern string) string {
	t.Helper()
	ct := ""
	if r.body != "" {
		ct = "application/json"
	}
	resp, body := ts.do(t, r.method, r.path, ct, r.body, r.headers...)
	if resp.StatusCode != r.status || !strings.Contains(body, r.contains) || (r.lacks != "" && strings.Contains(body, r.lacks)) {
		t.Fatalf("%s: %s %s = %d %s; want %d containing %q, lacking %q", r.name, r.method, r.path, resp.StatusCode, body, r.status, r.contains, r.lacks)
	}
	validateResponse(t, doc, r.method, pattern, r.path, resp, body)
	return body
}

func TestPublisherRoutes(t *testing.T) {
	t.Parallel()
	ts, doc := newPublisherServer(t), loadOpenAPI(t)
	pub, _ := signup(t, ts, "pat@example.com", "publisher")
	mer, _ := signup(t, ts, "meg@example.com", "merchant")
	keyPub, key := publisherWithKey(t, ts, "Keyed")
	csrfLess := []string{"Cookie", pub.cookie}
	acct := &buycard.PaymentAccount{ID: "acct_keyed", PartyKind: buycard.PartyPublisher, PartyID: keyPub, PayoutsEnabled: true, UpdatedAt: ts.now}
	if err := ts.db.LinkPaymentAccount(t.Context(), acct); err != nil {
		t.Fatal(err)
	}
	pay(t, ts, keyPub, "test-payout-1", buycard.Money{Amount: 1234, Currency: "EUR"})

	// Each route's table: happy paths, validation, anonymous, merchant.
	tables := []struct {
		pattern string
		rows    []publisherRequest
	}{
		{"/v1/catalog", []publisherRequest{
			{"publisher", "GET", "/v1/catalog", "", pub.headers(), 200, `"widget_id":"wgt_notebook"`, `wgt_mug`},
			{"API key", "GET", "/v1/catalog", "", key, 200, `"share_bps"`, ""},
			{"anonymous", "GET", "/v1/catalog", "", nil, 401, "unauthorized", ""},
			{"merchant", "GET", "/v1/catalog", "", mer.headers(), 403, "forbidden", ""},
		}},
		{"/v1/placements", []publisherRequest{
			{"create", "POST", "/v1/placements", `{"widget_id":"wgt_notebook","name":"Sidebar"}`, pub.headers(), 201, `"widget_name":"Leather field notebook"`, ""},
			{"create with a key", "POST", "/v1/placements", `{"widget_id":"wgt_tee","name":"Footer"}`, key, 201, `"snippets"`, ""},
			{"list", "GET", "/v1/placements", "", pub.headers(), 200, `"name":"Sidebar"`, "Footer"},
			{"unknown widget", "POST", "/v1/placements", `{"widget_id":"wgt_nope","name":"X"}`, pub.headers(), 400, "GET /v1/catalog", ""},
			{"closed widget", "POST", "/v1/placements", `{"widget_id":"wgt_mug","name":"X"}`, pub.headers(), 400, "GET /v1/catalog", ""},
			{"no name", "POST", "/v1/placements", `{"widget_id":"wgt_notebook","name":" "}`, pub.headers(), 400, "name is required", ""},
			{"long name", "POST", "/v1/placements", `{"widget_id":"wgt_notebook","name":"` + strings.Repeat("x", 101) + `"}`, pub.headers(), 400, "at most 100", ""},
			{"no CSRF", "POST", "/v1/placements", `{"widget_id":"wgt_notebook","name":"X"}`, csrfLess, 403, "X-CSRF-Token", ""},
			{"anonymous", "POST", "/v1/placements", `{"widget_id":"wgt_notebook","name":"X"}`, nil, 401, "unauthorized", ""},
			{"merchant", "POST", "/v1/placements", `{"widget_id":"wgt_notebook","name":"X"}`, mer.headers(), 403, "forbidden", ""},
			{"merchant list", "GET", "/v1/placements", "", mer.headers(), 403, "forbidden", ""},
			{"anonymous list", "GET", "/v1/placements", "", nil, 401, "unauthorized", ""},
		}},
		{"/v1/placements/{id}", []publisherRequest{
			{"another publisher's", "GET", "/v1/placements/plc_feednotebook", "", pub.headers(), 404, "not_found", ""},
			{"not an id", "GET", "/v1/placements/nope", "", pub.headers(), 404, "not_found", ""},
			{"anonymous", "GET", "/v1/placements/plc_feednotebook", "", nil, 401, "unauthorized", ""},
			{"merchant", "GET", "/v1/placements/plc_feednotebook", "", mer.headers(), 403, "forbidden", ""},
		}},
		{"/v1/earnings", []publisherRequest{
			{"none yet", "GET", "/v1/earnings", "", pub.headers(), 200, `{"earnings":{}}`, ""},
			{"paid", "GET", "/v1/earnings", "", key, 200, `"EUR":{"available":0,"paid":1234,"pending":0}`, ""},
			{"anonymous", "GET", "/v1/earnings", "", nil, 401, "unauthorized", ""},
			{"merchant", "GET", "/v1/earnings", "", mer.headers(), 403, "forbidden", ""},
		}},
		{"/v1/payouts", []publisherRequest{
			{"none yet", "GET", "/v1/payouts", "", pub.headers(), 200, `{"held":false,"paid":[],"transfers":[]}`, ""},
			{"paid", "GET", "/v1/payouts", "", key, 200, `"journal_key":"publisher_payout:test-payout-1"`, ""},
			{"anonymous", "GET", "/v1/payouts", "", nil, 401, "unauthorized", ""},
			{"merchant", "GET", "/v1/payouts", "", mer.headers(), 403, "forbidden", ""},
		}},
		{"/v1/payment-account", []publisherRequest{
			{"none yet", "GET", "/v1/payment-account", "", pub.headers(), 404, "not_found", ""},
			{"onboarded", "GET", "/v1/payment-account", "", key, 200, `"id":"acct_keyed"`, ""},
			{"anonymous", "GET", "/v1/payment-account", "", nil, 401, "unauthorized", ""},
			{"merchant without an account", "GET", "/v1/payment-account", "", mer.headers(), 404, "not_found", ""},
		}},
	}
	for _, table := range tables {
		t.Run(table.pattern, func(t *testing.T) {
			for _, r := range table.rows {
				r.run(t, ts, doc, table.pattern)
			}
		})
	}

	// The placement made above, read back by its publisher only.
	list, err := ts.db.ListPlacements(t.Context(), keyPub)
	if err != nil || len(list) != 1 {
		t.Fatalf("placements of the keyed publisher = %v, %v", list, err)
	}
	path := "/v1/placements/" + list[0].ID
	publisherRequest{"own", "GET", path, "", key, 200, `"widget_name":"Daily Scroll organic tee"`, ""}.run(t, ts, doc, "/v1/placements/{id}")
	publisherRequest{"other's", "GET", path, "", pub.headers(), 404, "not_found", ""}.run(t, ts, doc, "/v1/placements/{id}")
}

// publisherState is what one publisher's requests must never change or
// see of another's.
type publisherState struct {
	Placements []*buycard.PlacementListing
	Balances   []ledger.Balance
}

func stateOf(t *testing.T, ts *testServer, publisherID string) publisherState {
	t.Helper()
	placements, err := ts.db.ListPlacements(t.Context(), publisherID)
	if err != nil {
		t.Fatal(err)
	}
	balances, err := ts.db.Balances(t.Context(), ledger.Publisher(publisherID))
	if err != nil {
		t.Fatal(err)
	}
	return publisherState{placements, balances}
}

// TestPublisherAuthorization checks, for 100 generated pairs of
// publishers A and B, that every request of A naming B's placements is
// refused with 404 and changes nothing of B's, and that A's lists and
// earnings never include B's.
func TestPublisherAuthorization(t *testing.T) {
	t.Parallel()
	ts := newPublisherServer(t)
	rng := rand.New(rand.NewPCG(6, 6))
	widgets := []string{"wgt_notebook", "wgt_tee", "wgt_matcha", "wgt_oud", "wgt_print"}
	currencies := []string{"USD", "EUR", "GBP"}
	for i := range 100 {
		aID, aKey := publisherWithKey(t, ts, fmt.Sprintf("A%d", i))
		bID, _ := publisherWithKey(t, ts, fmt.Sprintf("B%d", i))
		var bPlacements []string
		for j := range 1 + rng.IntN(3) {
			p := &buycard.Placement{PublisherID: bID, WidgetID: widgets[rng.IntN(len(widgets))], Name: fmt.Sprintf("b%d-%d", i, j)}
			if err := ts.db.CreatePlacement(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			bPlacements = append(bPlacements, p.ID)
		}
		amount := buycard.Money{Amount: 1 + rng.Int64N(100_000), Currency: currencies[rng.IntN(len(currencies))]}
		pay(t, ts, bID, fmt.Sprintf("pair-%d", i), amount)
		before := stateOf(t, ts, bID)

		for _, id := range bPlacements {
			if resp, body := ts.do(t, "GET", "/v1/placements/"+id, "", "", aKey...); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("pair %d: A reading B's %s = %d %s, want 404", i, id, resp.StatusCode, body)
			}
			if resp, body := ts.do(t, "POST", "/v1/placements", "application/json", `{"widget_id":"`+id+`","name":"x"}`, aKey...); resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("pair %d: A placing B's %s = %d %s, want 400", i, id, resp.StatusCode, body)
			}
		}
		for _, path := range []string{"/v1/placements", "/v1/earnings", "/v1/payouts", "/v1/payment-account"} {
			resp, body := ts.do(t, "GET", path, "", "", aKey...)
			if resp.StatusCode >= 500 || strings.Contains(body, bID) || strings.Contains(body, bPlacements[0]) {
				t.Fatalf("pair %d: A's %s = %d %s shows B's", i, path, resp.StatusCode, body)
			}
			if path == "/v1/earnings" && body != `{"earnings":{}}` {
				t.Fatalf("pair %d: A's earnings = %s, want none", i, body)
			}
		}
		if after := stateOf(t, ts, bID); !reflect.DeepEqual(before, after) {
			t.Fatalf("pair %d: B changed:\n%+v\n%+v", i, before, after)
		}
		if a := stateOf(t, ts, aID); len(a.Placements) != 0 || len(a.Balances) != 0 {
			t.Fatalf("pair %d: A gained %+v", i, a)
		}
	}
}

// TestPublisherCatalogShare checks that the catalog shows the share of the
// merchant's contract with the caller where there is one.
func TestPublisherCatalogShare(t *testing.T) {
	t.Parallel()
	ts := newPublisherServer(t)
	pubID, key := publisherWithKey(t, ts, "Contracted")
	if err := ts.db.SetPublisherContract(t.Context(), &buycard.PublisherContract{MerchantID: "mer_northwind", PublisherID: pubID, ShareBPS: 4321}); err != nil {
		t.Fatal(err)
	}
	resp, body := ts.do(t, "GET", "/v1/catalog", "", "", key...)
	var got struct {
		Widgets []buycard.CatalogEntry `json:"widgets"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got.Widgets) == 0 {
		t.Fatalf("catalog = %d %s", resp.StatusCode, body)
	}
	for _, w := range got.Widgets {
		if w.ShareBPS != 4321 || w.MinPrice <= 0 || w.MaxPrice < w.MinPrice {
			t.Errorf("catalog entry %+v: want the contract's 4321 and a price range", w)
		}
	}
}
