// Package ui holds what every console page shares: the accessible form
// controls, data tables, focus moves and the exact money and percent
// fields. It is compiled into the console's WASM, so it imports only the
// standard library, go-app and the domain package.
package ui
