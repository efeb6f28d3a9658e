package api_test

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// paidOrderWithBuyer stores and pays an order of the demo notebook
// through the demo placement, by buyer shipping to to at a rate of a
// zone for to's country, as the checkout does; with neither, an order as
// tools make them, without buyer or address.
func paidOrderWithBuyer(t *testing.T, ts *testServer, buyer *buycard.Buyer, to *buycard.Address) *buycard.Order {
	t.Helper()
	ctx := t.Context()
	card, err := ts.db.FindCard(ctx, "wgt_notebook")
	must(t, err)
	var rate string
	if to != nil {
		zone := &buycard.ShippingZone{MerchantID: card.Merchant.ID, Name: "Post", Countries: []string{to.Country},
			Rates: []buycard.ShippingRate{{Name: "Post", Currency: card.Product.Currency, Kind: buycard.ShipFlat, Amount: 500}}}
		must(t, ts.db.CreateShippingZone(ctx, zone))
		rate = zone.Rates[0].ID
	}
	n := ts.notebookOrder(card)
	n.Buyer, n.ShipTo, n.ShippingRateID = buyer, to, rate
	return ts.payNewOrder(t, n)
}

// notebookOrder is a new order of one demo notebook (card) through the
// demo placement.
func (ts *testServer) notebookOrder(card *buycard.Card) buycard.NewOrder {
	return buycard.NewOrder{
		Claims: buycard.PlacementClaims{WidgetID: "wgt_notebook", ProductID: card.Product.ID, PublisherID: demoPublisher,
			PlacementID: "plc_feednotebook", PriceVersion: card.Product.PriceVersion, ExpiresAt: ts.now.Add(1e12)},
		VariantID: card.Product.Variants[0].ID, Quantity: 1, Now: ts.now, ExpiresAt: ts.now.Add(1e12),
	}
}

// payNewOrder stores n and pays it in the sandbox.
func (ts *testServer) payNewOrder(t *testing.T, n buycard.NewOrder) *buycard.Order {
	t.Helper()
	ctx := t.Context()
	o, err := ts.db.CreateOrder(ctx, n)
	must(t, err)
	session := "cs_" + o.ID
	must(t, ts.db.AttachPaymentSession(ctx, o.ID, "sandbox", session))
	o, err = ts.db.ApplyPaymentEvent(ctx, buycard.PaymentEvent{ID: buycard.NewID("evt"), Provider: "sandbox",
		Type: buycard.PaymentSucceeded, SessionID: session, Amount: o.Total, OccurredAt: ts.now})
	must(t, err)
	return o
}

// TestMerchantFulfillment: a merchant sees its buyer and address, records
// the shipment, and downloads what is left to ship as CSV with formula
// cells defused; the publisher who made the sale never sees the buyer.
func TestMerchantFulfillment(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	key := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
	pubKey := partyKey(t, ts, buycard.PartyPublisher, demoPublisher)
	card, err := ts.db.FindCard(t.Context(), "wgt_notebook")
	must(t, err)
	if resp, body := ts.do(t, "PATCH", "/v1/products/"+card.Product.ID, "application/json", `{"kind":"physical"}`, key...); resp.StatusCode != 200 {
		t.Fatalf("make the notebook physical = %d %s", resp.StatusCode, body)
	}
	anonymous := paidOrderWithBuyer(t, ts, nil, nil).ID // as tools make them: no buyer, no address
	ts.now = ts.now.Add(time.Second)
	o := paidOrderWithBuyer(t, ts, &buycard.Buyer{Email: "ada@example.com", Name: "=HYPERLINK(\"https://evil.example\")", Phone: "+1 212 555 0100"},
		&buycard.Address{Name: "Ada Lovelace", Line1: "@SUM(1+1)", Line2: "-2", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"})

	check := func(method, pattern, path, body string, status int) string {
		t.Helper()
		ct := ""
		if body != "" {
			ct = "application/json"
		}
		resp, got := ts.do(t, method, path, ct, body, key...)
		if resp.StatusCode != status {
			t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, got, status)
		}
		validateResponse(t, doc, method, pattern, path, resp, got)
		return got
	}
	var one merchantOrderReply
	must(t, json.Unmarshal([]byte(check("GET", "/v1/merchant/orders/{id}", "/v1/merchant/orders/"+o.ID, "", 200)), &one))
	if one.Order.Buyer == nil || one.Order.Buyer.Email != "ada@example.com" || one.Order.ShipTo == nil || one.Order.ShipTo.City != "Springfield" {
		t.Fatalf("merchant's order = %+v", one.Order)
	}

	csvRows := func() [][]string {
		t.Helper()
		resp, body := ts.do(t, "GET", "/v1/merchant/orders/unfulfilled.csv", "", "", key...)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("unfulfilled.csv = %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		validateResponse(t, doc, "GET", "/v1/merchant/orders/unfulfilled.csv", "/v1/merchant/orders/unfulfilled.csv", resp, body)
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		must(t, err)
		return rows
	}
	rows := csvRows()
	if len(rows) != 3 || rows[0][0] != "order_number" || len(rows[0]) != 15 {
		t.Fatalf("csv = %q", rows)
	}
	anonOrder, err := ts.db.FindOrder(t.Context(), anonymous)
	must(t, err)
	want := []string{o.Number, ts.now.UTC().Format("2006-01-02"), o.ProductTitle, o.VariantName, "1",
		`'=HYPERLINK("https://evil.example")`, "ada@example.com", "'+12125550100", "Ada Lovelace", "'@SUM(1+1)", "'-2",
		"Springfield", "IL", "62701", "US"}
	if rows[1][0] != anonOrder.Number || rows[1][5] != "" || strings.Join(rows[2], "|") != strings.Join(want, "|") {
		t.Fatalf("csv rows = %q\nwant second %q", rows[1:], want)
	}

	check("PATCH", "/v1/merchant/orders/{id}/fulfillment", "/v1/merchant/orders/"+o.ID+"/fulfillment",
		`{"status":"fulfilled","tracking_url":"http://ups.example/1"}`, 400)
	check("PATCH", "/v1/merchant/orders/{id}/fulfillment", "/v1/merchant/orders/"+o.ID+"/fulfillment", `{"status":"sent"}`, 400)
	one = merchantOrderReply{}
	must(t, json.Unmarshal([]byte(check("PATCH", "/v1/merchant/orders/{id}/fulfillment", "/v1/merchant/orders/"+o.ID+"/fulfillment",
		`{"status":"fulfilled","carrier":"UPS","tracking_number":"1Z999","tracking_url":"https://ups.example/t/1Z999"}`, 200)), &one))
	if f := one.Order.Fulfillment; f.Status != buycard.Fulfilled || f.Carrier != "UPS" || f.TrackingURL != "https://ups.example/t/1Z999" || f.FulfilledAt == nil {
		t.Fatalf("fulfillment = %+v", f)
	}
	if rows := csvRows(); len(rows) != 2 || rows[1][0] != anonOrder.Number {
		t.Fatalf("csv after fulfilling = %q", rows)
	}

	// The publisher who made both sales sees neither buyer.
	for _, path := range []string{"/v1/earnings", "/v1/placements", "/v1/placements/plc_feednotebook", "/v1/placement-codes",
		"/v1/analytics/funnel", "/v1/analytics/funnel/breakdown?by=placement", "/v1/catalog"} {
		resp, body := ts.do(t, "GET", path, "", "", pubKey...)
		if resp.StatusCode != 200 {
			t.Fatalf("publisher's %s = %d %s", path, resp.StatusCode, body)
		}
		for _, pii := range []string{"ada@example.com", "Springfield", "HYPERLINK", "buyer", "ship_to"} {
			if strings.Contains(body, pii) {
				t.Errorf("publisher's %s shows %q: %s", path, pii, body)
			}
		}
	}
}
