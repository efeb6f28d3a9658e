// Package ui holds what every console page shares: data tables and focus
// moves, with the form controls and amount fields to follow. It is
// compiled into the console's WASM, so it imports only the standard
// library, go-app and the domain package.
package ui
