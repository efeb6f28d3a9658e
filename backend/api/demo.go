package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard/backend/demo"
)

// getDemo serves the demo publisher page. In real life it lives on the
// publisher's own site; open it on a different origin than PublicURL (make
// run prints http://127.0.0.1:PORT/demo against http://localhost:PORT) so
// CORS, frame-ancestors and postMessage behave as in production.
func (s *Server) getDemo(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentSecurityPolicy, demo.FeedCSP(s.PublicURL))
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return demo.WriteFeed(c.Response().BodyWriter(), s.PublicURL, s.Loader)
}
