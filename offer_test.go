package buycard_test

import (
	"testing"

	"github.com/buycard/buycard"
)

func testCard() *buycard.Card {
	return &buycard.Card{
		Widget:   buycard.Widget{ID: "wgt_tee", CTA: "Buy"},
		Merchant: buycard.Merchant{Name: "Northwind", ChargesEnabled: true},
		Product: buycard.Product{
			ID: "prd_tee", Title: "Tee", Currency: "USD", MaxPerOrder: 4, OptionName: "Size",
			Variants: []buycard.Variant{
				{ID: "var_s", Name: "S", Price: 2800, Stock: 0},
				{ID: "var_m", Name: "M", Price: 2800, Stock: 20},
				{ID: "var_xl", Name: "XL", Price: 3200, Stock: 2},
			},
		},
	}
}

func TestOfferTotal(t *testing.T) {
	offer := buycard.NewOffer(testCard(), "tok")
	tests := []struct {
		name, variant string
		quantity      int
		want          int64
		wantCode      string
		wantMessage   string
	}{
		{"ok", "var_m", 3, 8400, "", ""},
		{"capped by max per order", "var_m", 5, 0, buycard.EINVALID, "You can buy at most 4 at a time."},
		{"capped by stock", "var_xl", 3, 0, buycard.EINVALID, "You can buy at most 2 at a time."},
		{"zero quantity", "var_m", 0, 0, buycard.EINVALID, "Quantity must be at least 1."},
		{"negative quantity", "var_m", -1, 0, buycard.EINVALID, "Quantity must be at least 1."},
		{"sold out variant", "var_s", 1, 0, buycard.ECONFLICT, "This option is sold out."},
		{"unknown variant", "var_zz", 1, 0, buycard.EINVALID, "Choose one of the listed options."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := offer.Total(tt.variant, tt.quantity)
			if code := buycard.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("code = %q, want %q (err %v)", code, tt.wantCode, err)
			}
			if msg := buycard.ErrorMessage(err); msg != tt.wantMessage {
				t.Errorf("message = %q, want %q", msg, tt.wantMessage)
			}
			if got.Amount != tt.want {
				t.Errorf("total = %d, want %d", got.Amount, tt.want)
			}
		})
	}
}

func TestOfferDefaultsToFirstVariantInStock(t *testing.T) {
	if v := buycard.NewOffer(testCard(), "").DefaultVariant(); v == nil || v.ID != "var_m" {
		t.Errorf("DefaultVariant = %+v, want var_m", v)
	}
}

func TestCardAvailability(t *testing.T) {
	card := testCard()
	if got := card.Availability(); got != buycard.Buyable {
		t.Errorf("in stock: %s", got)
	}
	if got := card.Product.FromPrice(); got.Amount != 2800 {
		t.Errorf("FromPrice = %d, want 2800 (cheapest in stock)", got.Amount)
	}
	for i := range card.Product.Variants {
		card.Product.Variants[i].Stock = 0
	}
	if got := card.Availability(); got != buycard.SoldOut {
		t.Errorf("no stock: %s", got)
	}
	card.Merchant.ChargesEnabled = false
	if got := card.Availability(); got != buycard.Unavailable {
		t.Errorf("merchant without charges: %s", got)
	}
}

func TestProductValidate(t *testing.T) {
	valid := func() buycard.Product {
		return buycard.Product{Title: "T", Currency: "KWD", MaxPerOrder: 1,
			Variants: []buycard.Variant{{Name: "One", Price: 12500, Stock: 1}}}
	}
	tests := []struct {
		name   string
		change func(*buycard.Product)
		want   string
	}{
		{"ok", func(*buycard.Product) {}, ""},
		{"no title", func(p *buycard.Product) { p.Title = " " }, "Product title is required."},
		{"bad currency", func(p *buycard.Product) { p.Currency = "XXX" }, `Currency "XXX" is not supported.`},
		{"no variants", func(p *buycard.Product) { p.Variants = nil }, "A product needs at least one variant."},
		{"max zero", func(p *buycard.Product) { p.MaxPerOrder = 0 }, "Maximum per order must be at least 1."},
		{"zero price", func(p *buycard.Product) { p.Variants[0].Price = 0 }, `Variant "One" needs a positive price.`},
		{"kwd not ending in 0", func(p *buycard.Product) { p.Variants[0].Price = 12505 }, `Variant "One": KWD prices must end in 0.`},
		{"negative stock", func(p *buycard.Product) { p.Variants[0].Stock = -1 }, `Variant "One": stock must not be negative.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.change(&p)
			if got := buycard.ErrorMessage(p.Validate()); got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWidgetFrameAncestors(t *testing.T) {
	if got := (&buycard.Widget{}).FrameAncestors(); got != "*" {
		t.Errorf("no domains: %q", got)
	}
	w := &buycard.Widget{AllowedDomains: []string{"news.example"}}
	want := "'self' http://news.example:* https://news.example:* https://news.example http://news.example"
	if got := w.FrameAncestors(); got != want {
		t.Errorf("FrameAncestors = %q, want %q", got, want)
	}
}

func TestWidgetValidate(t *testing.T) {
	tests := []struct {
		name    string
		domains []string
		bps     int
		want    string
	}{
		{"ok", []string{"news.example", "*.blog.example", "localhost"}, 1000, ""},
		{"csp injection", []string{"a.example; script-src *"}, 0, `Allowed domain "a.example; script-src *" is not a host name.`},
		{"scheme", []string{"https://a.example"}, 0, `Allowed domain "https://a.example" is not a host name.`},
		{"empty label", []string{"a..example"}, 0, `Allowed domain "a..example" is not a host name.`},
		{"share too high", nil, 10001, "Publisher share must be between 0 and 10000 basis points."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := buycard.Widget{MerchantID: "mer_a", ProductID: "prd_a", CTA: "Buy", AllowedDomains: tt.domains, PublisherShareBPS: tt.bps}
			if got := buycard.ErrorMessage(w.Validate()); got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}
