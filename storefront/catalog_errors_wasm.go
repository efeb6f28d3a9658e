//go:build wasm

package storefront

import "github.com/buycard/buycard"

// localizedMessage is err's message: the WASM carries English only, and
// the API words its errors in the shopper's language already
// (catalog_errors.go).
func localizedMessage(err error, _ string) string { return buycard.ErrorMessage(err) }
