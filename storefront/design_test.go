//go:build !wasm

package storefront

import (
	"testing"

	"github.com/buycard/buycard"
)

func TestDesignPath(t *testing.T) {
	tests := []struct {
		name string
		in   buycard.Design
		want string
	}{
		{"default", buycard.DefaultDesign, ""},
		{"empty is the default", buycard.Design{}, ""},
		{"designed", buycard.Design{ThemeColor: "#AbCdEf", CornerRadius: 0, ColorScheme: buycard.SchemeDark}, "/web/design/abcdef-0-dark.css"},
		{"hostile colour and scheme", buycard.Design{ThemeColor: "red}body{x:url(//evil)", CornerRadius: 3, ColorScheme: `light"><x`},
			"/web/design/0f1419-3-auto.css"},
		{"radius out of range", buycard.Design{ThemeColor: "#123456", CornerRadius: 1 << 20, ColorScheme: buycard.SchemeLight},
			"/web/design/123456-12-light.css"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DesignPath(tt.in)
			if got != tt.want {
				t.Fatalf("DesignPath(%+v) = %q, want %q", tt.in, got, tt.want)
			}
			if got == "" {
				return
			}
			if _, ok := DesignCSS(got[len(designDir):]); !ok {
				t.Errorf("DesignCSS refuses the name DesignPath gives, %s", got)
			}
		})
	}
}

func TestHoistDesignLink(t *testing.T) {
	link := `<link id="bc-design" href="/web/design/abcdef-0-dark.css" rel="stylesheet">`
	tests := []struct{ name, in, want string }{
		{"in the body", `<head><title>x</title></head><body><div>` + link + `<p>a</p></div></body>`,
			`<head><title>x</title>` + link + `</head><body><div><p>a</p></div></body>`},
		{"none", `<head></head><body><p>a</p></body>`, `<head></head><body><p>a</p></body>`},
		{"no head", `<body>` + link + `</body>`, `<body>` + link + `</body>`},
	}
	for _, tt := range tests {
		if got := hoistDesignLink(tt.in); got != tt.want {
			t.Errorf("%s: hoistDesignLink = %s, want %s", tt.name, got, tt.want)
		}
	}
}
