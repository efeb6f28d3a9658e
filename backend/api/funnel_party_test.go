package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

func TestPartyFunnels(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	ctx := t.Context()
	merKey := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
	pubKey := partyKey(t, ts, buycard.PartyPublisher, demoPublisher)
	admin := adminBrowser(t, ts)
	otherMerchant, otherWidget, otherKey := newMerchant(t, ts, "Other")
	_ = otherMerchant
	ts.buyNotebook(t)
	day := ts.now.UTC().Format(buycard.DayLayout)
	must(t, ts.db.AddFunnelCounts(ctx, map[buycard.FunnelKey]buycard.FunnelCounts{
		{Day: day, WidgetID: "wgt_notebook", PlacementID: "plc_feednotebook", PublisherID: demoPublisher}: {Impressions: 10, Clicks: 4},
		{Day: day, WidgetID: "wgt_notebook"}:                                                  {Impressions: 5, Clicks: 1},
		{Day: day, WidgetID: otherWidget, PlacementID: "plc_other", PublisherID: "pub_other"}: {Impressions: 100, Clicks: 50},
	}))
	get := func(path string, headers []string, status int) string {
		t.Helper()
		resp, body := ts.do(t, "GET", path, "", "", headers...)
		if resp.StatusCode != status {
			t.Fatalf("GET %s = %d %s, want %d", path, resp.StatusCode, body, status)
		}
		pattern, _, _ := strings.Cut(path, "?")
		validateResponse(t, doc, "GET", pattern, path, resp, body)
		return body
	}
	total := func(body string) buycard.FunnelDay {
		var f buycard.Funnel
		must(t, json.Unmarshal([]byte(body), &f))
		return f.Total
	}
	if got := total(get("/v1/analytics/funnel", merKey, 200)); got.Impressions != 15 || got.Clicks != 5 || got.Sales != 1 {
		t.Errorf("merchant's funnel = %+v", got)
	}
	if got := total(get("/v1/analytics/funnel?widget=wgt_notebook&placement=plc_feednotebook", merKey, 200)); got.Impressions != 10 || got.Sales != 1 {
		t.Errorf("merchant's placement funnel = %+v", got)
	}
	if got := total(get("/v1/analytics/funnel", otherKey, 200)); got.Impressions != 100 || got.Sales != 0 {
		t.Errorf("other merchant's funnel = %+v", got)
	}
	if got := total(get("/v1/analytics/funnel", pubKey, 200)); got.Impressions != 10 || got.Clicks != 4 || got.Sales != 1 {
		t.Errorf("publisher's funnel = %+v", got)
	}
	if got := total(get("/v1/analytics/funnel?widget="+otherWidget, pubKey, 200)); got.Impressions != 0 {
		t.Errorf("publisher's funnel of a widget it never placed = %+v", got)
	}
	if got := total(get("/v1/analytics/funnel?widget=wgt_notebook", admin.headers(), 200)); got.Impressions != 15 {
		t.Errorf("admin's funnel = %+v", got)
	}
	if got := total(get("/v1/analytics/funnel?widget="+otherWidget, operator, 200)); got.Impressions != 100 {
		t.Errorf("operator's funnel = %+v", got)
	}

	var b buycard.FunnelBreakdown
	must(t, json.Unmarshal([]byte(get("/v1/analytics/funnel/breakdown?by=placement", merKey, 200)), &b))
	if len(b.Rows) != 2 || b.Rows[0].Key != "" || b.Rows[0].Total.Impressions != 5 || b.Rows[1].Key != "plc_feednotebook" || b.Rows[1].Total.Sales != 1 {
		t.Errorf("merchant's breakdown by placement = %+v", b)
	}
	b = buycard.FunnelBreakdown{}
	must(t, json.Unmarshal([]byte(get("/v1/analytics/funnel/breakdown?by=widget", pubKey, 200)), &b))
	if len(b.Rows) != 1 || b.Rows[0].Key != "wgt_notebook" || b.Rows[0].Total.Clicks != 4 || b.Rows[0].Rates.ClickThrough != 0.4 {
		t.Errorf("publisher's breakdown by widget = %+v", b)
	}
	b = buycard.FunnelBreakdown{}
	must(t, json.Unmarshal([]byte(get("/v1/analytics/funnel/breakdown?by=placement&widget=wgt_notebook", operator, 200)), &b))
	if len(b.Rows) != 2 {
		t.Errorf("operator's breakdown = %+v", b)
	}

	for _, tt := range []struct {
		name, path string
		headers    []string
		status     int
	}{
		{"other's widget", "/v1/analytics/funnel?widget=" + otherWidget, merKey, 404},
		{"other's widget breakdown", "/v1/analytics/funnel/breakdown?by=placement&widget=" + otherWidget, merKey, 404},
		{"unknown widget", "/v1/analytics/funnel?widget=wgt_nope", merKey, 404},
		{"other's placement", "/v1/analytics/funnel?placement=plc_feednotebook", otherKey, 404},
		{"no breakdown", "/v1/analytics/funnel/breakdown", merKey, 400},
		{"bad breakdown", "/v1/analytics/funnel/breakdown?by=day", merKey, 400},
		{"bad range", "/v1/analytics/funnel?from=2026-02-02&to=2026-02-01", merKey, 400},
		{"admin without widget", "/v1/analytics/funnel", admin.headers(), 400},
		{"operator without widget", "/v1/analytics/funnel/breakdown?by=widget", operator, 400},
		{"anonymous", "/v1/analytics/funnel", nil, 401},
		{"bad operator key", "/v1/analytics/funnel?widget=wgt_notebook", []string{"Authorization", "Bearer nope"}, 401},
	} {
		t.Run(tt.name, func(t *testing.T) { get(tt.path, tt.headers, tt.status) })
	}
}

// TestFunnelIsolation: for 100 pairs, a merchant asking for another
// merchant's widget, and a publisher for another publisher's placement,
// get 404, and their own funnels never count the other's traffic.
func TestFunnelIsolation(t *testing.T) {
	t.Parallel()
	ts := newConsoleServer(t)
	ctx := t.Context()
	_, aWidget, aKey := newMerchant(t, ts, "A")
	aPub := &buycard.Publisher{Name: "A"}
	must(t, ts.db.CreatePublisher(ctx, aPub))
	aPubKey := partyKey(t, ts, buycard.PartyPublisher, aPub.ID)
	day := ts.now.UTC().Format(buycard.DayLayout)
	for i := range 100 {
		_, bWidget, _ := newMerchant(t, ts, fmt.Sprintf("B%d", i))
		bPub := &buycard.Publisher{Name: "B"}
		must(t, ts.db.CreatePublisher(ctx, bPub))
		bPlc := &buycard.Placement{PublisherID: bPub.ID, WidgetID: aWidget, Name: "B's"}
		must(t, ts.db.CreatePlacement(ctx, bPlc))
		must(t, ts.db.AddFunnelCounts(ctx, map[buycard.FunnelKey]buycard.FunnelCounts{
			{Day: day, WidgetID: bWidget}: {Impressions: 1},
			{Day: day, WidgetID: aWidget, PlacementID: bPlc.ID, PublisherID: bPub.ID}: {Clicks: 1},
		}))
		for _, r := range []struct {
			path string
			key  []string
		}{
			{"/v1/analytics/funnel?widget=" + bWidget, aKey},
			{"/v1/analytics/funnel/breakdown?by=widget&widget=" + bWidget, aKey},
			{"/v1/analytics/funnel?placement=" + bPlc.ID, aPubKey},
			{"/v1/analytics/funnel/breakdown?by=placement&placement=" + bPlc.ID, aPubKey},
		} {
			if resp, body := ts.do(t, "GET", r.path, "", "", r.key...); resp.StatusCode != 404 {
				t.Fatalf("pair %d: GET %s = %d %s, want 404", i, r.path, resp.StatusCode, body)
			}
		}
	}
	_, body := ts.do(t, "GET", "/v1/analytics/funnel", "", "", aKey...)
	var f buycard.Funnel
	must(t, json.Unmarshal([]byte(body), &f))
	if f.Total.Impressions != 100 || f.Total.Clicks != 100 {
		t.Errorf("A's funnel = %+v, want B's placements' 100 clicks on A's widget (each an impression) and no impression of B's widgets", f.Total)
	}
	_, body = ts.do(t, "GET", "/v1/analytics/funnel", "", "", aPubKey...)
	if body == "" || json.Unmarshal([]byte(body), &f) != nil || f.Total.Clicks != 0 || f.Total.Impressions != 0 {
		t.Errorf("A publisher's funnel = %s", body)
	}
}
