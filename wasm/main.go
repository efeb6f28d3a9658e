// Command wasm is Buycard's browser client, built with GOOS=js GOARCH=wasm
// and served as the hashed app WASM. It runs the checkout overlay after
// taking over the server-prerendered page. It holds no server code: a test
// checks that Fiber, stripe-go and SQL drivers stay out of its
// dependencies.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/storefront"
)

func main() {
	// Read the prerendered page before go-app replaces it.
	storefront.CapturePrerender()
	storefront.Register()
	app.RunWhenOnBrowser()
}
