package buycard

import (
	"fmt"
	"reflect"
	"testing"
)

func TestContrastText(t *testing.T) {
	tests := []struct{ bg, want string }{
		{"#0f1419", "#ffffff"},
		{"#ffffff", "#000000"},
		{"#facc15", "#000000"}, // yellow
		{"#1d4ed8", "#ffffff"}, // blue
		{"#777777", "#000000"},
		{"red", "#ffffff"}, // invalid: the default, dark
	}
	for _, tt := range tests {
		if got := ContrastText(tt.bg); got != tt.want {
			t.Errorf("ContrastText(%s) = %s, want %s", tt.bg, got, tt.want)
		}
	}
	// Every colour gets a label of at least WCAG AA's 4.5:1.
	for r := 0; r < 256; r += 5 {
		for g := 0; g < 256; g += 5 {
			for b := 0; b < 256; b += 15 {
				bg := fmt.Sprintf("#%02x%02x%02x", r, g, b)
				if ratio := ContrastRatio(bg, ContrastText(bg)); ratio < 4.5 {
					t.Fatalf("%s with %s: contrast %.2f", bg, ContrastText(bg), ratio)
				}
			}
		}
	}
}

func TestValidateDesign(t *testing.T) {
	tests := []struct {
		name    string
		w       Widget
		message string
	}{
		{"empty is the default", Widget{}, ""},
		{"designed", Widget{ThemeColor: "#AbCdEf", CornerRadius: 24, ColorScheme: SchemeDark, Layout: LayoutCompact, Locale: "zh-Hant-TW"}, ""},
		{"colour", Widget{ThemeColor: "#abcdeg"}, `Theme colour must be a hex colour like "#1d4ed8", not "#abcdeg".`},
		{"radius", Widget{CornerRadius: 25}, "Corner radius must be between 0 and 24 pixels."},
		{"scheme", Widget{ColorScheme: "Dark"}, `Colour scheme must be "light", "dark" or "auto".`},
		{"layout", Widget{Layout: "grid"}, `Layout must be "full" or "compact".`},
		{"locale digits", Widget{Locale: "e1"}, `Locale must be a language tag like "en" or "fr-CA", or empty to follow the shopper, not "e1".`},
		{"locale empty subtag", Widget{Locale: "en-"}, `Locale must be a language tag like "en" or "fr-CA", or empty to follow the shopper, not "en-".`},
		{"locale markup", Widget{Locale: `en"><x`}, `Locale must be a language tag like "en" or "fr-CA", or empty to follow the shopper, not "en\"><x".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.ValidateDesign()
			if tt.message == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if ErrorCode(err) != EINVALID || ErrorMessage(err) != tt.message {
				t.Errorf("err = %v, want EINVALID %q", err, tt.message)
			}
		})
	}
}

func TestSetDesignDefaults(t *testing.T) {
	w := Widget{CornerRadius: 3, Layout: LayoutCompact}
	w.SetDesignDefaults()
	if w.ThemeColor != DefaultThemeColor || w.CornerRadius != DefaultCornerRadius || w.ColorScheme != SchemeAuto || w.Layout != LayoutCompact {
		t.Errorf("defaults = %+v", w)
	}
	w = Widget{ThemeColor: "#123456", CornerRadius: 0}
	w.SetDesignDefaults()
	if w.CornerRadius != 0 || w.Layout != LayoutFull {
		t.Errorf("designed widget after defaults = %+v", w)
	}
}

func TestUnlimitedVariant(t *testing.T) {
	p := Product{Title: "Ebook", Currency: "USD", MaxPerOrder: 3, Variants: []Variant{
		{ID: "var_pdf", Name: "PDF", Price: 900, Unlimited: true},
		{ID: "var_print", Name: "Print", Price: 2500, Stock: 0},
	}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if !p.InStock() || p.FromPrice().Amount != 900 || !p.Variants[0].Available(1000) || p.Variants[1].Available(1) {
		t.Errorf("unlimited product: in stock %v, from %v", p.InStock(), p.FromPrice())
	}
	card := Card{Product: p, Merchant: Merchant{ChargesEnabled: true}}
	if o := NewOffer(&card, "tok"); o.Variants[0].Available != 3 || o.Variants[1].Available != 0 {
		t.Errorf("offer variants = %+v", o.Variants)
	}
	p.Variants[0].Stock = 5
	if err := p.Validate(); ErrorMessage(err) != `Variant "PDF" has unlimited stock: leave its stock at 0.` {
		t.Errorf("unlimited with stock: %v", err)
	}
}

func TestDrawnDesign(t *testing.T) {
	designed := Widget{ThemeColor: "#1d4ed8", CornerRadius: 0, ColorScheme: SchemeDark, Layout: LayoutCompact, Locale: "fr-CA"}
	tests := []struct {
		name string
		in   Widget
		want Widget
	}{
		{"valid design kept", designed, designed},
		{"empty gets defaults", Widget{}, Widget{ThemeColor: DefaultThemeColor, CornerRadius: DefaultCornerRadius, ColorScheme: SchemeAuto, Layout: LayoutFull}},
		{"CSS in the colour", Widget{ThemeColor: "red;background:url(https://evil.example/)", CornerRadius: 4, ColorScheme: SchemeLight, Layout: LayoutFull},
			Widget{ThemeColor: DefaultThemeColor, CornerRadius: 4, ColorScheme: SchemeLight, Layout: LayoutFull}},
		{"radius out of range", Widget{ThemeColor: "#000000", CornerRadius: 1 << 30, ColorScheme: SchemeAuto, Layout: LayoutFull},
			Widget{ThemeColor: "#000000", CornerRadius: DefaultCornerRadius, ColorScheme: SchemeAuto, Layout: LayoutFull}},
		{"negative radius", Widget{ThemeColor: "#000000", CornerRadius: -3}, Widget{ThemeColor: "#000000", CornerRadius: DefaultCornerRadius, ColorScheme: SchemeAuto, Layout: LayoutFull}},
		{"unknown scheme, layout and locale", Widget{ThemeColor: "#000000", ColorScheme: `dark" x="`, Layout: "</style>", Locale: `en"><x`},
			Widget{ThemeColor: "#000000", ColorScheme: SchemeAuto, Layout: LayoutFull}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in
			got.DrawnDesign()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DrawnDesign(%+v) = %+v, want %+v", tt.in, got, tt.want)
			}
			if err := got.ValidateDesign(); err != nil {
				t.Errorf("drawn design is invalid: %v", err)
			}
		})
	}
}
