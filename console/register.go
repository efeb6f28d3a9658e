package console

import (
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// routePattern matches every console path; the shell picks the page.
const routePattern = `^/console(/.*)?$`

var registerOnce sync.Once

// Register declares the console's go-app route. The server and the
// console WASM both call it.
func Register() {
	registerOnce.Do(func() {
		app.RouteWithRegexp(routePattern, newShell)
	})
}

// RegisterLeave declares, in the console WASM only, that every other
// path is loaded from the server in full (the server shares go-app's
// route table with the checkout, so it must not call this).
func RegisterLeave() {
	app.RouteWithRegexp(`^/`, newLeave)
}
