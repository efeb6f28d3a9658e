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
// the session (session.go) and picks the page of the path from the table
// in routes.go. Each page is a component in a file named after its role
// and itself (merchant_widget.go is the widget designer, publisher_*.go
// and admin_*.go the others'); page.go says how pages load their data
// once per visit. client.go is the JSON client; widgets.go the copy
// fields, funnel.go the funnel panel and account_panel.go the payment
// account panel that several pages show. Package ui holds what every
// page shares: the accessible form controls, the data tables, the focus
// moves and the exact money and percent fields.
//
// Only the standard library, go-app, the domain package, package browser,
// packages chart and ui, and package storefront (for the card preview) are imported:
// this package is compiled into the WASM.
package console
