package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/buycard/buycard/console"
)

// consoleCSP is the console pages' policy: nothing but this origin, no
// framing. Style attributes are allowed (style-src-attr) because go-app
// sets them with setAttribute, for the charts' geometry and the card
// preview's design; style elements and sheets still come from this
// origin only. frame-src 'self' lets the snippet preview frame the
// publisher page it renders.
const consoleCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data: https:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// consoleRoutes mounts the console (package console): its go-app pages
// under /console, go-app's files under /console/ too, and its WASM. There
// is no console without accounts (Auth).
func (s *Server) consoleRoutes() {
	if s.Auth == nil || s.ConsoleWasm == nil {
		return
	}
	wasmPath := "/web/console." + s.ConsoleWasm.Hash + ".wasm"
	console.Register()
	h := adaptor.HTTPHandler(console.NewHandler(console.HandlerOptions{
		WasmPath: wasmPath,
		Version:  s.ConsoleWasm.Hash,
		Domain:   strings.TrimPrefix(strings.TrimPrefix(s.PublicURL, "https://"), "http://"),
	}))
	s.app.Get(wasmPath, assetHandler(s.ConsoleWasm, cacheImmutable))
	for _, p := range console.ResourcePaths {
		s.app.Get(console.Base+p, func(c *fiber.Ctx) error {
			c.Request().SetRequestURI(p)
			return h(c)
		})
	}
	page := func(c *fiber.Ctx) error { return s.serveConsolePage(c, h) }
	s.app.Get(console.Base, page)
	s.app.Get(console.Base+"/*", page)
}

// serveConsolePage serves a prerendered console page: private, never
// cached, never framed.
func (s *Server) serveConsolePage(c *fiber.Ctx, h fiber.Handler) error {
	c.Set(fiber.HeaderContentSecurityPolicy, consoleCSP)
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// go-app tags pages with the build as ETag; a console page changes
	// with the user, so never answer 304.
	c.Request().Header.Del(fiber.HeaderIfNoneMatch)
	if err := h(c); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Response().Header.Del(fiber.HeaderETag)
	return nil
}
