//go:build !wasm

package storefront

import "testing"

// On the server the checkout names countries in the shopper's language,
// as the browser's Intl does once the WASM runs.
func TestCountryNameInLanguage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ code, lang, want string }{
		{"DE", "de", "Deutschland"},
		{"US", "fr", "États-Unis"},
		{"JP", "ja", "日本"},
		{"GB", "en", "United Kingdom"},
		{"ES", "es", "España"},
		{"XX", "de", "XX"},       // no such region: the code, as the domain says
		{"DE", "tlh", "Germany"}, // a language without names: English
	} {
		if got := countryName(tt.code, tt.lang); got != tt.want {
			t.Errorf("countryName(%s, %s) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
}
