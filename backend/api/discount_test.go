package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

// TestDiscountCodeRoutes is the merchant's, the publisher's and everyone
// else's view of discount codes: the demo merchant makes a code for the
// demo publisher's placement, edits and archives it; another merchant,
// the publisher, an anonymous caller and a cookie without CSRF are
// refused, and the publisher sees the code without any buyer's data.
func TestDiscountCodeRoutes(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	northwind := partyKey(t, ts, buycard.PartyMerchant, "mer_northwind")
	publisher := partyKey(t, ts, buycard.PartyPublisher, "pub_dailyscroll")
	_, otherPublisher := publisherWithKey(t, ts, "Other blog")
	_, _, other := newMerchant(t, ts, "Other")
	cookie, _ := signup(t, ts, "ann@example.com", "merchant")
	noCSRF := []string{"Cookie", cookie.cookie}

	resp, body := ts.do(t, "POST", "/v1/discount-codes", "application/json",
		`{"code":"notebook25","percent_bps":2500,"max_redemptions":100,"max_per_buyer":1,"placement_id":"plc_feednotebook","widget_ids":["wgt_notebook"]}`,
		northwind...)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create = %d %s", resp.StatusCode, body)
	}
	var code buycard.DiscountCode
	must(t, json.Unmarshal([]byte(body), &code))
	if code.Code != "NOTEBOOK25" || code.PlacementID != "plc_feednotebook" || code.MerchantID != "mer_northwind" {
		t.Fatalf("created %+v", code)
	}
	one := "/v1/discount-codes/" + code.ID
	for _, tt := range []struct {
		name, method, path, body string
		headers                  []string
		want                     int
		contains                 string
	}{
		{"list", "GET", "/v1/discount-codes", "", northwind, 200, `"code":"NOTEBOOK25"`},
		{"get", "GET", one, "", northwind, 200, `"redeemed":0`},
		{"edit", "PATCH", one, `{"ends_at":"2030-01-01T00:00:00Z","amount_off":{"USD":500}}`, northwind, 200, `"amount_off":{"USD":500}`},
		{"remove the end", "PATCH", one, `{"ends_at":null}`, northwind, 200, ""},
		{"taken code", "POST", "/v1/discount-codes", `{"code":"Notebook25","percent_bps":100}`, northwind, 409, "You have a code NOTEBOOK25 already."},
		{"bad code", "POST", "/v1/discount-codes", `{"code":"a b","percent_bps":100}`, northwind, 400, ""},
		{"no amount", "POST", "/v1/discount-codes", `{"code":"NOTHING"}`, northwind, 400, "either a percentage or a fixed amount"},
		{"unknown field", "POST", "/v1/discount-codes", `{"code":"X10","percent_bps":100,"redeemed":0}`, northwind, 400, ""},
		{"another merchant's widget", "POST", "/v1/discount-codes", `{"code":"X10","percent_bps":100,"widget_ids":["wgt_notebook"]}`, other, 404, ""},
		{"another merchant's placement", "POST", "/v1/discount-codes", `{"code":"X10","percent_bps":100,"placement_id":"plc_feednotebook"}`, other, 404, ""},
		{"placements", "GET", "/v1/widget-placements", "", northwind, 200, `"id":"plc_feednotebook"`},
		{"another merchant's list", "GET", "/v1/discount-codes", "", other, 200, `{"discount_codes":[]}`},
		{"another merchant's placements", "GET", "/v1/widget-placements", "", other, 200, `{"placements":[]}`},
		{"another merchant reads", "GET", one, "", other, 404, "No discount code " + code.ID + "."},
		{"another merchant edits", "PATCH", one, `{"percent_bps":10000}`, other, 404, "No discount code " + code.ID + "."},
		{"another merchant archives", "POST", one + "/archive", "", other, 404, "No discount code " + code.ID + "."},
		{"unknown code", "GET", "/v1/discount-codes/dsc_nope", "", northwind, 404, "No discount code dsc_nope."},
		{"publisher", "GET", "/v1/discount-codes", "", publisher, 403, ""},
		{"publisher edits", "PATCH", one, `{"percent_bps":10000}`, publisher, 403, ""},
		{"anonymous", "GET", "/v1/discount-codes", "", nil, 401, ""},
		{"anonymous creates", "POST", "/v1/discount-codes", `{"code":"FREE","percent_bps":10000}`, nil, 401, ""},
		{"no CSRF", "PATCH", one, `{"percent_bps":10000}`, noCSRF, 403, ""},
		{"publisher's codes", "GET", "/v1/placement-codes", "", publisher, 200, `"code":"NOTEBOOK25","placement_id":"plc_feednotebook"`},
		{"another publisher's codes", "GET", "/v1/placement-codes", "", otherPublisher, 200, `{"discount_codes":[]}`},
		{"merchant on publisher codes", "GET", "/v1/placement-codes", "", northwind, 403, ""},
		{"anonymous publisher codes", "GET", "/v1/placement-codes", "", nil, 401, ""},
		{"archive", "POST", one + "/archive", "", northwind, 200, `"archived_at"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ct := ""
			if tt.body != "" {
				ct = "application/json"
			}
			resp, body := ts.do(t, tt.method, tt.path, ct, tt.body, tt.headers...)
			if resp.StatusCode != tt.want || !strings.Contains(body, tt.contains) {
				t.Errorf("%s %s = %d %s, want %d with %q", tt.method, tt.path, resp.StatusCode, body, tt.want, tt.contains)
			}
		})
	}
	got, err := ts.db.FindDiscountCode(t.Context(), code.ID)
	must(t, err)
	if got.PercentBPS != 0 || got.AmountOff["USD"] != 500 || got.EndsAt != nil || got.ArchivedAt == nil {
		t.Errorf("code after the table = %+v", got)
	}
	doc := loadOpenAPI(t)
	for _, r := range []struct {
		pattern, path string
		headers       []string
	}{
		{"/v1/discount-codes", "/v1/discount-codes", northwind},
		{"/v1/discount-codes/{id}", one, northwind},
		{"/v1/discount-codes/{id}", one, other},
		{"/v1/widget-placements", "/v1/widget-placements", northwind},
		{"/v1/placement-codes", "/v1/placement-codes", publisher},
	} {
		resp, body := ts.do(t, "GET", r.path, "", "", r.headers...)
		validateResponse(t, doc, "GET", r.pattern, r.path, resp, body)
	}
	_, body = ts.do(t, "GET", "/v1/placement-codes", "", "", publisher...)
	for _, private := range []string{"buyer", "email", "merchant_id", "max_per_buyer"} {
		if strings.Contains(body, private) {
			t.Errorf("the publisher's codes show %q: %s", private, body)
		}
	}
}
