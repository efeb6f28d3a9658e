package api_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
)

// physicalNotebook makes the demo notebook a physical product its
// merchant ships to the US (Standard 4.50, Express 12.00) and Canada
// (Standard 9.00), taxing New York at 8.875% with shipping, and gives it
// the code NOTE25 (25% off). It returns the US zone's rate ids, cheapest
// first.
func physicalNotebook(t *testing.T, ts *testServer) (standard, express string) {
	t.Helper()
	ctx := t.Context()
	p, err := ts.db.FindProduct(ctx, "prd_notebook")
	must(t, err)
	p.Kind = buycard.ProductPhysical
	must(t, ts.db.UpdateProduct(ctx, p))
	must(t, ts.db.SaveMerchantSettings(ctx, &buycard.MerchantSettings{MerchantID: demoMerchant, BusinessName: "Northwind Goods Ltd",
		TaxMode: buycard.TaxRates, TaxShipping: true, OriginCountry: "US", AskPhone: false}))
	us := &buycard.ShippingZone{MerchantID: demoMerchant, Name: "US", Countries: []string{"US"}, Rates: []buycard.ShippingRate{
		{Name: "Express", Currency: "USD", Kind: buycard.ShipFlat, Amount: 1200},
		{Name: "Standard", Currency: "USD", Kind: buycard.ShipFlat, Amount: 450},
	}}
	must(t, ts.db.CreateShippingZone(ctx, us))
	must(t, ts.db.CreateShippingZone(ctx, &buycard.ShippingZone{MerchantID: demoMerchant, Name: "Canada", Countries: []string{"CA"},
		Rates: []buycard.ShippingRate{{Name: "Standard", Currency: "USD", Kind: buycard.ShipFlat, Amount: 900}}}))
	must(t, ts.db.CreateTaxRate(ctx, &buycard.TaxRate{MerchantID: demoMerchant, Country: "US", Region: "NY", RatePPM: 88_750}))
	must(t, ts.db.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: demoMerchant, Code: "NOTE25", PercentBPS: 2500}))
	return us.Rates[1].ID, us.Rates[0].ID
}

// newYorkAddress is a shopper's address in New York, as JSON sends it.
var newYorkAddress = map[string]string{"name": "Ann Lee", "line1": "1 Main St", "city": "New York", "region": "ny",
	"postal_code": "10001", "country": "us"}

// notebookCheckout is a checkout body of 3 notebooks with extra fields.
func (ts *testServer) notebookCheckout(t *testing.T, fields map[string]any) string {
	body := map[string]any{"token": ts.cardToken(t, "wgt_notebook:plc_feednotebook"),
		"variant_id": ts.variantID(t, "wgt_notebook", 0), "quantity": 3}
	for k, v := range fields {
		body[k] = v
	}
	return jsonBody(body)
}

// quoteReply is the reply of POST /v1/checkout/quote.
type quoteReply struct {
	Price struct {
		buycard.OrderPrice
		Total buycard.Money
	}
	ShippingOptions []buycard.ShippingOption `json:"shipping_options"`
	ShippingRateID  string                   `json:"shipping_rate_id"`
}

// TestCheckoutQuoteAndOrder prices a physical checkout step by step as
// the shopper fills it in, then creates the order at exactly the quoted
// price, with the code used once and the buyer and address stored.
func TestCheckoutQuoteAndOrder(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newTestServer(t)
	standard, express := physicalNotebook(t, ts)
	quote := func(fields map[string]any) quoteReply {
		t.Helper()
		resp, body := ts.do(t, "POST", "/v1/checkout/quote", "application/json", ts.notebookCheckout(t, fields))
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("quote = %d %s", resp.StatusCode, body)
		}
		validateResponse(t, doc, "POST", "/v1/checkout/quote", "/v1/checkout/quote", resp, body)
		var q quoteReply
		must(t, json.Unmarshal([]byte(body), &q))
		return q
	}
	q := quote(map[string]any{"discount_code": "note25"})
	if q.Price.Subtotal != 7200 || q.Price.Discount != 1800 || q.Price.Shipping != 0 || q.Price.Tax != 0 ||
		q.Price.Total.Amount != 5400 || len(q.ShippingOptions) != 0 || q.ShippingRateID != "" {
		t.Errorf("quote without an address = %+v", q)
	}
	q = quote(map[string]any{"discount_code": "note25", "ship_to": newYorkAddress})
	// 5400 × 8.875% = 479.25 → 479, 450 × 8.875% = 39.94 → 40.
	if q.Price.Shipping != 450 || q.Price.Tax != 519 || q.Price.TaxOnShipping != 40 || q.Price.Total.Amount != 5400+450+519 ||
		q.ShippingRateID != standard || len(q.ShippingOptions) != 2 || q.ShippingOptions[1].RateID != express {
		t.Errorf("quote with an address = %+v", q)
	}
	if q = quote(map[string]any{"ship_to": newYorkAddress, "shipping_rate_id": express}); q.Price.Shipping != 1200 ||
		q.Price.Discount != 0 || q.Price.ShippingRateName != "Express" {
		t.Errorf("quote by express without a code = %+v", q)
	}
	before := ts.stock(t, "wgt_notebook", 0)
	resp, body := ts.do(t, "POST", "/v1/checkout", "application/json", ts.notebookCheckout(t, map[string]any{
		"discount_code": "note25", "ship_to": newYorkAddress, "shipping_rate_id": standard,
		"buyer": map[string]string{"email": " Ann@Example.com ", "name": "Ann Lee"},
	}))
	if resp.StatusCode != 201 {
		t.Fatalf("checkout = %d %s", resp.StatusCode, body)
	}
	validateResponse(t, doc, "POST", "/v1/checkout", "/v1/checkout", resp, body)
	var r checkoutReply
	must(t, json.Unmarshal([]byte(body), &r))
	o := r.Order
	want := buycard.OrderPrice{Subtotal: 7200, Discount: 1800, Shipping: 450, Tax: 519, TaxOnShipping: 40,
		DiscountCode: "NOTE25", ShippingRateName: "Standard"}
	if o.OrderPrice != want || o.Total.Amount != 6369 || o.Buyer == nil || o.Buyer.Email != "ann@example.com" ||
		o.ShipTo == nil || o.ShipTo.Region != "NY" || o.ShipTo.Country != "US" {
		t.Errorf("order = %+v", o)
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != before-3 {
		t.Errorf("stock = %d, want %d held", got, before-3)
	}
	code, err := ts.db.LookupDiscountCode(t.Context(), demoMerchant, "NOTE25")
	must(t, err)
	if code.Redeemed != 1 {
		t.Errorf("the code has %d uses, want 1", code.Redeemed)
	}
}

// TestCheckoutRefusesChangingNothing refuses bad buyers, addresses,
// shipping choices and codes with a clear 4xx, holding no stock and
// using no code.
func TestCheckoutRefusesChangingNothing(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	standard, _ := physicalNotebook(t, ts)
	ctx := t.Context()
	ended := ts.now.Add(-time.Hour)
	must(t, ts.db.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: demoMerchant, Code: "OLD10", PercentBPS: 1000, EndsAt: &ended}))
	once := &buycard.DiscountCode{MerchantID: demoMerchant, Code: "ONCE", PercentBPS: 1000, MaxRedemptions: 1}
	must(t, ts.db.CreateDiscountCode(ctx, once))
	must(t, ts.db.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: "mer_ateliernova", Code: "NOVA50", PercentBPS: 5000}))
	// ONCE is used up by another order.
	if resp, body := ts.do(t, "POST", "/v1/checkout", "application/json", ts.notebookCheckout(t, map[string]any{
		"buyer": testBuyer, "ship_to": newYorkAddress, "shipping_rate_id": standard, "discount_code": "ONCE",
	})); resp.StatusCode != 201 {
		t.Fatalf("checkout with ONCE = %d %s", resp.StatusCode, body)
	}
	stock := ts.stock(t, "wgt_notebook", 0)
	good := map[string]any{"buyer": testBuyer, "ship_to": newYorkAddress, "shipping_rate_id": standard}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	address := func(k, v string) map[string]string {
		a := map[string]string{}
		for k, v := range newYorkAddress {
			a[k] = v
		}
		a[k] = v
		return a
	}
	tests := []struct {
		name          string
		fields        map[string]any
		status        int
		code, message string
	}{
		{"no buyer", with("buyer", nil), 400, "invalid", "Enter your email address."},
		{"no email", with("buyer", map[string]string{"name": "Ann"}), 400, "invalid", "Enter your email address."},
		{"malformed email", with("buyer", map[string]string{"email": "ann@", "name": "Ann"}), 400, "invalid", ""},
		{"email with a newline", with("buyer", map[string]string{"email": "ann@example.com\nBcc: x@example.com", "name": "Ann"}), 400, "invalid", ""},
		{"no name", with("buyer", map[string]string{"email": "ann@example.com"}), 400, "invalid", "Enter your name."},
		{"no address", with("ship_to", nil), 400, "invalid", "Enter the address to ship to."},
		{"a country it doesn't ship to", with("ship_to", address("country", "FR")), 400, "invalid",
			"Northwind Goods Ltd doesn't ship to France."},
		{"unknown country", with("ship_to", address("country", "ZZ")), 400, "invalid", "Choose a country from the list."},
		{"no street", with("ship_to", address("line1", " ")), 400, "invalid", "Enter the street address."},
		{"bad postal code", with("ship_to", address("postal_code", "1000")), 400, "invalid",
			"Enter a postal code of United States, such as 12345 or 12345-6789."},
		{"unknown state", with("ship_to", address("region", "XX")), 400, "invalid", "Choose a state or province of United States."},
		{"no shipping option", with("shipping_rate_id", nil), 400, "invalid", "Choose one of the shipping options for United States."},
		{"a rate of another zone", with("ship_to", address("country", "CA")), 400, "invalid", ""},
		{"a client total", with("total", 1), 400, "invalid", `The request body is not acceptable: unknown field "total".`},
		{"a client price", with("price", map[string]any{"total": 1}), 400, "invalid", `The request body is not acceptable: unknown field "price".`},
		{"expired code", with("discount_code", "old10"), 409, "conflict", "The code OLD10 has expired."},
		{"used-up code", with("discount_code", "ONCE"), 409, "conflict", "The code ONCE has been used up."},
		{"another merchant's code", with("discount_code", "NOVA50"), 404, "not_found", "This discount code is not valid."},
		{"malformed code", with("discount_code", "<script>"), 404, "not_found", "This discount code is not valid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, "POST", "/v1/checkout", "application/json", ts.notebookCheckout(t, tt.fields))
			wantError(t, resp, body, tt.status, tt.code, tt.message)
		})
	}
	// A German shopper's checkout (lang) reads the same refusals in German,
	// on the quote too, with the same status and code.
	german := func(fields map[string]any) map[string]any { fields["lang"] = "de-DE"; return fields }
	for _, tt := range []struct {
		path          string
		fields        map[string]any
		status        int
		code, message string
	}{
		{"/v1/checkout", german(with("buyer", nil)), 400, "invalid", "Geben Sie Ihre E-Mail-Adresse ein."},
		{"/v1/checkout", german(with("ship_to", address("country", "FR"))), 400, "invalid", "Northwind Goods Ltd liefert nicht nach Frankreich."},
		{"/v1/checkout", german(with("shipping_rate_id", nil)), 400, "invalid", "Wählen Sie eine der Versandoptionen für Vereinigte Staaten."},
		{"/v1/checkout", german(with("discount_code", "old10")), 409, "conflict", "Der Code OLD10 ist abgelaufen."},
		{"/v1/checkout/quote", german(with("discount_code", "NOVA50")), 404, "not_found", "Dieser Rabattcode ist ungültig."},
		{"/v1/checkout/quote", german(with("ship_to", address("region", "XX"))), 400, "invalid", "Wählen Sie einen Bundesstaat oder eine Provinz: Vereinigte Staaten."},
	} {
		resp, body := ts.do(t, "POST", tt.path, "application/json", ts.notebookCheckout(t, tt.fields))
		wantError(t, resp, body, tt.status, tt.code, tt.message)
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != stock {
		t.Errorf("stock moved from %d to %d after refused checkouts", stock, got)
	}
	if got := ts.pendingOrders(t); got != 1 {
		t.Errorf("%d pending orders, want only ONCE's", got)
	}
	if c, err := ts.db.LookupDiscountCode(ctx, demoMerchant, "ONCE"); err != nil || c.Redeemed != 1 {
		t.Errorf("ONCE = %+v, %v: want 1 use", c, err)
	}
}

// TestCheckoutQuoteCode prices codes as the checkout does: the discount of
// a good code, the shopper's errors, another merchant's code reading as
// unknown, and refused codes throttled per network, on the quote and the
// checkout alike.
func TestCheckoutQuoteCode(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := t.Context()
	must(t, ts.db.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: demoMerchant, Code: "NOTE25", PercentBPS: 2500}))
	must(t, ts.db.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: demoMerchant, Code: "BIGSPEND", PercentBPS: 1000,
		MinSubtotal: map[string]int64{"USD": 1_000_000}}))
	must(t, ts.db.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: "mer_ateliernova", Code: "OTHER50", PercentBPS: 5000}))

	token := ts.cardToken(t, "wgt_notebook:plc_feednotebook")
	v := ts.variant(t, "wgt_notebook", 0)
	check := func(code string, quantity int) (*http.Response, string) {
		return ts.do(t, "POST", "/v1/checkout/quote", "application/json",
			jsonBody(map[string]any{"token": token, "variant_id": v.ID, "quantity": quantity, "discount_code": code}))
	}
	resp, body := check("note25", 2)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("quote = %d %s", resp.StatusCode, body)
	}
	var reply quoteReply
	must(t, json.Unmarshal([]byte(body), &reply))
	subtotal := v.Price * 2
	off := (subtotal*2500 + 5000) / 10000
	if reply.Price.DiscountCode != "NOTE25" || reply.Price.Subtotal != subtotal || reply.Price.Discount != off ||
		reply.Price.Total.Amount != subtotal-off {
		t.Errorf("reply = %+v, want 25%% off %d", reply, subtotal)
	}
	unknown := "This discount code is not valid."
	resp, body = check("OTHER50", 1)
	wantError(t, resp, body, 404, buycard.ENOTFOUND, unknown)
	resp, body = check("NOPE", 1)
	wantError(t, resp, body, 404, buycard.ENOTFOUND, unknown)
	resp, body = check("BIGSPEND", 1)
	wantError(t, resp, body, 400, buycard.EINVALID, "The code BIGSPEND needs a subtotal of at least $10,000.00.")
	resp, body = check("NOTE25", 0)
	wantError(t, resp, body, 400, buycard.EINVALID, "Quantity must be at least 1.")

	// Three refused codes so far (a bad quantity is not a code's fault),
	// five more on the quote and one on the checkout make nine, which cost
	// nothing; the tenth is answered and makes the network wait, good
	// codes too.
	for i := range 5 {
		if resp, body := check("GUESS"+string(rune('A'+i)), 1); resp.StatusCode != 404 {
			t.Fatalf("guess %d = %d %s", i, resp.StatusCode, body)
		}
	}
	resp, body = ts.do(t, "POST", "/v1/checkout", "application/json", jsonBody(map[string]any{
		"token": token, "variant_id": v.ID, "quantity": 1, "buyer": testBuyer, "discount_code": "GUESSZ"}))
	wantError(t, resp, body, 404, buycard.ENOTFOUND, unknown)
	resp, body = check("GUESSX", 1)
	wantError(t, resp, body, 404, buycard.ENOTFOUND, unknown)
	doc := loadOpenAPI(t)
	for _, path := range []string{"/v1/checkout/quote", "/v1/checkout"} {
		resp, body = ts.do(t, "POST", path, "application/json", jsonBody(map[string]any{
			"token": token, "variant_id": v.ID, "quantity": 1, "buyer": testBuyer, "discount_code": "NOTE25"}))
		wantError(t, resp, body, 429, buycard.ERATELIMIT, "")
		if !strings.HasPrefix(buycardMessage(t, body), "Too many discount codes tried from this network. Try again in ") ||
			resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s = %s, Retry-After %q", path, body, resp.Header.Get("Retry-After"))
		}
		validateResponse(t, doc, "POST", path, path, resp, body)
	}
	// A checkout naming no code is not a guess.
	if resp, body := ts.do(t, "POST", "/v1/checkout/quote", "application/json", jsonBody(map[string]any{
		"token": token, "variant_id": v.ID, "quantity": 1})); resp.StatusCode != 200 {
		t.Errorf("quote without a code while throttled = %d %s", resp.StatusCode, body)
	}
}

// buycardMessage is the message of an error reply.
func buycardMessage(t *testing.T, body string) string {
	t.Helper()
	var e buycard.ErrorReply
	must(t, json.Unmarshal([]byte(body), &e))
	return e.Error.Message
}

// TestOfferCheckoutFields tells the checkout what to ask for: a physical
// product's shipping countries and the seller, and nothing of the kind
// for a product that does not ship.
func TestOfferCheckoutFields(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newTestServer(t)
	physicalNotebook(t, ts)
	offer := func(ref string) buycard.Offer {
		widget, _, _ := strings.Cut(ref, ":")
		path := "/v1/offers/" + widget + "?t=" + ts.cardToken(t, ref)
		resp, body := ts.do(t, "GET", path, "", "")
		validateResponse(t, doc, "GET", "/v1/offers/{widget}", path, resp, body)
		var o buycard.Offer
		must(t, json.Unmarshal([]byte(body), &o))
		return o
	}
	got := offer("wgt_notebook:plc_feednotebook").Checkout
	if got.Kind != buycard.ProductPhysical || strings.Join(got.ShipCountries, ",") != "CA,US" || got.Seller.Name != "Northwind Goods Ltd" {
		t.Errorf("notebook's checkout = %+v", got)
	}
	got = offer("wgt_tee").Checkout
	if got.Kind != buycard.ProductService || len(got.ShipCountries) != 0 || got.Seller.Name != "Northwind Goods Ltd" {
		t.Errorf("tee's checkout = %+v", got)
	}
}

// TestCheckoutKeepsBuyerOutOfLogs checks out with a buyer and an address,
// and is refused one, with the request log on: neither names the buyer.
func TestCheckoutKeepsBuyerOutOfLogs(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	ts := newTestServerWith(t, func(_ *api.Config, svc *api.Services) {
		svc.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	standard, _ := physicalNotebook(t, ts)
	buyer := map[string]string{"email": "secret.shopper@example.com", "name": "Zelda Quux", "phone": "+1 212 555 0199"}
	for _, to := range []map[string]string{newYorkAddress, {"name": "Zelda Quux", "line1": "77 Hidden Lane", "city": "Nowhere", "country": "ZZ"}} {
		for _, path := range []string{"/v1/checkout/quote", "/v1/checkout"} {
			ts.do(t, "POST", path, "application/json", ts.notebookCheckout(t, map[string]any{
				"buyer": buyer, "ship_to": to, "shipping_rate_id": standard, "discount_code": "NOTE25"}))
		}
	}
	got := logs.String()
	if !strings.Contains(got, "/v1/checkout") {
		t.Fatalf("no request logged: %s", got)
	}
	for _, pii := range []string{"secret.shopper", "Zelda", "Quux", "555 0199", "5550199", "Hidden Lane", "Main St"} {
		if strings.Contains(got, pii) {
			t.Errorf("the log shows %q: %s", pii, got)
		}
	}
}
