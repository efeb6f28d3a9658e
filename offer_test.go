package buycard_test

import (
	"math"
	"strings"
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
		{"max zero", func(p *buycard.Product) { p.MaxPerOrder = 0 }, "Maximum per order must be between 1 and 1000."},
		{"max above the limit", func(p *buycard.Product) { p.MaxPerOrder = 1001 }, "Maximum per order must be between 1 and 1000."},
		{"zero price", func(p *buycard.Product) { p.Variants[0].Price = 0 }, `Variant "One" needs a positive price.`},
		{"kwd not ending in 0", func(p *buycard.Product) { p.Variants[0].Price = 12505 }, `Variant "One": KWD prices must end in 0.`},
		{"price at Stripe's maximum", func(p *buycard.Product) { p.Currency, p.Variants[0].Price = "USD", 99_999_999 }, ""},
		{"price above Stripe's maximum", func(p *buycard.Product) { p.Currency, p.Variants[0].Price = "USD", 100_000_000 },
			`Variant "One": the price is above $999,999.99, the most one payment can take.`},
		{"price of MaxInt64", func(p *buycard.Product) { p.Currency, p.Variants[0].Price = "JPY", math.MaxInt64 },
			`Variant "One": the price is above ¥99,999,999, the most one payment can take.`},
		{"negative stock", func(p *buycard.Product) { p.Variants[0].Stock = -1 }, `Variant "One": stock must be between 0 and 1000000000.`},
		{"stock past a 32-bit column", func(p *buycard.Product) { p.Variants[0].Stock = math.MaxInt32 + 1 },
			`Variant "One": stock must be between 0 and 1000000000.`},
		{"long title", func(p *buycard.Product) { p.Title = strings.Repeat("é", 201) }, "The product title must be at most 200 characters."},
		{"title of 200 characters", func(p *buycard.Product) { p.Title = strings.Repeat("é", 200) }, ""},
		{"NUL in the title", func(p *buycard.Product) { p.Title = "Mug\x00" }, textControls("The product title")},
		{"bidi override in the title", func(p *buycard.Product) { p.Title = "Mug \u202egpj.exe" }, textControls("The product title")},
		{"line break in the title", func(p *buycard.Product) { p.Title = "Mug\nCup" }, textControls("The product title")},
		{"C1 control in the option name", func(p *buycard.Product) { p.OptionName = "Size\u0085" }, textControls("The option name")},
		{"isolate in a variant name", func(p *buycard.Product) { p.Variants[0].Name = "\u2067One" }, textControls("A variant name")},
		{"paragraphs in the description", func(p *buycard.Product) { p.Description = "One.\r\n\r\nTwo.\tThree." }, ""},
		{"escape sequence in the description", func(p *buycard.Product) { p.Description = "\x1b[2J" }, textControls("The description")},
		{"invalid UTF-8 in the alt text", func(p *buycard.Product) { p.Image.Alt = "\xff" }, "The image's alt text is not valid UTF-8 text."},
		{"https image", func(p *buycard.Product) { p.Image.URL = "https://cdn.example.com/mug.jpg?w=400" }, ""},
		{"uploaded image", func(p *buycard.Product) { p.Image.URL = "/images/" + strings.Repeat("ab", 32) + ".webp" }, ""},
		{"static image", func(p *buycard.Product) { p.Image.URL = "/web/demo/mug.svg" }, ""},
		{"javascript: image", func(p *buycard.Product) { p.Image.URL = "javascript:alert(1)" }, badImageURL},
		{"data: image", func(p *buycard.Product) { p.Image.URL = "data:image/svg+xml,<svg/onload=alert(1)>" }, badImageURL},
		{"http image", func(p *buycard.Product) { p.Image.URL = "http://tracker.example/p.gif" }, badImageURL},
		{"protocol-relative image", func(p *buycard.Product) { p.Image.URL = "//tracker.example/p.gif" }, badImageURL},
		{"image with a password", func(p *buycard.Product) { p.Image.URL = "https://user:pw@cdn.example/a.png" }, badImageURL},
		{"our API as an image", func(p *buycard.Product) { p.Image.URL = "/v1/keys" }, badImageURL},
		{"climbing out of /web/", func(p *buycard.Product) { p.Image.URL = "/web/../v1/keys.png" }, badImageURL},
		{"negative image width", func(p *buycard.Product) { p.Image.Width = -1 }, "The image's width and height must be between 0 and 8000 pixels."},
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

// textControls is the message of a text field holding a control.
func textControls(field string) string {
	return field + " must not contain control characters or text direction controls."
}

const badImageURL = "The image URL must start with https:// or be an uploaded image (/images/…)."

func TestWidgetFrameAncestors(t *testing.T) {
	for _, tt := range []struct {
		name         string
		domains      []string
		loopbackHTTP bool
		want         string
	}{
		{"any site", nil, false, "*"},
		{"https only", []string{"news.example"}, true, "'self' https://news.example https://news.example:*"},
		{"loopback in development", []string{"localhost", "127.0.0.1"}, true,
			"'self' https://localhost https://localhost:* http://localhost:* https://127.0.0.1 https://127.0.0.1:* http://127.0.0.1:*"},
		{"loopback in production", []string{"localhost"}, false, "'self' https://localhost https://localhost:*"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := &buycard.Widget{AllowedDomains: tt.domains}
			if got := w.FrameAncestors(tt.loopbackHTTP); got != tt.want {
				t.Errorf("FrameAncestors = %q, want %q", got, tt.want)
			}
		})
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
