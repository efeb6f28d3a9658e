package console

import (
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

func TestMerchParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"12.50", "USD", 1250, true},
		{"12.5", "USD", 1250, true},
		{"12", "USD", 1200, true},
		{" 0.07 ", "EUR", 7, true},
		{".75", "USD", 75, true},
		{"12.", "USD", 1200, true},
		{"0.1", "USD", 10, true},
		{"19.99", "GBP", 1999, true}, // 19.99 is not exact as a float64
		{"1500", "JPY", 1500, true},
		{"1500.0", "JPY", 0, false},
		{"1.250", "KWD", 1250, true},
		{"1.25", "KWD", 1250, true},
		{"1.255", "KWD", 0, false}, // Stripe wants a trailing 0
		{"92233720368547758.07", "USD", math.MaxInt64, true},
		{"92233720368547758.08", "USD", 0, false},
		{"1.234", "USD", 0, false},
		{"-1", "USD", 0, false},
		{"+1", "USD", 0, false},
		{"1,000", "USD", 0, false},
		{"1 000", "USD", 0, false},
		{"1e3", "USD", 0, false},
		{"", "USD", 0, false},
		{".", "USD", 0, false},
		{"1.2.3", "USD", 0, false},
		{"١٢", "USD", 0, false},
	} {
		got, err := parseMoney(tc.in, tc.cur, "Price")
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseMoney(%q, %s) = %d, %v; want %d, ok %v", tc.in, tc.cur, got, err, tc.want, tc.ok)
		}
		if err != nil && message(err) == msgUnexpected {
			t.Errorf("parseMoney(%q): error %v is not worded for people", tc.in, err)
		}
	}
	if _, err := parsePrice("0.00", "USD", "Price"); err == nil {
		t.Error("a price of 0 passed")
	}
}

// TestMerchMoneyRoundTrip checks that what a field shows reads back as
// the same minor units, in every currency.
func TestMerchMoneyRoundTrip(t *testing.T) {
	for _, o := range currencies {
		if _, ok := buycard.CurrencyExponent(o.Value); !ok {
			t.Fatalf("currency %s is not supported by buycard", o.Value)
		}
		for _, n := range []int64{10, 120, 1250, 99990, 100000000, 7_000_000_010} {
			text := decimalText(n, o.Value)
			got, err := parseMoney(text, o.Value, "Price")
			if err != nil || got != n {
				t.Errorf("%d %s shows as %q, which reads as %d, %v", n, o.Value, text, got, err)
			}
		}
	}
	if got := decimalText(1250, "KWD"); got != "1.250" {
		t.Errorf("1250 KWD shows as %q", got)
	}
	if got := decimalText(1500, "JPY"); got != "1500" {
		t.Errorf("1500 JPY shows as %q", got)
	}
	if got := moneyText(123456, "USD"); got != "$1,234.56" {
		t.Errorf("moneyText = %q", got)
	}
}

func TestMerchPercent(t *testing.T) {
	for bps, want := range map[int]string{0: "0.00", 1: "0.01", 10: "0.10", 750: "7.50", 1234: "12.34", 10000: "100.00"} {
		if got := percentField(bps); got != want {
			t.Errorf("percentField(%d) = %q, want %q", bps, got, want)
		}
		if back, err := parsePercent(want, "Share"); err != nil || back != bps {
			t.Errorf("parsePercent(%q) = %d, %v; want %d", want, back, err, bps)
		}
	}
	// Every basis point survives the round trip.
	for bps := 0; bps <= 10000; bps++ {
		if back, err := parsePercent(percentField(bps), "Share"); err != nil || back != bps {
			t.Fatalf("%d bps: %q reads as %d, %v", bps, percentField(bps), back, err)
		}
	}
	for in, want := range map[string]int{"7.5": 750, "7.5 %": 750, "7%": 700, " 12.05 ": 1205, "0.29": 29, "0.57": 57} {
		if got, err := parsePercent(in, "Share"); err != nil || got != want {
			t.Errorf("parsePercent(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "100.01", "101", "-1", "7.505", "abc", "7,5"} {
		if got, err := parsePercent(in, "Share"); err == nil {
			t.Errorf("parsePercent(%q) = %d, want an error", in, got)
		}
	}
}

func TestMerchParseCount(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "12": 12, " 7 ": 7} {
		if got, err := parseCount(in, 0, "Stock"); err != nil || got != want {
			t.Errorf("parseCount(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "-1", "1.5", "x", "99999999999"} {
		if _, err := parseCount(in, 0, "Stock"); err == nil {
			t.Errorf("parseCount(%q) passed", in)
		}
	}
	if _, err := parseCount("0", 1, "Maximum"); err == nil {
		t.Error("a minimum of 1 let 0 through")
	}
}

func TestMerchParseDomains(t *testing.T) {
	got := parseDomains("Example.com\n\n *.blog.example \r\nexample.com, news.example")
	want := []string{"example.com", "*.blog.example", "news.example"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseDomains = %q, want %q", got, want)
	}
	if got := parseDomains("  \n"); got == nil || len(got) != 0 {
		t.Errorf("no domains = %#v, want an empty list (JSON [])", got)
	}
}

func TestMerchNewProductForm(t *testing.T) {
	p, errs := merchNewProduct{Title: "Mug", Currency: "JPY", Price: "1500", Stock: "3"}.request()
	if errs != nil || p.Variants.Items[0].Price != 1500 || p.Variants.Items[0].Stock != 3 || *p.Currency != "JPY" {
		t.Fatalf("request = %+v, %v", p, errs)
	}
	p, errs = merchNewProduct{Title: "Ebook", Currency: "USD", Price: "9.99", Stock: "x", Unlimited: true}.request()
	if errs != nil || !p.Variants.Items[0].Unlimited || p.Variants.Items[0].Stock != 0 || p.Variants.Items[0].Price != 999 {
		t.Fatalf("unlimited request = %+v, %v", p, errs)
	}
	if err := p.NewProduct("mer_1", time.Now()).Validate(); err != nil {
		t.Errorf("the new product does not validate: %v", err)
	}
	_, errs = merchNewProduct{Currency: "USD", Price: "9.999", Stock: "-2"}.request()
	for _, id := range []string{"new-title", "new-price", "new-stock"} {
		if errs[id] == "" {
			t.Errorf("no error for %s: %v", id, errs)
		}
	}
}

func TestMerchProductForm(t *testing.T) {
	stored := &buycard.Product{ID: "prd_1", Title: "Tee", Currency: "EUR", MaxPerOrder: 5, OptionName: "Size",
		Image:    buycard.Image{URL: "/images/x.png", Width: 10, Height: 20, Alt: "old"},
		Variants: []buycard.Variant{{ID: "var_s", Name: "S", Price: 1999, Stock: 4}, {ID: "var_m", Name: "M", Price: 2099, Unlimited: true}}}
	f := merchFormOf(stored)
	if f.Variants[0].Price != "19.99" || f.Variants[1].Price != "20.99" || f.MaxPerOrder != "5" {
		t.Fatalf("form = %+v", f)
	}
	f.Alt = " A red tee "
	f.Variants = append(f.Variants, merchVariantForm{Name: "L", Price: "21", Stock: "2"})
	edit, errs := f.request(stored)
	if errs != nil {
		t.Fatal(errs)
	}
	want := []buycard.Variant{{ID: "var_s", Name: "S", Price: 1999, Stock: 4}, {ID: "var_m", Name: "M", Price: 2099, Unlimited: true},
		{Name: "L", Price: 2100, Stock: 2}}
	if !reflect.DeepEqual(edit.Variants.Items, want) || edit.Image.Alt != "A red tee" || edit.Image.URL != "/images/x.png" || *edit.Currency != "EUR" {
		t.Errorf("edit = %+v", edit)
	}

	f.OptionName, f.Variants[1].Name, f.Variants[2].Price, f.MaxPerOrder = "", "s", "0", "0"
	_, errs = f.request(stored)
	for _, id := range []string{"p-option", merchFieldID("v-name", 1), merchFieldID("v-price", 2), "p-max"} {
		if errs[id] == "" {
			t.Errorf("no error for %s: %v", id, errs)
		}
	}
}

func TestMerchWidgetForm(t *testing.T) {
	stored := &buycard.Widget{ID: "wgt_1", ProductID: "prd_1", CTA: "Buy", PublisherShareBPS: 1050,
		AllowedDomains: []string{"a.example", "*.b.example"}}
	f := merchWidgetFormOf(stored)
	if f.Share != "10.50" || f.ThemeColor != buycard.DefaultThemeColor || f.Radius != strconv.Itoa(buycard.DefaultCornerRadius) ||
		f.Scheme != buycard.SchemeAuto || f.Layout != buycard.LayoutFull || f.CheckoutMode != buycard.CheckoutOverlay ||
		f.Domains != "a.example\n*.b.example" {
		t.Fatalf("form = %+v", f)
	}
	f.ThemeColor, f.Radius, f.Share, f.Domains, f.Layout, f.Locale = "#1d4ed8", "4", "7.25", "", buycard.LayoutCompact, "fr"
	e, errs := f.request("prd_1")
	if errs != nil {
		t.Fatal(errs)
	}
	if *e.PublisherShareBPS != 725 || *e.CornerRadius != 4 || *e.ThemeColor != "#1d4ed8" || !e.AllowedDomains.Set ||
		len(e.AllowedDomains.Items) != 0 || *e.Layout != "compact" || *e.Locale != "fr" || *e.ProductID != "prd_1" {
		t.Errorf("edit = %+v", e)
	}

	// The preview follows the form, keeping the stored values it cannot show.
	f.Radius = "x"
	if w := f.preview(*stored); w.CornerRadius != stored.CornerRadius || w.ThemeColor != "#1d4ed8" || w.Layout != "compact" {
		t.Errorf("preview = %+v", w)
	}
	f.Radius = "99"
	if w := f.preview(*stored); w.CornerRadius != buycard.MaxCornerRadius {
		t.Errorf("preview radius = %d", w.CornerRadius)
	}

	f.Radius, f.Share, f.ThemeColor, f.Locale, f.CTA = "25", "50.001", "blue", "not a locale!", " "
	_, errs = f.request("prd_1")
	for _, id := range []string{"w-radius", "w-share", "w-color", "w-locale", "w-cta"} {
		if errs[id] == "" {
			t.Errorf("no error for %s: %v", id, errs)
		}
	}
}

func TestMerchRefundAmount(t *testing.T) {
	mo := &merchOrder{Order: &buycard.Order{Status: buycard.OrderPaid, Total: buycard.Money{Amount: 5000, Currency: "USD"}, Refunded: 1000},
		Refundable: 4000}
	if n, msg := merchRefundAmount(merchRefund{Full: true}, mo); n != 4000 || msg != "" {
		t.Errorf("full = %d, %q", n, msg)
	}
	if n, msg := merchRefundAmount(merchRefund{Amount: "12.34"}, mo); n != 1234 || msg != "" {
		t.Errorf("partial = %d, %q", n, msg)
	}
	for _, in := range []string{"40.01", "0", "", "1.001", "-3"} {
		if n, msg := merchRefundAmount(merchRefund{Amount: in}, mo); msg == "" {
			t.Errorf("refund of %q = %d, want an error", in, n)
		}
	}
}

func TestMerchPaths(t *testing.T) {
	if got := merchPathID("/console/products/prd_abc1", "/products"); got != "prd_abc1" {
		t.Errorf("merchPathID = %q", got)
	}
	for _, p := range []string{"/console/products", "/console/products/", "/console/products/prd_1/x", "/console/widgets/wgt_1", "/console/products/PRD_1"} {
		if got := merchPathID(p, "/products"); got != "" {
			t.Errorf("merchPathID(%q) = %q, want none", p, got)
		}
	}
	if got := merchOrdersPath("paid", "ord_9", 25); got != "/v1/merchant/orders?before=ord_9&limit=25&status=paid" {
		t.Errorf("merchOrdersPath = %q", got)
	}
	if got := merchStatementQuery("2026-11-01", "2026-11-30", "EUR", true); got != "/v1/merchant/statement?currency=EUR&format=csv&from=2026-11-01&to=2026-11-30" {
		t.Errorf("merchStatementQuery = %q", got)
	}
	for from, ok := range map[string]bool{"2026-11-01": true, "2026-12-01": true, "2026-12-02": false, "2025-11-01": false, "": false} {
		if msg := merchCheckRange(from, "2026-12-01"); (msg == "") != ok {
			t.Errorf("merchCheckRange(%q) = %q", from, msg)
		}
	}
}

func TestMerchantRoutes(t *testing.T) {
	for path, title := range map[string]string{
		"/console/products": "Products", "/console/products/prd_1": "Product", "/console/widgets": "Widgets",
		"/console/widgets/wgt_1": "Widget designer", "/console/orders": "Orders", "/console/statement": "Statement",
	} {
		r, _, ok := match(path)
		if !ok || r.title != title || r.role != buycard.RoleMerchant {
			t.Errorf("match(%q) = %q, %q, %v", path, r.title, r.role, ok)
		}
	}
	var nav []string
	for _, r := range navFor(buycard.RoleMerchant) {
		nav = append(nav, r.nav)
	}
	want := []string{"Overview", "Products", "Widgets", "Orders", "Statement", "API keys"}
	if !reflect.DeepEqual(nav, want) {
		t.Errorf("merchant navigation = %q, want %q", nav, want)
	}
}

func TestMerchSigned(t *testing.T) {
	for amount, want := range map[int64]string{-456: "−$4.56", 0: "$0.00", 133_68: "$133.68"} {
		if got := merchSigned(amount, "USD"); got != want {
			t.Errorf("merchSigned(%d) = %q, want %q", amount, got, want)
		}
	}
}

// TestMerchSelectValues checks that no select option has an empty value:
// go-app drops an empty value attribute, and the option's text becomes its
// value.
func TestMerchSelectValues(t *testing.T) {
	for name, options := range map[string][]ui.Option{"statuses": merchStatuses, "locales": merchLocales, "currencies": currencies} {
		for _, o := range options {
			if o.Value == "" {
				t.Errorf("%s: option %q has an empty value", name, o.Label)
			}
		}
	}
	for _, o := range merchLocales {
		if o.Value != merchFollowShopper && !buycard.ValidLocale(o.Value) {
			t.Errorf("locale option %q is not a valid locale", o.Value)
		}
	}
}

func TestMerchStatusLabel(t *testing.T) {
	paid := func(edit func(o *buycard.Order)) *buycard.Order {
		o := &buycard.Order{Status: buycard.OrderPaid, Total: buycard.Money{Amount: 5000, Currency: "USD"}}
		edit(o)
		return o
	}
	tests := []struct {
		name  string
		order *buycard.Order
		want  string
	}{
		{"paid", paid(func(*buycard.Order) {}), "Paid"},
		{"partly refunded", paid(func(o *buycard.Order) { o.Refunded = 1000 }), "Partly refunded"},
		{"oversold", paid(func(o *buycard.Order) { o.Oversold = 1 }), "Paid, oversold"},
		{"canceled", &buycard.Order{Status: buycard.OrderCanceled}, "Canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := merchStatusLabel(tt.order); got != tt.want {
				t.Errorf("label %q, want %q", got, tt.want)
			}
		})
	}
}
