package console

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

func TestMerchNewProductForm(t *testing.T) {
	p, errs := newProductDraft{Title: "Mug", Currency: "JPY", Price: "1500", Stock: "3"}.request()
	if errs != nil || p.Variants.Items[0].Price != 1500 || p.Variants.Items[0].Stock != 3 || *p.Currency != "JPY" {
		t.Fatalf("request = %+v, %v", p, errs)
	}
	p, errs = newProductDraft{Title: "Ebook", Currency: "USD", Price: "9.99", Stock: "x", Unlimited: true}.request()
	if errs != nil || !p.Variants.Items[0].Unlimited || p.Variants.Items[0].Stock != 0 || p.Variants.Items[0].Price != 999 {
		t.Fatalf("unlimited request = %+v, %v", p, errs)
	}
	if err := p.NewProduct("mer_1", time.Now()).Validate(); err != nil {
		t.Errorf("the new product does not validate: %v", err)
	}
	_, errs = newProductDraft{Currency: "USD", Price: "9.999", Stock: "-2"}.request()
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
	f := productFormOf(stored)
	if f.Variants[0].Price != "19.99" || f.Variants[1].Price != "20.99" || f.MaxPerOrder != "5" {
		t.Fatalf("form = %+v", f)
	}
	f.Alt = " A red tee "
	f.Variants = append(f.Variants, variantForm{Name: "L", Price: "21", Stock: "2"})
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
	for _, id := range []string{"p-option", fieldID("v-name", 1), fieldID("v-price", 2), "p-max"} {
		if errs[id] == "" {
			t.Errorf("no error for %s: %v", id, errs)
		}
	}
}

func TestMerchWidgetForm(t *testing.T) {
	stored := &buycard.Widget{ID: "wgt_1", ProductID: "prd_1", CTA: "Buy", PublisherShareBPS: 1050,
		AllowedDomains: []string{"a.example", "*.b.example"}}
	f := widgetFormOf(stored)
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
	mo := &orderLine{Order: &buycard.Order{Status: buycard.OrderPaid, Total: buycard.Money{Amount: 5000, Currency: "USD"}, Refunded: 1000},
		Refundable: 4000}
	if n, msg := refundAmount(refundForm{Full: true}, mo.Order, mo.Refundable); n != 4000 || msg != "" {
		t.Errorf("full = %d, %q", n, msg)
	}
	if n, msg := refundAmount(refundForm{Amount: "12.34"}, mo.Order, mo.Refundable); n != 1234 || msg != "" {
		t.Errorf("partial = %d, %q", n, msg)
	}
	for _, in := range []string{"40.01", "0", "", "1.001", "-3"} {
		if n, msg := refundAmount(refundForm{Amount: in}, mo.Order, mo.Refundable); msg == "" {
			t.Errorf("refund of %q = %d, want an error", in, n)
		}
	}
}

func TestMerchPaths(t *testing.T) {
	if got := pathID("/console/products/prd_abc1", "/products"); got != "prd_abc1" {
		t.Errorf("pathID = %q", got)
	}
	for _, p := range []string{"/console/products", "/console/products/", "/console/products/prd_1/x", "/console/widgets/wgt_1", "/console/products/PRD_1"} {
		if got := pathID(p, "/products"); got != "" {
			t.Errorf("pathID(%q) = %q, want none", p, got)
		}
	}
	if got := ordersPath("paid", "ord_9", 25); got != "/v1/merchant/orders?before=ord_9&limit=25&status=paid" {
		t.Errorf("ordersPath = %q", got)
	}
	if got := statementQuery("2026-11-01", "2026-11-30", "EUR", "", true); got != "/v1/merchant/statement?currency=EUR&format=csv&from=2026-11-01&to=2026-11-30" {
		t.Errorf("statementQuery = %q", got)
	}
	if got := statementQuery("2026-11-01", "2026-11-30", "USD", "paid", false); got != "/v1/earnings/statement?account=paid&currency=USD&from=2026-11-01&to=2026-11-30" {
		t.Errorf("publisher's statementQuery = %q", got)
	}
	for from, ok := range map[string]bool{"2026-11-01": true, "2026-12-01": true, "2026-12-02": false, "2025-11-01": false, "": false} {
		if msg := checkRange(from, "2026-12-01"); (msg == "") != ok {
			t.Errorf("checkRange(%q) = %q", from, msg)
		}
	}
}

func TestMerchantRoutes(t *testing.T) {
	for path, title := range map[string]string{
		"/console/products": "Products", "/console/products/prd_1": "Product", "/console/widgets": "Widgets",
		"/console/widgets/wgt_1": "Widget designer", "/console/orders": "Orders", "/console/statement": "Statement",
	} {
		r, _, ok := match(path)
		if !ok || r.title != title || !r.allows(buycard.RoleMerchant) || r.allows(buycard.RoleAdmin) {
			t.Errorf("match(%q) = %q, %q, %v", path, r.title, r.role, ok)
		}
	}
	var nav []string
	for _, r := range navFor(buycard.RoleMerchant) {
		nav = append(nav, r.nav)
	}
	want := []string{"Overview", "Products", "Widgets", "Discount codes", "Orders", "Statement", "Settings", "API keys", "Webhooks"}
	if !reflect.DeepEqual(nav, want) {
		t.Errorf("merchant navigation = %q, want %q", nav, want)
	}
}

// TestMerchSelectValues checks that no select option has an empty value:
// go-app drops an empty value attribute, and the option's text becomes its
// value.
func TestMerchSelectValues(t *testing.T) {
	for name, options := range map[string][]ui.Option{"statuses": orderStatuses, "locales": cardLocales, "currencies": ui.Currencies} {
		for _, o := range options {
			if o.Value == "" {
				t.Errorf("%s: option %q has an empty value", name, o.Label)
			}
		}
	}
	for _, o := range cardLocales {
		if o.Value != followShopper && !buycard.ValidLocale(o.Value) {
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
			if got := statusLabel(tt.order); got != tt.want {
				t.Errorf("label %q, want %q", got, tt.want)
			}
		})
	}
}
