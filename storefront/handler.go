//go:build !wasm

package storefront

import (
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"weak"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// HandlerOptions are what the server knows about the build it serves.
type HandlerOptions struct {
	// WasmPath is the content-hashed URL of the client WASM
	// ("/web/app.3f2a….wasm").
	WasmPath string
	// Version identifies the build (a content hash); go-app uses it as
	// the pages' ETag and in its service worker.
	Version string
	// Domain is the public host name, for go-app's og:url.
	Domain string
	// Stripe is set when payments go through Stripe: the pages then load
	// web/stripe-checkout.js, which mounts Stripe's embedded checkout in
	// the pay step.
	Stripe bool
	// Loaders are what the checkout prerender reads offers and orders
	// through.
	Loaders Loaders
}

// NewHandler returns the go-app handler for the checkout pages and go-app's
// own files (/app.js, /wasm_exec.js, /app-worker.js, /manifest.webmanifest,
// /app.css), its pages re-encoded by SafePages. The server serves /web/
// itself, from StaticFiles and the WASM.
func NewHandler(o HandlerOptions) http.Handler {
	return withLoaders(o.Loaders, SafePages(newAppHandler(o)))
}

var lastLoadersID atomic.Uint64

// loadersHandler names its loaders' id in the URL of every page it hands
// on, in place of any id the request named, so the prerender reads through
// them (prerender.go).
type loadersHandler struct {
	id string
	// loaders keeps the registered loaders alive, and registered, as
	// long as the handler is in use.
	loaders *Loaders
	next    http.Handler
}

// withLoaders registers l and serves next's pages with them.
func withLoaders(l Loaders, next http.Handler) http.Handler {
	h := &loadersHandler{id: strconv.FormatUint(lastLoadersID.Add(1), 10), loaders: &l, next: next}
	registeredLoaders.Store(h.id, weak.Make(h.loaders))
	runtime.AddCleanup(h.loaders, func(id string) { registeredLoaders.Delete(id) }, h.id)
	return h
}

func (h *loadersHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.Clone(r.Context())
	q := r.URL.Query()
	q.Set(loadersParam, h.id)
	r.URL.RawQuery = q.Encode()
	h.next.ServeHTTP(w, r)
	// The prerender finds the loaders through a weak pointer: keep them
	// while it runs, even when nothing else holds the handler.
	runtime.KeepAlive(h.loaders)
}

func newAppHandler(o HandlerOptions) *app.Handler {
	scripts := []string{"/web/checkout.js defer"}
	if o.Stripe {
		// Deferred, so it runs before the Stripe.js tag of a prerendered
		// pay page (deferred too, in the body) and sees its load events.
		scripts = append(scripts, "/web/stripe-checkout.js defer")
	}
	return &app.Handler{
		Name:        "Buycard checkout",
		ShortName:   "Buycard",
		Title:       "Buycard checkout",
		Description: "Buy without leaving the page.",
		Icon: app.Icon{
			Default:  "/web/icon.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		BackgroundColor:       "#ffffff",
		ThemeColor:            "#ffffff",
		Styles:                []string{"/web/checkout.css"},
		Scripts:               scripts,
		RawHeaders:            []string{`<meta name="robots" content="noindex">`},
		Resources:             wasmResolver{wasmPath: o.WasmPath},
		ServiceWorkerTemplate: ServiceWorkerJS,
		Version:               o.Version,
		Domain:                o.Domain,
	}
}

// wasmResolver points go-app at the hashed WASM URL and leaves every other
// path alone. It is not an http.Handler, so go-app never serves /web/.
type wasmResolver struct {
	wasmPath string
}

func (r wasmResolver) Resolve(path string) string {
	switch path {
	case "/web/app.wasm":
		if r.wasmPath != "" {
			return r.wasmPath
		}
	case "":
		return "/"
	}
	return path
}

// ServiceWorkerJS replaces go-app's worker (the checkout's and the
// console's), which would precache the WASM
// and every page resource: this one caches nothing and handles no fetch,
// so the browser's HTTP cache and the immutable hashed URLs do the work.
// It does not claim open pages either: with nothing to intercept that
// gains nothing, and go-app would log a bogus "has been updated, reload"
// on the first visit. The version comment makes each build's worker
// byte-different.
const ServiceWorkerJS = `// Buycard worker {{.Version}}: caches nothing.
self.addEventListener("install", () => self.skipWaiting());
`
