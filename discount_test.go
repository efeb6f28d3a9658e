package buycard_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

func TestDiscountApply(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Hour), now.Add(time.Hour)
	usd := func(a int64) buycard.Money { return buycard.Money{Amount: a, Currency: "USD"} }
	pct := func(bps int) buycard.DiscountCode { return buycard.DiscountCode{Code: "SAVE", PercentBPS: bps} }
	tests := []struct {
		name             string
		code             buycard.DiscountCode
		subtotal         buycard.Money
		want             int64
		errCode, message string
	}{
		{"25% of 3 × $19.99", pct(2500), usd(5997), 1499, "", ""},                                   // 1499.25
		{"half-up", pct(2500), usd(5998), 1500, "", ""},                                             // 1499.5
		{"half-up in JPY", pct(3333), buycard.Money{Amount: 1500, Currency: "JPY"}, 500, "", ""},    // 499.95
		{"KWD step of 10", pct(2500), buycard.Money{Amount: 19990, Currency: "KWD"}, 5000, "", ""},  // 4997.5 → 5000
		{"KWD rounds down", pct(1000), buycard.Money{Amount: 10040, Currency: "KWD"}, 1000, "", ""}, // 1004 → 1000
		{"100%", pct(10000), usd(5997), 5997, "", ""},
		{"fixed", buycard.DiscountCode{Code: "SAVE", AmountOff: map[string]int64{"USD": 500}}, usd(5997), 500, "", ""},
		{"fixed never more than the subtotal", buycard.DiscountCode{Code: "SAVE", AmountOff: map[string]int64{"USD": 500}}, usd(300), 300, "", ""},
		{"fixed in another currency", buycard.DiscountCode{Code: "SAVE", AmountOff: map[string]int64{"EUR": 500}}, usd(5997), 0,
			buycard.EINVALID, "The code SAVE cannot be used in USD."},
		{"minimum met", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, MinSubtotal: map[string]int64{"USD": 5000}}, usd(5000), 500, "", ""},
		{"minimum not met", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, MinSubtotal: map[string]int64{"USD": 5000}}, usd(4999), 0,
			buycard.EINVALID, "The code SAVE needs a subtotal of at least $50.00."},
		{"no minimum in the currency", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, MinSubtotal: map[string]int64{"EUR": 5000}}, usd(9999), 0,
			buycard.EINVALID, "The code SAVE cannot be used in USD."},
		{"not yet valid", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, StartsAt: &after}, usd(100), 0,
			buycard.ECONFLICT, "The code SAVE is not valid yet: it starts on 1 March 2027, 13:00 UTC."},
		{"starts now", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, StartsAt: &now}, usd(100), 10, "", ""},
		{"expired", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, EndsAt: &before}, usd(100), 0, buycard.ECONFLICT, "The code SAVE has expired."},
		{"ends now", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, EndsAt: &now}, usd(100), 0, buycard.ECONFLICT, "The code SAVE has expired."},
		{"archived", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, ArchivedAt: &before}, usd(100), 0, buycard.ECONFLICT, "The code SAVE has ended."},
		{"used up", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, MaxRedemptions: 2, Redeemed: 2}, usd(100), 0,
			buycard.ECONFLICT, "The code SAVE has been used up."},
		{"one use left", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, MaxRedemptions: 2, Redeemed: 1}, usd(100), 10, "", ""},
		{"another product", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, ProductIDs: []string{"prd_other"}}, usd(100), 0,
			buycard.EINVALID, "The code SAVE is not for this product."},
		{"another widget", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, WidgetIDs: []string{"wgt_other"}}, usd(100), 0,
			buycard.EINVALID, "The code SAVE is not for this product."},
		{"its product and widget", buycard.DiscountCode{Code: "SAVE", PercentBPS: 1000, ProductIDs: []string{"prd_a"}, WidgetIDs: []string{"wgt_a"}},
			usd(100), 10, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.code.Apply(tt.subtotal, "prd_a", "wgt_a", now)
			if buycard.ErrorCode(err) != tt.errCode || buycard.ErrorMessage(err) != tt.message {
				t.Fatalf("error = %v, want %s %q", err, tt.errCode, tt.message)
			}
			if got != tt.want {
				t.Errorf("discount = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestDiscountValidate(t *testing.T) {
	now := time.Now()
	earlier := now.Add(-time.Hour)
	ok := func(edit func(c *buycard.DiscountCode)) buycard.DiscountCode {
		c := buycard.DiscountCode{MerchantID: "mer_a", Code: " spring-25 ", PercentBPS: 2500}
		edit(&c)
		return c
	}
	tests := []struct {
		name    string
		code    buycard.DiscountCode
		message string
	}{
		{"ok", ok(func(*buycard.DiscountCode) {}), ""},
		{"no merchant", ok(func(c *buycard.DiscountCode) { c.MerchantID = "" }), "A discount code needs its merchant."},
		{"short", ok(func(c *buycard.DiscountCode) { c.Code = "ab" }), "A discount code is 3 to 32 letters, digits, dashes or underscores."},
		{"long", ok(func(c *buycard.DiscountCode) { c.Code = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456" }), "A discount code is 3 to 32 letters, digits, dashes or underscores."},
		{"space inside", ok(func(c *buycard.DiscountCode) { c.Code = "SPRING 25" }), "A discount code is 3 to 32 letters, digits, dashes or underscores."},
		{"non-ASCII", ok(func(c *buycard.DiscountCode) { c.Code = "ÉTÉ25" }), "A discount code is 3 to 32 letters, digits, dashes or underscores."},
		{"bidi", ok(func(c *buycard.DiscountCode) { c.Code = "AB\u202eCD" }), "A discount code is 3 to 32 letters, digits, dashes or underscores."},
		{"both kinds", ok(func(c *buycard.DiscountCode) { c.AmountOff = map[string]int64{"USD": 100} }),
			"A discount code takes off either a percentage or a fixed amount."},
		{"neither kind", ok(func(c *buycard.DiscountCode) { c.PercentBPS = 0 }), "A discount code takes off either a percentage or a fixed amount."},
		{"over 100%", ok(func(c *buycard.DiscountCode) { c.PercentBPS = 10001 }), "The percentage must be 0.01% to 100% (1 to 10000 basis points)."},
		{"bad currency", ok(func(c *buycard.DiscountCode) { c.PercentBPS, c.AmountOff = 0, map[string]int64{"XXX": 100} }),
			`The amount off names "XXX", which is not a supported currency.`},
		{"zero amount", ok(func(c *buycard.DiscountCode) { c.PercentBPS, c.AmountOff = 0, map[string]int64{"USD": 0} }),
			"The amount off in USD must be $0.01 to $999,999.99."},
		{"KWD step", ok(func(c *buycard.DiscountCode) { c.PercentBPS, c.AmountOff = 0, map[string]int64{"KWD": 1005} }),
			"The amount off in KWD must be a multiple of 10 minor units."},
		{"negative minimum", ok(func(c *buycard.DiscountCode) { c.MinSubtotal = map[string]int64{"USD": -1} }),
			"The minimum subtotal in USD must be $0.00 to $999,999.99."},
		{"ends before it starts", ok(func(c *buycard.DiscountCode) { c.StartsAt, c.EndsAt = &now, &earlier }),
			"A discount code must end after it starts."},
		{"negative limit", ok(func(c *buycard.DiscountCode) { c.MaxRedemptions = -1 }), "Redemption limits must be 0 (no limit) to 1000000000."},
		{"per buyer over total", ok(func(c *buycard.DiscountCode) { c.MaxRedemptions, c.MaxPerBuyer = 1, 2 }),
			"The limit per buyer cannot be more than the total limit."},
		{"bad product", ok(func(c *buycard.DiscountCode) { c.ProductIDs = []string{"wgt_a"} }), "A discount code's products must be product ids (prd_…)."},
		{"bad widget", ok(func(c *buycard.DiscountCode) { c.WidgetIDs = []string{"wgt_a'--"} }), "A discount code's widgets must be widget ids (wgt_…)."},
		{"bad placement", ok(func(c *buycard.DiscountCode) { c.PlacementID = "pub_a" }), "The placement must be a placement id (plc_…)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.code.Validate()
			if buycard.ErrorMessage(err) != tt.message || (err != nil && buycard.ErrorCode(err) != buycard.EINVALID) {
				t.Fatalf("Validate = %v, want %q", err, tt.message)
			}
			if err == nil && tt.code.Code != "SPRING-25" {
				t.Errorf("code = %q, want it normalized", tt.code.Code)
			}
		})
	}
}

func TestDiscountCodeEdit(t *testing.T) {
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	var create buycard.DiscountCodeEdit
	fatalIf(t, json.Unmarshal([]byte(`{"code":"mug10","amount_off":{"USD":1000},"ends_at":"2027-04-01T00:00:00Z","max_redemptions":5,"product_ids":["prd_a"]}`), &create))
	c, err := create.NewDiscountCode("mer_a", now)
	fatalIf(t, err)
	if c.Code != "MUG10" || c.AmountOff["USD"] != 1000 || c.EndsAt == nil || c.MaxRedemptions != 5 || len(c.ProductIDs) != 1 || !c.CreatedAt.Equal(now) {
		t.Fatalf("new code = %+v", c)
	}
	var edit buycard.DiscountCodeEdit
	fatalIf(t, json.Unmarshal([]byte(`{"percent_bps":1500,"ends_at":null,"product_ids":null,"placement_id":"plc_a"}`), &edit))
	next, err := edit.Apply(c)
	fatalIf(t, err)
	if next.PercentBPS != 1500 || next.AmountOff != nil || next.EndsAt != nil || next.ProductIDs != nil || next.PlacementID != "plc_a" ||
		next.MaxRedemptions != 5 || next.Code != "MUG10" {
		t.Fatalf("edited code = %+v", next)
	}
	if c.PercentBPS != 0 || c.EndsAt == nil {
		t.Errorf("Apply changed the original: %+v", c)
	}
	var bad buycard.DiscountCodeEdit
	fatalIf(t, json.Unmarshal([]byte(`{"max_per_buyer":6}`), &bad))
	if _, err := bad.Apply(c); buycard.ErrorCode(err) != buycard.EINVALID {
		t.Errorf("per buyer over total: %v", err)
	}
}

func TestBuyerKey(t *testing.T) {
	a, err := buycard.BuyerKey(" Ann@Example.com ")
	fatalIf(t, err)
	b, err := buycard.BuyerKey("ann@example.com")
	fatalIf(t, err)
	if a != b || len(a) != 64 {
		t.Errorf("keys %q %q differ", a, b)
	}
	if _, err := buycard.BuyerKey("not an email"); buycard.ErrorCode(err) != buycard.EINVALID {
		t.Errorf("bad email: %v", err)
	}
	if k, err := buycard.BuyerKey(""); k != "" || err != nil {
		t.Errorf("no email = %q %v", k, err)
	}
}

// fatalIf stops the test on an unexpected error.
func fatalIf(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
