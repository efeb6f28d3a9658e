//go:build !wasm

package console

import (
	_ "embed"
	"net/http"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/storefront"
)

//go:embed console.css
var consoleCSS []byte

//go:embed console.js
var consoleJS []byte

// StaticFiles are the files the console adds under /web/: its stylesheet,
// its script for the page before the WASM, and the card's stylesheet,
// which the widget designer's live preview uses.
func StaticFiles() map[string][]byte {
	return map[string][]byte{
		"console.css": consoleCSS,
		"console.js":  consoleJS,
		"card.css":    []byte(storefront.CardCSS),
	}
}

// HandlerOptions are what the server knows about the console build it
// serves.
type HandlerOptions struct {
	WasmPath string // the console WASM's content-hashed URL
	Version  string // the console WASM's hash
	Domain   string // the public host name
}

// ResourcePaths are go-app's own files, which the console serves under
// Base: the checkout's go-app app serves the same names at the root, for
// its own WASM. The server routes Base+name to this handler as name.
var ResourcePaths = []string{"/app.js", "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css"}

// NewHandler returns the go-app handler of the console pages and of its
// resources (asked for by their ResourcePaths names), its pages
// re-encoded by storefront.SafePages.
func NewHandler(o HandlerOptions) http.Handler {
	return storefront.SafePages(&app.Handler{
		Name:        "Buycard console",
		ShortName:   "Buycard",
		Title:       "Buycard console",
		Description: "Sell and earn with buy cards.",
		Icon: app.Icon{
			Default:  "/web/icon.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		Lang:                  "en",
		BackgroundColor:       "#ffffff",
		ThemeColor:            "#1d4ed8",
		LoadingLabel:          "Loading the console…",
		Styles:                []string{"/web/console.css", "/web/card.css"},
		Scripts:               []string{"/web/console.js defer"},
		RawHeaders:            []string{`<meta name="robots" content="noindex">`},
		Resources:             resolver{wasmPath: o.WasmPath},
		StartURL:              Base,
		ServiceWorkerTemplate: storefront.ServiceWorkerJS,
		Version:               o.Version,
		Domain:                o.Domain,
	})
}

// resolver moves go-app's files under Base and points at the hashed
// console WASM; every other path is left alone.
type resolver struct{ wasmPath string }

func (r resolver) Resolve(path string) string {
	switch {
	case path == "/web/app.wasm":
		return r.wasmPath
	case path == "":
		return "/"
	}
	for _, p := range ResourcePaths {
		if path == p {
			return Base + p
		}
	}
	return path
}
