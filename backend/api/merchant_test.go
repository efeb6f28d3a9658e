package api_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

// must stops the test on an unexpected error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const productBody = `{"title":"Mug","currency":"USD","variants":[{"name":"One","price":1200,"stock":3}],"max_per_order":2}`

func TestMerchantRoutes(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	pub, _ := signup(t, ts, "pat@example.com", "publisher")
	resp, body := ts.do(t, "POST", "/v1/products", "application/json", productBody, ann.headers()...)
	if resp.StatusCode != 201 {
		t.Fatalf("create product = %d %s", resp.StatusCode, body)
	}
	var p buycard.Product
	must(t, json.Unmarshal([]byte(body), &p))
	resp, body = ts.do(t, "POST", "/v1/widgets", "application/json", `{"product_id":"`+p.ID+`","cta":"Get it"}`, ann.headers()...)
	if resp.StatusCode != 201 {
		t.Fatalf("create widget = %d %s", resp.StatusCode, body)
	}
	var w buycard.Widget
	must(t, json.Unmarshal([]byte(body), &w))
	noCSRF := []string{"Cookie", ann.cookie}
	for _, tt := range []struct {
		name, method, path, body string
		headers                  []string
		want                     int
	}{
		{"list products", "GET", "/v1/products", "", ann.headers(), 200},
		{"get product", "GET", "/v1/products/" + p.ID, "", ann.headers(), 200},
		{"edit product", "PATCH", "/v1/products/" + p.ID, `{"title":"Big mug"}`, ann.headers(), 200},
		{"reprice", "PATCH", "/v1/products/" + p.ID, `{"variants":[{"id":"` + p.Variants[0].ID + `","name":"One","price":1500,"stock":3}]}`, ann.headers(), 200},
		{"no title", "PATCH", "/v1/products/" + p.ID, `{"title":""}`, ann.headers(), 400},
		{"currency", "PATCH", "/v1/products/" + p.ID, `{"currency":"EUR"}`, ann.headers(), 400},
		{"bad product", "POST", "/v1/products", `{"title":"x","currency":"USD","variants":[]}`, ann.headers(), 400},
		{"unknown field", "POST", "/v1/products", `{"nope":1}`, ann.headers(), 400},
		{"unknown product", "GET", "/v1/products/prd_nope", "", ann.headers(), 404},
		{"list widgets", "GET", "/v1/widgets", "", ann.headers(), 200},
		{"get widget", "GET", "/v1/widgets/" + w.ID, "", ann.headers(), 200},
		{"edit widget", "PATCH", "/v1/widgets/" + w.ID, `{"checkout_mode":"popup","allowed_domains":["example.com"]}`, ann.headers(), 200},
		{"bad share", "PATCH", "/v1/widgets/" + w.ID, `{"publisher_share_bps":10001}`, ann.headers(), 400},
		{"bad domain", "PATCH", "/v1/widgets/" + w.ID, `{"allowed_domains":["a b"]}`, ann.headers(), 400},
		{"design widget", "PATCH", "/v1/widgets/" + w.ID, `{"theme_color":"#1d4ed8","corner_radius":4,"color_scheme":"dark","layout":"compact","locale":"fr-CA"}`, ann.headers(), 200},
		{"bad colour", "PATCH", "/v1/widgets/" + w.ID, `{"theme_color":"blue"}`, ann.headers(), 400},
		{"bad radius", "PATCH", "/v1/widgets/" + w.ID, `{"corner_radius":30}`, ann.headers(), 400},
		{"bad scheme", "PATCH", "/v1/widgets/" + w.ID, `{"color_scheme":"sepia"}`, ann.headers(), 400},
		{"bad layout", "PATCH", "/v1/widgets/" + w.ID, `{"layout":"grid"}`, ann.headers(), 400},
		{"bad locale", "PATCH", "/v1/widgets/" + w.ID, `{"locale":"not a tag"}`, ann.headers(), 400},
		{"widget of unknown product", "POST", "/v1/widgets", `{"product_id":"prd_nope"}`, ann.headers(), 404},
		{"anonymous", "GET", "/v1/products", "", nil, 401},
		{"anonymous widget", "GET", "/v1/widgets/" + w.ID, "", nil, 401},
		{"publisher", "GET", "/v1/products", "", pub.headers(), 403},
		{"publisher write", "PATCH", "/v1/widgets/" + w.ID, `{"cta":"x"}`, pub.headers(), 403},
		{"no CSRF", "PATCH", "/v1/products/" + p.ID, `{"title":"x"}`, noCSRF, 403},
		{"no CSRF archive", "POST", "/v1/products/" + p.ID + "/archive", "", noCSRF, 403},
		{"archive", "POST", "/v1/products/" + p.ID + "/archive", "", ann.headers(), 200},
		{"product kind", "PATCH", "/v1/products/" + p.ID, `{"kind":"physical"}`, ann.headers(), 200},
		{"bad product kind", "PATCH", "/v1/products/" + p.ID, `{"kind":"gift"}`, ann.headers(), 400},
		{"settings", "GET", "/v1/merchant/settings", "", ann.headers(), 200},
		{"edit settings", "PATCH", "/v1/merchant/settings", `{"business_name":"Ann's Mugs","origin_country":"us"}`, ann.headers(), 200},
		{"bad settings", "PATCH", "/v1/merchant/settings", `{"origin_country":"XX"}`, ann.headers(), 400},
		{"shipping zones", "GET", "/v1/shipping-zones", "", ann.headers(), 200},
		{"bad shipping zone", "POST", "/v1/shipping-zones", `{"name":"x","countries":["ZZ"],"rates":[]}`, ann.headers(), 400},
		{"unknown shipping zone", "GET", "/v1/shipping-zones/shz_nope", "", ann.headers(), 404},
		{"delete unknown shipping zone", "DELETE", "/v1/shipping-zones/shz_nope", "", ann.headers(), 404},
		{"tax rates", "GET", "/v1/tax-rates", "", ann.headers(), 200},
		{"bad tax rate", "POST", "/v1/tax-rates", `{"country":"US","rate_ppm":2000000}`, ann.headers(), 400},
		{"unknown tax rate", "PUT", "/v1/tax-rates/txr_nope", `{"country":"US","rate_ppm":1}`, ann.headers(), 404},
		{"anonymous settings", "GET", "/v1/merchant/settings", "", nil, 401},
		{"anonymous zones", "GET", "/v1/shipping-zones", "", nil, 401},
		{"anonymous tax rates", "POST", "/v1/tax-rates", `{"country":"US","rate_ppm":1}`, nil, 401},
		{"publisher settings", "GET", "/v1/merchant/settings", "", pub.headers(), 403},
		{"publisher settings write", "PATCH", "/v1/merchant/settings", `{"ask_phone":true}`, pub.headers(), 403},
		{"publisher zones", "POST", "/v1/shipping-zones", `{"name":"x","countries":["US"],"rates":[]}`, pub.headers(), 403},
		{"publisher tax rates", "GET", "/v1/tax-rates", "", pub.headers(), 403},
		{"no CSRF settings", "PATCH", "/v1/merchant/settings", `{"ask_phone":true}`, noCSRF, 403},
		{"no CSRF tax rate", "POST", "/v1/tax-rates", `{"country":"US","rate_ppm":1}`, noCSRF, 403},
		{"unfulfilled CSV", "GET", "/v1/merchant/orders/unfulfilled.csv", "", ann.headers(), 200},
		{"fulfil unknown order", "PATCH", "/v1/merchant/orders/ord_nope/fulfillment", `{"status":"fulfilled"}`, ann.headers(), 404},
		{"anonymous unfulfilled CSV", "GET", "/v1/merchant/orders/unfulfilled.csv", "", nil, 401},
		{"anonymous fulfillment", "PATCH", "/v1/merchant/orders/ord_nope/fulfillment", `{"status":"fulfilled"}`, nil, 401},
		{"publisher unfulfilled CSV", "GET", "/v1/merchant/orders/unfulfilled.csv", "", pub.headers(), 403},
		{"publisher fulfillment", "PATCH", "/v1/merchant/orders/ord_nope/fulfillment", `{"status":"fulfilled"}`, pub.headers(), 403},
		{"no CSRF fulfillment", "PATCH", "/v1/merchant/orders/ord_nope/fulfillment", `{"status":"fulfilled"}`, noCSRF, 403},
		{"license key counts", "GET", "/v1/products/" + p.ID + "/license-keys", "", ann.headers(), 200},
		{"anonymous license keys", "GET", "/v1/products/" + p.ID + "/license-keys", "", nil, 401},
		{"publisher license keys", "GET", "/v1/products/" + p.ID + "/license-keys", "", pub.headers(), 403},
		{"publisher delivery files", "GET", "/v1/products/" + p.ID + "/files", "", pub.headers(), 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ct := ""
			if tt.body != "" {
				ct = "application/json"
			}
			resp, body := ts.do(t, tt.method, tt.path, ct, tt.body, tt.headers...)
			if resp.StatusCode != tt.want {
				t.Errorf("%s %s = %d %s, want %d", tt.method, tt.path, resp.StatusCode, body, tt.want)
			}
		})
	}
	got, err := ts.db.FindProduct(t.Context(), p.ID)
	must(t, err)
	if got.Title != "Big mug" || got.PriceVersion != p.PriceVersion+1 || got.ArchivedAt == nil {
		t.Errorf("product after the table = %+v", got)
	}
}

// TestMerchantIsolation: for 100 pairs of merchants, every read and write
// of A on B's products, widgets and discount codes answers 404 and changes nothing.
func TestMerchantIsolation(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	a, _ := signup(t, ts, "a@example.com", "merchant")
	ctx := t.Context()
	for i := range 100 {
		b := &buycard.Merchant{Name: "B"}
		must(t, ts.db.CreateMerchant(ctx, b))
		p := &buycard.Product{MerchantID: b.ID, Title: "P", Currency: "USD", MaxPerOrder: 1, PriceVersion: 1,
			Variants: []buycard.Variant{{Name: "V", Price: 100 * int64(i+1), Stock: i}}}
		must(t, ts.db.CreateProduct(ctx, p))
		w := &buycard.Widget{MerchantID: b.ID, ProductID: p.ID, CTA: "Buy"}
		must(t, ts.db.CreateWidget(ctx, w))
		code := &buycard.DiscountCode{MerchantID: b.ID, Code: fmt.Sprintf("B%d", 100+i), PercentBPS: 1000, WidgetIDs: []string{w.ID}}
		must(t, ts.db.CreateDiscountCode(ctx, code))
		zone, rate := sellerRows(t, ts, b.ID, i)
		beforeS := sellerState(t, ts, b.ID)
		beforeP, err := ts.db.FindProduct(ctx, p.ID)
		must(t, err)
		beforeW, err := ts.db.FindWidget(ctx, w.ID)
		must(t, err)
		for _, r := range [][3]string{
			{"GET", "/v1/products/" + p.ID, ""},
			{"PATCH", "/v1/products/" + p.ID, `{"title":"stolen"}`},
			{"POST", "/v1/products/" + p.ID + "/archive", ""},
			{"GET", "/v1/widgets/" + w.ID, ""},
			{"PATCH", "/v1/widgets/" + w.ID, `{"cta":"stolen"}`},
			{"POST", "/v1/widgets", `{"product_id":"` + p.ID + `"}`},
			{"GET", "/v1/discount-codes/" + code.ID, ""},
			{"PATCH", "/v1/discount-codes/" + code.ID, `{"percent_bps":10000}`},
			{"POST", "/v1/discount-codes/" + code.ID + "/archive", ""},
			{"POST", "/v1/discount-codes", `{"code":"MINE","percent_bps":100,"widget_ids":["` + w.ID + `"]}`},
			{"GET", "/v1/shipping-zones/" + zone, ""},
			{"PUT", "/v1/shipping-zones/" + zone, `{"name":"stolen","countries":["US"],"rates":[{"name":"x","currency":"USD","kind":"flat","amount":0}]}`},
			{"DELETE", "/v1/shipping-zones/" + zone, ""},
			{"PUT", "/v1/tax-rates/" + rate, `{"country":"US","rate_ppm":0}`},
			{"DELETE", "/v1/tax-rates/" + rate, ""},
			{"GET", "/v1/products/" + p.ID + "/license-keys", ""},
			{"POST", "/v1/products/" + p.ID + "/license-keys", ""},
		} {
			ct := ""
			if r[2] != "" {
				ct = "application/json"
			}
			if resp, body := ts.do(t, r[0], r[1], ct, r[2], a.headers()...); resp.StatusCode != 404 {
				t.Fatalf("%s %s by another merchant = %d %s", r[0], r[1], resp.StatusCode, body)
			}
		}
		gotP, err := ts.db.FindProduct(ctx, p.ID)
		must(t, err)
		gotW, err := ts.db.FindWidget(ctx, w.ID)
		must(t, err)
		gotCode, err := ts.db.FindDiscountCode(ctx, code.ID)
		must(t, err)
		if !reflect.DeepEqual(gotP, beforeP) || !reflect.DeepEqual(gotW, beforeW) || !reflect.DeepEqual(gotCode, code) {
			t.Fatalf("B's objects changed: %+v %+v %+v", gotP, gotW, gotCode)
		}
		if afterS := sellerState(t, ts, b.ID); !reflect.DeepEqual(afterS, beforeS) {
			t.Fatalf("B's settings, zones or rates changed: %+v", afterS)
		}
	}
	for _, path := range []string{"/v1/products", "/v1/widgets", "/v1/discount-codes", "/v1/widget-placements", "/v1/shipping-zones", "/v1/tax-rates"} {
		if _, body := ts.do(t, "GET", path, "", "", a.headers()...); !slices.Contains([]string{`{"products":[]}`, `{"widgets":[]}`,
			`{"discount_codes":[]}`, `{"placements":[]}`, `{"shipping_zones":[]}`, `{"tax_rates":[]}`}, body) {
			t.Errorf("A's %s = %s", path, body)
		}
	}
}

func TestWidgetDesignAndUnlimitedStock(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	resp, body := ts.do(t, "POST", "/v1/products", "application/json",
		`{"title":"Ebook","currency":"USD","variants":[{"name":"PDF","price":900,"unlimited":true},{"name":"Print","price":2500,"stock":1}]}`, ann.headers()...)
	if resp.StatusCode != 201 {
		t.Fatalf("create product = %d %s", resp.StatusCode, body)
	}
	validateResponse(t, loadOpenAPI(t), "POST", "/v1/products", "/v1/products", resp, body)
	var p buycard.Product
	must(t, json.Unmarshal([]byte(body), &p))
	if !p.Variants[0].Unlimited || p.Variants[0].Stock != 0 || p.Variants[1].Unlimited {
		t.Errorf("variants = %+v", p.Variants)
	}
	resp, body = ts.do(t, "POST", "/v1/products", "application/json",
		`{"title":"Ebook","currency":"USD","variants":[{"name":"PDF","price":900,"unlimited":true,"stock":4}]}`, ann.headers()...)
	wantError(t, resp, body, 400, buycard.EINVALID, `Variant "PDF" has unlimited stock: leave its stock at 0.`)

	// A new widget has the default design; the fields omitted keep it.
	resp, body = ts.do(t, "POST", "/v1/widgets", "application/json", `{"product_id":"`+p.ID+`","corner_radius":0}`, ann.headers()...)
	if resp.StatusCode != 201 {
		t.Fatalf("create widget = %d %s", resp.StatusCode, body)
	}
	var w buycard.Widget
	must(t, json.Unmarshal([]byte(body), &w))
	if w.ThemeColor != buycard.DefaultThemeColor || w.CornerRadius != 0 || w.ColorScheme != "auto" || w.Layout != "full" || w.Locale != "" {
		t.Errorf("new widget design = %+v", w)
	}
	resp, body = ts.do(t, "PATCH", "/v1/widgets/"+w.ID, "application/json", `{"theme_color":"#FACC15","layout":"compact","locale":"de"}`, ann.headers()...)
	if resp.StatusCode != 200 {
		t.Fatalf("design widget = %d %s", resp.StatusCode, body)
	}
	resp, body = ts.do(t, "GET", "/v1/widgets/"+w.ID, "", "", ann.headers()...)
	doc := loadOpenAPI(t)
	validateResponse(t, doc, "GET", "/v1/widgets/{id}", "/v1/widgets/"+w.ID, resp, body)
	must(t, json.Unmarshal([]byte(body), &w))
	if resp.StatusCode != 200 || w.ThemeColor != "#FACC15" || w.CornerRadius != 0 || w.Layout != "compact" || w.Locale != "de" || w.ColorScheme != "auto" {
		t.Errorf("GET widget = %d %+v", resp.StatusCode, w)
	}

	// The card shows the design, in German whatever the shopper reads.
	_, body = ts.do(t, "GET", "/v1/cards?ids="+w.ID+"&lang=en-US", "", "")
	for _, want := range []string{`data-layout=\"compact\"`, `data-scheme=\"auto\"`, `lang=\"de\"`, `--a:#FACC15;--o:#000000`, `--r:0px`, "Kaufen"} {
		if !strings.Contains(body, want) {
			t.Errorf("card data lacks %s: %s", want, body)
		}
	}
}

// TestCloseWidgetToPublishers closes a widget: it leaves the publishers'
// catalog and no placement can be made for it, while the card itself
// still renders for the placements that exist; opening it brings it back.
func TestCloseWidgetToPublishers(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	merchant := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
	publisher := partyKey(t, ts, buycard.PartyPublisher, demoPublisher)
	inCatalog := func() bool {
		t.Helper()
		resp, body := ts.do(t, "GET", "/v1/catalog", "", "", publisher...)
		validateResponse(t, doc, "GET", "/v1/catalog", "/v1/catalog", resp, body)
		return strings.Contains(body, `"wgt_notebook"`)
	}
	setClosed := func(closed bool) {
		t.Helper()
		resp, body := ts.do(t, "PATCH", "/v1/widgets/wgt_notebook", "application/json", fmt.Sprintf(`{"closed_to_publishers":%v}`, closed), merchant...)
		validateResponse(t, doc, "PATCH", "/v1/widgets/{id}", "/v1/widgets/wgt_notebook", resp, body)
		if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf(`"closed_to_publishers":%v`, closed)) {
			t.Fatalf("PATCH closed=%v = %d %s", closed, resp.StatusCode, body)
		}
	}
	if !inCatalog() {
		t.Fatal("the demo notebook is not in the catalog to begin with")
	}
	setClosed(true)
	if inCatalog() {
		t.Error("a closed widget is still in the catalog")
	}
	resp, body := ts.do(t, "POST", "/v1/placements", "application/json", `{"widget_id":"wgt_notebook","name":"Sidebar"}`, publisher...)
	if resp.StatusCode != 400 {
		t.Errorf("placement for a closed widget = %d %s, want 400", resp.StatusCode, body)
	}
	if resp, body := ts.do(t, "GET", "/v1/cards?ids=wgt_notebook:plc_feednotebook", "", ""); resp.StatusCode != 200 || !strings.Contains(body, "Leather field notebook") {
		t.Errorf("the existing placement's card = %d %s", resp.StatusCode, body)
	}
	setClosed(false)
	if !inCatalog() {
		t.Error("a reopened widget is not in the catalog")
	}
}
