package api

import (
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// hsts keeps browsers on https for a year once they have seen it, on
// every subdomain of the public host too.
const hsts = "max-age=31536000; includeSubDomains"

// productPageCSP is the hosted product page's policy: as strict as the
// checkout's (page.go) without what only the checkout runs (WASM, Stripe).
// The page has no inline script (its JSON-LD is data, which script-src
// does not govern) and no inline style; the loader it runs styles with
// constructed sheets and opens the checkout in a frame of this origin.
// Nobody may frame the page itself: it is a page of its own, and framing
// it would only serve to overlay its Buy link.
const productPageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders is the first middleware: every routed response carries
// the headers of setSecurityHeaders, whatever route answers it.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	s.setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders marks a response nosniff, so that no browser reads a
// JSON answer, an image or an error page as script or style, and in
// production sends HSTS. handleError calls it too, for the errors fasthttp
// and Fiber answer before any middleware runs.
func (s *Server) setSecurityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if s.Production {
		c.Set(fiber.HeaderStrictTransportSecurity, hsts)
	}
}

// localsUnreadable marks a request fasthttp could not read: a malformed
// or oversized request line, headers or body.
const localsUnreadable = "buycard.unreadable"

// markUnreadable wraps fasthttp's error handler, which is Fiber's: it
// turns fasthttp's error into a *fiber.Error for handleError. By then
// fasthttp has forgotten the request, path included, so the mark is all
// handleError can know of it (isAPIRequest).
func markUnreadable(next func(*fasthttp.RequestCtx, error)) func(*fasthttp.RequestCtx, error) {
	return func(ctx *fasthttp.RequestCtx, err error) {
		ctx.SetUserValue(localsUnreadable, true)
		next(ctx, err)
	}
}

// answerUnknownMethods wraps Fiber's request handler. Fiber answers a
// method it does not know (PROPFIND, FOO) itself, with a plain-text 400,
// before any middleware or error handler runs; this sends such requests
// to handleError instead, as 405.
func (s *Server) answerUnknownMethods(next fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		if slices.Contains(fiber.DefaultMethods, string(ctx.Method())) {
			next(ctx)
			return
		}
		c := s.app.AcquireCtx(ctx)
		defer s.app.ReleaseCtx(c)
		if err := s.handleError(c, fiber.ErrMethodNotAllowed); err != nil {
			s.Logger.Error("answer unknown method", "err", err)
		}
	}
}
