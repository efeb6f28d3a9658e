//go:build wasm

package storefront

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// regionNames caches the browser's Intl.DisplayNames by language; nil
// where the browser has none.
var regionNames = map[string]app.Value{}

// countryName is the name of the country code in lang, as the browser's
// Intl.DisplayNames has it, or the code where it has none. The WASM asks
// the browser rather than carry the domain's table of countries, which
// would cost some 7 KB of its size budget (BENCHMARKS.md), and the
// shopper reads the name in their language.
func countryName(code, lang string) string {
	names, ok := regionNames[lang]
	if !ok {
		names = newRegionNames(lang)
		regionNames[lang] = names
	}
	if names == nil {
		return code
	}
	if name := names.Call("of", code); name.Type() == app.TypeString {
		return name.String()
	}
	return code
}

// newRegionNames is an Intl.DisplayNames of regions in lang, or nil: an
// old browser, or a tag Intl refuses (it throws, and syscall/js panics).
func newRegionNames(lang string) (names app.Value) {
	defer func() {
		if recover() != nil {
			names = nil
		}
	}()
	intl := app.Window().Get("Intl")
	if !intl.Truthy() || !intl.Get("DisplayNames").Truthy() {
		return nil
	}
	opts := app.Window().Get("Object").New()
	opts.Set("type", "region")
	return intl.Get("DisplayNames").New(lang, opts)
}
