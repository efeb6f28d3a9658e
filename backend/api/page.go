package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/buycard/buycard/widget"
)

// goAppResources are the files go-app's handler serves for its pages.
var goAppResources = []string{"/app.js", "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css"}

// pageRoutes mounts the go-app pages (the checkout overlay) and go-app's
// own resources. widget.Register must declare the same routes the WASM
// does, or go-app answers 404.
func (s *Server) pageRoutes() {
	widget.SetOfferLoader(s.loadOffer)
	widget.Register()
	goapp := adaptor.HTTPHandler(widget.NewHandler(widget.HandlerOptions{
		WasmPath: s.wasmPath,
		Version:  s.Wasm.Hash,
		Domain:   strings.TrimPrefix(strings.TrimPrefix(s.PublicURL, "https://"), "http://"),
	}))
	for _, p := range goAppResources {
		s.app.Get(p, goapp)
	}
	s.app.Get("/checkout/:widget", s.checkoutPage(goapp))
}

// checkoutPage serves the prerendered overlay under a strict CSP whose
// frame-ancestors follow the widget's allowed domains.
func (s *Server) checkoutPage(goapp fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		card, err := s.Catalog.FindCard(c.UserContext(), c.Params("widget"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentSecurityPolicy, checkoutCSP(card.Widget.FrameAncestors()))
		c.Set(fiber.HeaderReferrerPolicy, "same-origin")
		// go-app tags every page with the app version as ETag; a prerendered
		// offer changes with the catalog, so never answer 304 from it.
		c.Request().Header.Del(fiber.HeaderIfNoneMatch)
		if err := goapp(c); err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Response().Header.Del(fiber.HeaderETag)
		return nil
	}
}

func checkoutCSP(frameAncestors string) string {
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' 'wasm-unsafe-eval'",
		"style-src 'self'",
		// Merchants may host product images anywhere on https.
		"img-src 'self' data: https:",
		"connect-src 'self'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors " + frameAncestors,
	}, "; ")
}
