// Package console is Buycard's dashboard at /console: where merchants
// list products and design widgets, publishers pick products and copy
// embed snippets, and the platform admin sets the fee, each with the
// funnel charts of package chart.
//
// It is a go-app app of its own, with its own WASM (wasm/console), so the
// checkout WASM that shoppers download stays small. The server prerenders
// every page (the frame, the navigation and the forms) and the WASM then
// fetches the signed-in party's data from the /v1 JSON API, with the
// session cookie and the session's CSRF token; there is no API only the
// console can call.
//
// Layout: shell.go is the one go-app component of every route: it reads
// the session and picks the page of the path from the table in routes.go.
// Each page is a component in a file named after it; pages load their data
// in OnNav, so going from one product to another reloads it. client.go is
// the JSON client, form.go the accessible form controls every page uses.
//
// Only the standard library, go-app, the domain package, package browser,
// package chart and package widget (for the card preview) are imported:
// this package is compiled into the WASM.
package console
