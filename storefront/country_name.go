//go:build !wasm

package storefront

import "github.com/buycard/buycard"

// countryName is the name of the country code the checkout shows; on the
// server, the domain's English name (see country_name_wasm.go).
func countryName(code, lang string) string {
	return buycard.CountryName(code)
}
