//go:build !wasm

package storefront

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/buycard/buycard"
)

// countryName is the name of the country code in lang, as the server's
// prerender and no-JS pages show it: CLDR's (x/text's display tables, in
// the server binary only), else the domain's English name. The WASM asks
// the browser instead (country_name_wasm.go), whose Intl has CLDR's names
// too, so the page reads the same before and after it takes over.
func countryName(code, lang string) string {
	region, err := language.ParseRegion(code)
	if err != nil {
		return buycard.CountryName(code)
	}
	if names := display.Regions(language.Make(lang)); names != nil {
		if name := names.Name(region); name != "" {
			return name
		}
	}
	return buycard.CountryName(code)
}
