package storefront

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update to accept):\ngot:  %s\nwant: %s", name, got, want)
	}
}

func TestCardHTMLGolden(t *testing.T) {
	got := CardHTML(NewCardView(testCard(), "en-US")) + "\n"
	golden(t, "card.golden", got)
}

func TestCardHTMLIsStable(t *testing.T) {
	v := NewCardView(testCard(), "en-US")
	first := CardHTML(v)
	for range 20 {
		if got := CardHTML(v); got != first {
			t.Fatalf("output changed between renders:\n%s\n%s", first, got)
		}
	}
}

func TestCardAvailability(t *testing.T) {
	soldOut := testCard()
	for i := range soldOut.Product.Variants {
		soldOut.Product.Variants[i].Stock = 0
	}
	unavailable := testCard()
	unavailable.Merchant.ChargesEnabled = false
	held := testCard()
	held.Product.Variants[0].Stock = 0
	heldUntil := time.Now().Add(150 * time.Second)
	held.Product.Variants[0].HeldUntil = &heldUntil
	heldFR := *held
	heldFR.Widget.Locale = "fr"
	offSite := testCard()
	offSite.OffSite = true

	tests := []struct {
		name     string
		card     *buycard.Card
		state    string
		note     string
		disabled bool
	}{
		{"buyable", testCard(), "buyable", "", false},
		{"sold out", soldOut, "sold_out", "Sold out", true},
		{"unavailable", unavailable, "unavailable", "Not available right now", true},
		{"held in checkouts", held, "held", "Back in 3 min", true},
		{"held, in French", &heldFR, "held", "Retour dans 3 min", true},
		{"off the widget's allowed sites", offSite, "not_here", "Not available on this site", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := CardHTML(NewCardView(tt.card, "en"))
			if want := `data-state="` + tt.state + `"`; !strings.Contains(html, want) {
				t.Errorf("missing %s in %s", want, html)
			}
			if got := strings.Contains(html, " disabled>"); got != tt.disabled {
				t.Errorf("button disabled = %v, want %v: %s", got, tt.disabled, html)
			}
			if strings.Contains(html, `disabled="`) {
				t.Errorf("disabled must be a bare attribute: %s", html)
			}
			hasNote := strings.Contains(html, `<p class="bc-note">`+tt.note+`</p>`)
			if tt.note != "" && !hasNote || tt.note == "" && strings.Contains(html, "bc-note") {
				t.Errorf("note: want %q in %s", tt.note, html)
			}
		})
	}
}

func TestCardPrice(t *testing.T) {
	single := func(currency string, price int64) *buycard.Card {
		c := testCard()
		c.Product.Currency = currency
		c.Product.Variants = []buycard.Variant{{ID: "var_1", Name: "One", Price: price, Stock: 1}}
		return c
	}
	tests := []struct {
		name string
		card *buycard.Card
		lang string
		want string
	}{
		{"USD en-US", single("USD", 2400), "en-US", "$24.00"},
		{"JPY ja has no decimals", single("JPY", 4800), "ja", "￥4,800"},
		{"KWD has three decimals", single("KWD", 12500), "en", "KWD\u00a012.500"},
		{"different variant prices", testCard(), "en-US", "From $24.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewCardView(tt.card, tt.lang).Price; got != tt.want {
				t.Errorf("Price = %q, want %q", got, tt.want)
			}
			if html := CardHTML(NewCardView(tt.card, tt.lang)); !strings.Contains(html, ">"+tt.want+"<") {
				t.Errorf("card HTML lacks %q: %s", tt.want, html)
			}
		})
	}
}

func TestCardCTA(t *testing.T) {
	c := testCard()
	c.Widget.CTA = ""
	if got := NewCardView(c, "en").CTA; got != "Buy" {
		t.Errorf("default CTA = %q, want Buy", got)
	}
	c.Widget.CTA = "Pre-order"
	if got := NewCardView(c, "en").CTA; got != "Pre-order" {
		t.Errorf("CTA = %q, want Pre-order", got)
	}
}

// Merchant-controlled text must not break out of attributes or elements.
func TestCardEscapesMerchantText(t *testing.T) {
	c := testCard()
	c.Product.Title = `<script>alert(1)</script>`
	c.Product.Image.Alt = `x" onerror="alert(1)`
	c.Product.Image.URL = `https://img.example/a.jpg?w=1&copy=2`
	html := CardHTML(NewCardView(c, "en"))
	for _, bad := range []string{"<script>", `" onerror`, `\"`, "&copy="} {
		if strings.Contains(html, bad) {
			t.Errorf("card HTML contains %q: %s", bad, html)
		}
	}
	for _, want := range []string{`alt="x&#34; onerror=&#34;alert(1)"`, `src="https://img.example/a.jpg?w=1&amp;copy=2"`} {
		if !strings.Contains(html, want) {
			t.Errorf("card HTML lacks %s: %s", want, html)
		}
	}
}

func TestCardDesign(t *testing.T) {
	designed := testCard()
	designed.Widget.ThemeColor, designed.Widget.CornerRadius = "#facc15", 4
	designed.Widget.ColorScheme, designed.Widget.Layout = buycard.SchemeDark, buycard.LayoutCompact
	radiusOnly := testCard()
	radiusOnly.Widget.ThemeColor, radiusOnly.Widget.CornerRadius = buycard.DefaultThemeColor, 0
	tests := []struct {
		name       string
		card       *buycard.Card
		want, nope []string
	}{
		{"default", testCard(), []string{`data-scheme="auto"`, `data-layout="full"`}, []string{"style=", "lang="}},
		// Yellow is light: the label is black, for contrast.
		{"designed", designed, []string{`data-scheme="dark"`, `data-layout="compact"`, `style="--r:4px;--a:#facc15;--o:#000000"`}, nil},
		{"radius only", radiusOnly, []string{`style="--r:0px"`}, []string{"--a:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := CardHTML(NewCardView(tt.card, "en"))
			for _, want := range tt.want {
				if !strings.Contains(html, want) {
					t.Errorf("card lacks %s: %s", want, html)
				}
			}
			for _, nope := range tt.nope {
				if strings.Contains(html, nope) {
					t.Errorf("card has %s: %s", nope, html)
				}
			}
		})
	}
}

func TestCardLocale(t *testing.T) {
	c := testCard()
	c.Widget.Locale, c.Widget.CTA = "fr-CA", ""
	for i := range c.Product.Variants {
		c.Product.Variants[i].Stock = 0
	}
	v := NewCardView(c, "en-US") // the shopper reads English; the widget says French
	if v.Price != "À partir de 24,00\u00a0$" || v.CTA != "Acheter" || v.Note != "Épuisé" || v.Lang != "fr-CA" {
		t.Errorf("French card = %+v", v)
	}
	if html := CardHTML(v); !strings.Contains(html, `lang="fr-CA"`) {
		t.Errorf("card lacks its lang: %s", html)
	}
	c.Widget.Locale = ""
	if v := NewCardView(c, "de-DE"); v.CTA != "Kaufen" || v.Note != "Ausverkauft" || v.Lang != "" {
		t.Errorf("card for a German shopper = %+v", v)
	}
}

func TestPreviewCardView(t *testing.T) {
	c := testCard()
	draft := buycard.Widget{CTA: "Get it", ThemeColor: "#1d4ed8", CornerRadius: 20, Layout: buycard.LayoutCompact}
	v := PreviewCardView(draft, c.Product, "Paper & Co", "en")
	if v.Availability != buycard.Buyable || v.ThemeColor != "#1d4ed8" || v.OnThemeColor != "#ffffff" ||
		v.CornerRadius != 20 || v.ColorScheme != buycard.SchemeAuto || v.Layout != buycard.LayoutCompact || v.CTA != "Get it" {
		t.Errorf("preview = %+v", v)
	}
	if html := fragmentHTML(NewCard(v)); html != CardHTML(v) {
		t.Errorf("NewCard renders %s, CardHTML %s", html, CardHTML(v))
	}
}

// TestCardDesignCannotInjectCSS draws cards whose design holds what a
// merchant could type into the designer: only a colour and a length
// reach the card's style properties, whatever the draft holds.
func TestCardDesignCannotInjectCSS(t *testing.T) {
	for _, theme := range []string{
		"red;background:url(https://evil.example/x)",
		`#000000" onmouseover="alert(1)`,
		"#12345</style><script>alert(1)</script>",
		"expression(alert(1))",
	} {
		t.Run(theme, func(t *testing.T) {
			card := testCard()
			card.Widget.ThemeColor, card.Widget.CornerRadius = theme, 9999
			v := PreviewCardView(card.Widget, card.Product, card.Merchant.Name, "en")
			if props := v.StyleProperties(); props != nil {
				t.Errorf("style properties = %q, want none (the default design)", props)
			}
			if html := CardHTML(v); strings.Contains(html, "style=") || strings.Contains(html, "evil") || strings.Contains(html, "alert") {
				t.Errorf("card carries the draft's CSS: %s", html)
			}
		})
	}
}
