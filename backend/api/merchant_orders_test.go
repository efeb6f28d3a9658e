package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/ledger"
)

const demoMerchant = "mer_northwind"

// newConsoleServer is the test server with every service the console's
// routes use.
func newConsoleServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams = auth.TestParams
		db := svc.Catalog.(*sqlite.DB)
		svc.Events, svc.Funnels = analytics.New(svc.Tokens, db, analytics.Options{}), db
		svc.Auth, svc.Accounts, svc.Transfers, svc.Admin = db, db, db, db
		svc.Reconciliation = sandboxReconciliation{db}
	})
}

// partyKey makes an API key of a party and returns its headers.
func partyKey(t *testing.T, ts *testServer, kind, id string) []string {
	t.Helper()
	secret, shown, digest := auth.NewAPIKey(false)
	k := &buycard.APIKey{Prefix: shown, Hash: digest, Name: "test", PartyKind: kind, PartyID: id, CreatedAt: ts.now}
	must(t, ts.db.CreateAPIKey(t.Context(), k))
	return []string{"Authorization", "Bearer " + secret}
}

// newMerchant stores a merchant with a product and widget of its own, and
// returns its id, widget and an API key's headers.
func newMerchant(t *testing.T, ts *testServer, name string) (id, widgetID string, key []string) {
	t.Helper()
	ctx := t.Context()
	m := &buycard.Merchant{Name: name, ChargesEnabled: true}
	must(t, ts.db.CreateMerchant(ctx, m))
	p := &buycard.Product{MerchantID: m.ID, Title: "P", Currency: "USD", MaxPerOrder: 1, PriceVersion: 1,
		Variants: []buycard.Variant{{Name: "V", Price: 100, Stock: 1}}}
	must(t, ts.db.CreateProduct(ctx, p))
	w := &buycard.Widget{MerchantID: m.ID, ProductID: p.ID, CTA: "Buy"}
	must(t, ts.db.CreateWidget(ctx, w))
	return m.ID, w.ID, partyKey(t, ts, buycard.PartyMerchant, m.ID)
}

type merchantOrderReply struct {
	Order      buycard.Order
	Split      map[string]any
	Refundable int64
}

func TestMerchantOrders(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	key := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
	var ids []string // newest first
	for range 3 {
		ids = append([]string{ts.buyNotebook(t)}, ids...)
		ts.now = ts.now.Add(time.Second)
	}
	pending := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1).Order.ID
	ids = append([]string{pending}, ids...)

	check := func(method, pattern, path, body string, status int, headers ...string) string {
		t.Helper()
		ct := ""
		if body != "" {
			ct = "application/json"
		}
		resp, got := ts.do(t, method, path, ct, body, headers...)
		if resp.StatusCode != status {
			t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, got, status)
		}
		validateResponse(t, doc, method, pattern, path, resp, got)
		return got
	}
	type orderPage struct {
		Orders []merchantOrderReply
		Next   string
	}
	var page orderPage
	must(t, json.Unmarshal([]byte(check("GET", "/v1/merchant/orders", "/v1/merchant/orders?limit=2", "", 200, key...)), &page))
	if len(page.Orders) != 2 || page.Orders[0].Order.ID != ids[0] || page.Orders[1].Order.ID != ids[1] || page.Next != ids[1] {
		t.Fatalf("first page = %+v, want %v", page, ids[:2])
	}
	next := page.Next
	page = orderPage{}
	must(t, json.Unmarshal([]byte(check("GET", "/v1/merchant/orders", "/v1/merchant/orders?limit=2&before="+next, "", 200, key...)), &page))
	if len(page.Orders) != 2 || page.Orders[0].Order.ID != ids[2] || page.Orders[1].Order.ID != ids[3] {
		t.Fatalf("second page = %+v, want %v", page, ids[2:])
	}
	page = orderPage{}
	must(t, json.Unmarshal([]byte(check("GET", "/v1/merchant/orders", "/v1/merchant/orders?status=pending", "", 200, key...)), &page))
	if len(page.Orders) != 1 || page.Orders[0].Order.ID != pending || page.Next != "" {
		t.Fatalf("pending = %+v", page)
	}

	// 2400 at 875 / 1000 bps: platform 210 + 30 fixed, publisher 240,
	// merchant 1950 - 30; the sandbox's processor fee is 70 (2.9% + 0).
	paid := ids[1]
	var one merchantOrderReply
	must(t, json.Unmarshal([]byte(check("GET", "/v1/merchant/orders/{id}", "/v1/merchant/orders/"+paid, "", 200, key...)), &one))
	wantSplit := map[string]any{"currency": "USD", "total": 2400.0, "platform_fee": 240.0, "publisher_share": 240.0, "processor_fee": 70.0, "merchant_net": 1920.0}
	if !reflect.DeepEqual(one.Split, wantSplit) || one.Refundable != 2400 {
		t.Errorf("split = %v refundable %d, want %v 2400", one.Split, one.Refundable, wantSplit)
	}

	refund := func(id, body, idem string) (int, string) {
		resp, got := ts.do(t, "POST", "/v1/merchant/orders/"+id+"/refunds", "application/json", body, append(key, "Idempotency-Key", idem)...)
		validateResponse(t, doc, "POST", "/v1/merchant/orders/{id}/refunds", "/v1/merchant/orders/"+id+"/refunds", resp, got)
		return resp.StatusCode, got
	}
	journals := func() int {
		js, err := ts.db.OrderJournals(t.Context(), paid)
		must(t, err)
		return len(js)
	}
	before := journals()
	for _, tt := range []struct {
		name, id, body, idem string
		status               int
		message              string
	}{
		{"too much", paid, `{"amount":2401}`, "r1", 400, "The refund exceeds what is left of the payment."},
		{"zero", paid, `{"amount":0}`, "r1", 400, "The amount must be positive, in the order's currency."},
		{"unknown field", paid, `{"amount":100,"why":"x"}`, "r1", 400, ""},
		{"long reason", paid, `{"amount":100,"reason":"` + strings.Repeat("x", 501) + `"}`, "r1", 400, "The reason must be at most 500 characters."},
		{"no key", paid, `{"amount":100}`, "", 400, ""},
		{"pending order", pending, `{"amount":100}`, "r1", 409, ""},
		{"unknown order", "ord_nope", `{"amount":100}`, "r1", 404, ""},
	} {
		status, body := refund(tt.id, tt.body, tt.idem)
		if status != tt.status || !strings.Contains(body, tt.message) {
			t.Errorf("%s: refund = %d %s, want %d %q", tt.name, status, body, tt.status, tt.message)
		}
	}
	if got := ts.order(t, paid); got.Refunded != 0 || journals() != before {
		t.Fatalf("a refused refund changed the order: %+v, %d journals", got, journals())
	}
	for range 2 { // retried with the same key: refunds once
		if status, body := refund(paid, `{"amount":400,"reason":"Damaged in transit"}`, "part-1"); status != 201 {
			t.Fatalf("partial refund = %d %s", status, body)
		}
	}
	if got := ts.order(t, paid); got.Refunded != 400 || journals() != before+1 {
		t.Fatalf("after the partial refund: refunded %d, %d journals", got.Refunded, journals()-before)
	}
	if status, body := refund(paid, `{"amount":2001}`, "rest"); status != 400 {
		t.Fatalf("refund above the rest = %d %s", status, body)
	}
	if status, body := refund(paid, `{"amount":2000}`, "rest"); status != 201 {
		t.Fatalf("refund of the rest = %d %s", status, body)
	}
	one = merchantOrderReply{}
	must(t, json.Unmarshal([]byte(check("GET", "/v1/merchant/orders/{id}", "/v1/merchant/orders/"+paid, "", 200, key...)), &one))
	if one.Order.Refunded != 2400 || one.Refundable != 0 {
		t.Errorf("after the full refund: %+v", one)
	}

	pub, _ := signupAs(t, ts, "pat@example.com", "publisher")
	for _, tt := range []struct {
		name, path string
		headers    []string
		status     int
	}{
		{"bad limit", "/v1/merchant/orders?limit=0", key, 400},
		{"big limit", "/v1/merchant/orders?limit=101", key, 400},
		{"bad status", "/v1/merchant/orders?status=lost", key, 400},
		{"bad cursor", "/v1/merchant/orders?before=ord_nope", key, 400},
		{"anonymous", "/v1/merchant/orders", nil, 401},
		{"publisher", "/v1/merchant/orders", pub.headers(), 403},
		{"publisher order", "/v1/merchant/orders/" + paid, pub.headers(), 403},
		{"operator", "/v1/merchant/orders", operator, 401},
	} {
		resp, body := ts.do(t, "GET", tt.path, "", "", tt.headers...)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: GET %s = %d %s, want %d", tt.name, tt.path, resp.StatusCode, body, tt.status)
		}
	}
}

// signupAs signs a new user up.
func signupAs(t *testing.T, ts *testServer, email, role string) (browser, *http.Response) {
	t.Helper()
	return signup(t, ts, email, role)
}

// TestMerchantOrderIsolation: for 100 pairs of merchants, A reading,
// paging from and refunding B's paid order answers 404 (400 for the
// cursor) and changes nothing.
func TestMerchantOrderIsolation(t *testing.T) {
	t.Parallel()
	ts := newConsoleServer(t)
	_, _, aKey := newMerchant(t, ts, "A")
	ctx := t.Context()
	for i := range 100 {
		bID, bWidget, _ := newMerchant(t, ts, fmt.Sprintf("B%d", i))
		card, err := ts.db.FindCard(ctx, bWidget)
		must(t, err)
		o, err := ts.db.CreateOrder(ctx, buycard.NewOrder{
			Claims:    buycard.PlacementClaims{WidgetID: bWidget, ProductID: card.Product.ID, PriceVersion: 1, ExpiresAt: ts.now.Add(1e12)},
			VariantID: card.Product.Variants[0].ID, Quantity: 1, Now: ts.now, ExpiresAt: ts.now.Add(1e12),
		})
		must(t, err)
		before, err := ts.db.FindOrder(ctx, o.ID)
		must(t, err)
		for _, r := range [][3]string{
			{"GET", "/v1/merchant/orders/" + o.ID, ""},
			{"POST", "/v1/merchant/orders/" + o.ID + "/refunds", `{"amount":1}`},
			{"PATCH", "/v1/merchant/orders/" + o.ID + "/fulfillment", `{"status":"fulfilled","carrier":"stolen"}`},
		} {
			ct := ""
			if r[2] != "" {
				ct = "application/json"
			}
			if resp, body := ts.do(t, r[0], r[1], ct, r[2], append(aKey, "Idempotency-Key", "k")...); resp.StatusCode != 404 {
				t.Fatalf("%s %s by another merchant = %d %s", r[0], r[1], resp.StatusCode, body)
			}
		}
		if resp, body := ts.do(t, "GET", "/v1/merchant/orders?before="+o.ID, "", "", aKey...); resp.StatusCode != 400 {
			t.Fatalf("paging from B's order = %d %s", resp.StatusCode, body)
		}
		if resp, body := ts.do(t, "GET", "/v1/merchant/statement?currency=USD", "", "", aKey...); resp.StatusCode != 200 || strings.Contains(body, bID) {
			t.Fatalf("A's statement = %d %s", resp.StatusCode, body)
		}
		after, err := ts.db.FindOrder(ctx, o.ID)
		must(t, err)
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("B's order changed: %+v", after)
		}
	}
	if _, body := ts.do(t, "GET", "/v1/merchant/orders", "", "", aKey...); body != `{"orders":[]}` {
		t.Errorf("A's orders = %s", body)
	}
	if _, body := ts.do(t, "GET", "/v1/merchant/orders/unfulfilled.csv", "", "", aKey...); strings.Count(body, "\n") != 1 {
		t.Errorf("A's unfulfilled orders = %s", body)
	}
	if _, body := ts.do(t, "GET", "/v1/merchant/balances", "", "", aKey...); body != `{"balances":{}}` {
		t.Errorf("A's balances = %s", body)
	}
}

func TestMerchantStatementAndBalances(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	key := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
	paid := ts.buyNotebook(t)
	ts.buyNotebook(t)
	// A settlement of 1000 from the processor.
	settle, err := ledger.MerchantSettlement(ledger.Settlement{SettlementID: "st_1", MerchantID: demoMerchant, Provider: "sandbox",
		Amount: buycard.Money{Amount: 1000, Currency: "USD"}, EffectiveAt: ts.now})
	must(t, err)
	_, err = ts.db.Post(t.Context(), settle)
	must(t, err)

	resp, body := ts.do(t, "GET", "/v1/merchant/balances", "", "", key...)
	validateResponse(t, doc, "GET", "/v1/merchant/balances", "/v1/merchant/balances", resp, body)
	if want := `{"balances":{"USD":{"available":0,"paid":1000,"pending":2840}}}`; body != want {
		t.Errorf("balances = %s, want %s", body, want)
	}

	day := ts.now.UTC().Format(buycard.DayLayout)
	path := "/v1/merchant/statement?currency=USD&from=" + day + "&to=" + day
	resp, body = ts.do(t, "GET", path, "", "", key...)
	validateResponse(t, doc, "GET", "/v1/merchant/statement", path, resp, body)
	var st struct {
		Account, Currency, From, To string
		Entries                     []ledger.Entry
	}
	must(t, json.Unmarshal([]byte(body), &st))
	if st.Account != "merchant:"+demoMerchant+":payable:USD" || len(st.Entries) != 3 || st.Entries[0].OrderID != paid || st.From != day {
		t.Fatalf("statement = %s", body)
	}

	resp, body = ts.do(t, "GET", path+"&format=csv", "", "", key...)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="statement-`+demoMerchant+`-USD-`+day+`-`+day+`.csv"` {
		t.Fatalf("csv = %d %v", resp.StatusCode, resp.Header)
	}
	var want strings.Builder
	want.WriteString("seq,effective_at,journal,kind,order_id,memo,amount,balance,currency\n")
	for _, e := range st.Entries {
		fmt.Fprintf(&want, "%d,%s,%s,%s,%s,%s,%s,%s,USD\n", e.Seq, e.EffectiveAt.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"),
			e.JournalKey, e.Kind, e.OrderID, e.Memo, decimal(e.Amount), decimal(e.Balance))
	}
	if body != want.String() {
		t.Errorf("csv =\n%s\nwant\n%s", body, want.String())
	}
	if !strings.Contains(body, ",19.20,19.20,USD\n") || !strings.Contains(body, ",-10.00,28.40,USD\n") {
		t.Errorf("csv amounts are not major units:\n%s", body)
	}

	for _, tt := range []struct{ name, query, message string }{
		{"no currency", "", "currency is required, e.g. currency=USD."},
		{"bad currency", "currency=XYZ", `Unsupported currency "XYZ".`},
		{"bad format", "currency=USD&format=pdf", "format must be json or csv."},
		{"bad day", "currency=USD&from=yesterday", "from and to must be dates as YYYY-MM-DD."},
		{"reversed", "currency=USD&from=2026-02-02&to=2026-02-01", "from must not be after to."},
	} {
		resp, body := ts.do(t, "GET", "/v1/merchant/statement?"+tt.query, "", "", key...)
		wantError(t, resp, body, 400, "invalid", tt.message)
	}
	resp, body = ts.do(t, "GET", "/v1/merchant/statement?currency=USD&from=2001-01-01&to=2001-01-31", "", "", key...)
	if !strings.Contains(body, `"entries":[]`) {
		t.Errorf("statement of an empty range = %d %s", resp.StatusCode, body)
	}
}

// decimal writes minor units of USD as major units.
func decimal(amount int64) string {
	return buycard.Money{Amount: amount, Currency: "USD"}.Decimal()
}

// TestMerchantOrderPrice shows an order with a discount, shipping and tax
// to its merchant: the breakdown on the order, and the split giving the
// merchant shipping and tax outside the commission base.
func TestMerchantOrderPrice(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	merchantID, widgetID, key := newMerchant(t, ts, "Glaze & Co")
	w, err := ts.db.FindWidget(t.Context(), widgetID)
	must(t, err)
	if resp, body := ts.do(t, "PATCH", "/v1/products/"+w.ProductID, "application/json", `{"kind":"physical"}`, key...); resp.StatusCode != 200 {
		t.Fatalf("PATCH product = %d %s", resp.StatusCode, body)
	}
	card, err := ts.db.FindCard(t.Context(), widgetID)
	must(t, err)
	ctx := t.Context()
	must(t, ts.db.SaveMerchantSettings(ctx, &buycard.MerchantSettings{MerchantID: merchantID, TaxMode: buycard.TaxRates, TaxShipping: true}))
	zone := &buycard.ShippingZone{MerchantID: merchantID, Name: "US", Countries: []string{"US"},
		Rates: []buycard.ShippingRate{{Name: "Post", Currency: "USD", Kind: buycard.ShipFlat, Amount: 50}}}
	must(t, ts.db.CreateShippingZone(ctx, zone))
	must(t, ts.db.CreateTaxRate(ctx, &buycard.TaxRate{MerchantID: merchantID, Country: "US", RatePPM: 50_000}))
	must(t, ts.db.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: merchantID, Code: "MUG20", AmountOff: map[string]int64{"USD": 20}}))
	o, err := ts.db.CreateOrder(ctx, buycard.NewOrder{
		Claims:    buycard.PlacementClaims{WidgetID: w.ID, ProductID: w.ProductID, PriceVersion: card.Product.PriceVersion},
		VariantID: card.Product.Variants[0].ID, Quantity: 1, Now: ts.now, ExpiresAt: ts.now.Add(time.Hour),
		PlatformFee:    buycard.PlatformFee{BPS: 1000},
		Buyer:          &buycard.Buyer{Email: "ann@example.com", Name: "Ann Lee"},
		ShipTo:         &buycard.Address{Name: "Ann Lee", Line1: "1 Main St", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
		ShippingRateID: zone.Rates[0].ID, DiscountCode: "mug20",
	})
	must(t, err)
	path := "/v1/merchant/orders/" + o.ID
	resp, body := ts.do(t, "GET", path, "", "", key...)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
	}
	validateResponse(t, doc, "GET", "/v1/merchant/orders/{id}", path, resp, body)
	var got struct {
		Order map[string]any
		Split map[string]any
	}
	must(t, json.Unmarshal([]byte(body), &got))
	// 5% of 80 is 4, of 50 is 2.5 → 3.
	for k, v := range map[string]any{"subtotal": 100.0, "discount": 20.0, "shipping": 50.0, "tax": 7.0, "tax_on_shipping": 3.0,
		"discount_code": "MUG20", "shipping_rate_name": "Post"} {
		if got.Order[k] != v {
			t.Errorf("order %s = %v, want %v", k, got.Order[k], v)
		}
	}
	if total := got.Order["total"].(map[string]any)["amount"]; total != 137.0 || got.Order["merchant_id"] != merchantID {
		t.Errorf("order total %v, merchant %v: want 100 - 20 + 50 + 7 = 137", total, got.Order["merchant_id"])
	}
	// The base is 80: platform 8, merchant 72, plus shipping 50 and tax 7.
	wantSplit := map[string]any{"currency": "USD", "total": 137.0, "platform_fee": 8.0, "publisher_share": 0.0, "processor_fee": 0.0,
		"merchant_net": 72.0, "shipping": 50.0, "tax": 7.0}
	if !reflect.DeepEqual(got.Split, wantSplit) {
		t.Errorf("split = %v, want %v", got.Split, wantSplit)
	}
}
