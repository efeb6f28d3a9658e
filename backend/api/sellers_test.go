package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/buycard/buycard"
)

// sellerRows gives merchant a shipping zone and a tax rate, and returns
// their ids.
func sellerRows(t *testing.T, ts *testServer, merchantID string, i int) (zoneID, rateID string) {
	t.Helper()
	ctx := t.Context()
	z := &buycard.ShippingZone{MerchantID: merchantID, Name: fmt.Sprintf("Zone %d", i), Countries: []string{"US"},
		Rates: []buycard.ShippingRate{{Name: "Standard", Currency: "USD", Kind: buycard.ShipFlat, Amount: 100 * int64(i)}}}
	must(t, ts.db.CreateShippingZone(ctx, z))
	r := &buycard.TaxRate{MerchantID: merchantID, Country: "US", Region: "NY", RatePPM: int64(i)}
	must(t, ts.db.CreateTaxRate(ctx, r))
	return z.ID, r.ID
}

// sellerConfig is everything a merchant configures for the sale after
// the payment.
type sellerConfig struct {
	Settings *buycard.MerchantSettings
	Zones    buycard.ShippingZones
	Rates    buycard.TaxRateList
}

func sellerState(t *testing.T, ts *testServer, merchantID string) sellerConfig {
	t.Helper()
	var c sellerConfig
	var err error
	c.Settings, err = ts.db.MerchantSettings(t.Context(), merchantID)
	must(t, err)
	c.Zones, err = ts.db.ShippingZones(t.Context(), merchantID)
	must(t, err)
	c.Rates, err = ts.db.TaxRates(t.Context(), merchantID)
	must(t, err)
	return c
}

// TestSellerSettings follows a ceramics shop setting up the sale after
// the payment through the API: its settings, a shipping zone edited and a
// tax rate, every response checked against the OpenAPI document; bad
// input writes nothing.
func TestSellerSettings(t *testing.T) {
	t.Parallel()
	ts := newFullServer(t)
	doc := loadOpenAPI(t)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	call := func(method, pattern, path, body string, want int, v any) {
		t.Helper()
		ct := ""
		if body != "" {
			ct = "application/json"
		}
		resp, got := ts.do(t, method, path, ct, body, ann.headers()...)
		if resp.StatusCode != want {
			t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, got, want)
		}
		validateResponse(t, doc, method, pattern, path, resp, got)
		if v != nil {
			must(t, json.Unmarshal([]byte(got), v))
		}
	}
	var set buycard.MerchantSettings
	call("GET", "/v1/merchant/settings", "/v1/merchant/settings", "", 200, &set)
	if set.TaxMode != buycard.TaxNone || !set.UpdatedAt.IsZero() {
		t.Errorf("default settings = %+v", set)
	}
	call("PATCH", "/v1/merchant/settings", "/v1/merchant/settings", `{"business_name":" Ann's Ceramics ","support_email":"Help@Ann.example",
		"refund_policy":"30 days.","origin_country":"us","tax_mode":"rates","tax_shipping":true,"twitter_handle":"@AnnCeramics"}`, 200, &set)
	call("PATCH", "/v1/merchant/settings", "/v1/merchant/settings", `{"tax_mode":"vat"}`, 400, nil)
	call("PATCH", "/v1/merchant/settings", "/v1/merchant/settings", `{"twitter_handle":"<script>"}`, 400, nil)
	call("GET", "/v1/merchant/settings", "/v1/merchant/settings", "", 200, &set)
	if set.BusinessName != "Ann's Ceramics" || set.SupportEmail != "help@ann.example" || set.OriginCountry != "US" ||
		set.TaxMode != buycard.TaxRates || !set.TaxShipping || set.AskPhone || set.TwitterHandle != "AnnCeramics" {
		t.Errorf("saved settings = %+v", set)
	}

	var z buycard.ShippingZone
	call("POST", "/v1/shipping-zones", "/v1/shipping-zones", `{"name":"North America","countries":["us","CA"],
		"rates":[{"name":"Standard","currency":"USD","kind":"flat","amount":450,"free_over":10000}]}`, 201, &z)
	zonePath := "/v1/shipping-zones/" + z.ID
	call("PUT", "/v1/shipping-zones/{id}", zonePath, `{"name":"USA","countries":["US"],
		"rates":[{"id":"shr_x","name":"Ground","currency":"USD","kind":"per_item","amount":300}]}`, 200, &z)
	call("PUT", "/v1/shipping-zones/{id}", zonePath, `{"name":"USA","countries":["US"],"rates":[{"name":"Ground","currency":"USD","kind":"per_item","amount":-1}]}`, 400, nil)
	call("POST", "/v1/shipping-zones", "/v1/shipping-zones", `{"name":"x","countries":["US"],"rates":[],"extra":1}`, 400, nil)
	var zones struct {
		Zones buycard.ShippingZones `json:"shipping_zones"`
	}
	call("GET", "/v1/shipping-zones", "/v1/shipping-zones", "", 200, &zones)
	if len(zones.Zones) != 1 || zones.Zones[0].Name != "USA" || zones.Zones[0].Rates[0].Name != "Ground" {
		t.Fatalf("zones = %+v", zones.Zones)
	}
	if opts := zones.Zones.Options("US", "USD", 4498, 3); len(opts) != 1 || opts[0].Amount.Amount != 900 {
		t.Errorf("options = %+v", opts)
	}
	call("GET", "/v1/shipping-zones/{id}", zonePath, "", 200, &z)

	var r buycard.TaxRate
	call("POST", "/v1/tax-rates", "/v1/tax-rates", `{"country":"us","region":"ny","rate_ppm":88750}`, 201, &r)
	call("POST", "/v1/tax-rates", "/v1/tax-rates", `{"country":"US","region":"NY","rate_ppm":1}`, 409, nil)
	call("PUT", "/v1/tax-rates/{id}", "/v1/tax-rates/"+r.ID, `{"country":"US","region":"NY","rate_ppm":88875}`, 200, &r)
	var rates struct {
		Rates buycard.TaxRateList `json:"tax_rates"`
	}
	call("GET", "/v1/tax-rates", "/v1/tax-rates", "", 200, &rates)
	if len(rates.Rates) != 1 || rates.Rates[0].RatePPM != 88875 {
		t.Fatalf("rates = %+v", rates.Rates)
	}

	before := sellerState(t, ts, set.MerchantID)
	call("DELETE", "/v1/tax-rates/{id}", "/v1/tax-rates/txr_nope", "", 404, nil)
	call("PUT", "/v1/tax-rates/{id}", "/v1/tax-rates/"+r.ID, `{"country":"FR","region":"IDF","rate_ppm":1}`, 400, nil)
	if after := sellerState(t, ts, set.MerchantID); after.Rates[0].RatePPM != before.Rates[0].RatePPM {
		t.Errorf("a refused edit changed the rate: %+v", after.Rates[0])
	}
	call("DELETE", "/v1/tax-rates/{id}", "/v1/tax-rates/"+r.ID, "", 204, nil)
	call("DELETE", "/v1/shipping-zones/{id}", zonePath, "", 204, nil)
	call("GET", "/v1/shipping-zones/{id}", zonePath, "", 404, nil)

	var p buycard.Product
	call("POST", "/v1/products", "/v1/products", productBody, 201, &p)
	if p.Kind != buycard.ProductService {
		t.Errorf("kind of a product created without one = %q, want service", p.Kind)
	}
	call("POST", "/v1/products", "/v1/products", `{"title":"Mug","currency":"USD","kind":"physical","variants":[{"name":"One","price":1200,"stock":3}]}`, 201, &p)
	if p.Kind != buycard.ProductPhysical {
		t.Errorf("kind = %q, want physical", p.Kind)
	}
	resp, _ := ts.do(t, "GET", "/v1/merchant/settings", "", "")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous settings = %d", resp.StatusCode)
	}
}
