// Package storefront holds what shoppers see, as go-app components: the
// in-feed card, the checkout overlay with its steps, and the hosted product
// page. The server renders them to HTML (cards, product page, the checkout
// prerender) and the client WASM runs the checkout, so both call Register
// to declare the same routes.
//
// Only the standard library, go-app and the domain package are imported:
// this package is compiled into the WASM.
package storefront

import (
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// checkoutRoute matches the overlay's pages: /checkout/{widget} (choose),
// /checkout/{widget}/details, /checkout/{widget}/pay and
// /checkout/{widget}/receipt, and the choose step of the popup checkout,
// /checkout/{widget}/popup. One component serves them all, starting at
// the step the path names.
const checkoutRoute = `^/checkout/wgt_[0-9a-z]{1,40}(/details|/pay|/receipt|/popup)?$`

var registerOnce sync.Once

// Register declares every go-app route. The server and the WASM both call
// it; go-app answers 404 for pages it does not know.
func Register() {
	registerOnce.Do(func() {
		app.RouteWithRegexp(checkoutRoute, func() app.Composer { return newCheckout() })
	})
}
