// Command console is the console's browser client, built with GOOS=js
// GOARCH=wasm and served as the hashed console WASM. It holds no server
// code: wasm's dependency test covers it too.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/console"
)

func main() {
	console.Register()
	console.RegisterLeave()
	console.CapturePrerender()
	app.RunWhenOnBrowser()
}
