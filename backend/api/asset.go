package api

import (
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard/embed"
)

const (
	cacheImmutable = "public, max-age=31536000, immutable"
	// cacheLoader is short so publishers pick up loader fixes quickly; the
	// versioned URL is immutable for those who pin it with SRI.
	cacheLoader = "public, max-age=300"
	cacheStatic = "public, max-age=3600"
)

// assetRoutes serves the loader, the WASM and the files under /web/.
func (s *Server) assetRoutes() {
	s.app.Get("/buycard.js", assetHandler(s.Loader.Asset(), cacheLoader))
	for ext, a := range s.pinnedAssets() {
		s.app.Get("/"+pinnedName(a.Hash, ext), assetHandler(a, cacheImmutable))
		s.app.Get("/buycard.:hash."+ext, s.servePinned(ext))
	}
	s.app.Get(s.wasmPath, assetHandler(s.Wasm, cacheImmutable))
	for name, a := range s.Static {
		s.app.Get("/web/"+name, assetHandler(a, cacheStatic))
	}
}

// StaticAssets turns named files into compressed assets, typed by their
// extension.
func StaticAssets(files map[string][]byte) map[string]*embed.Asset {
	out := make(map[string]*embed.Asset, len(files))
	for name, data := range files {
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = fiber.MIMEOctetStream
		}
		out[strings.TrimPrefix(name, "/")] = embed.NewAsset(ct, data)
	}
	return out
}

// assetHandler serves a with its ETag, and CORS open so publishers can
// use SRI (crossorigin) on it.
func assetHandler(a *embed.Asset, cacheControl string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
		return sendAsset(c, a, cacheControl)
	}
}

// sendAsset sends a with the best encoding the client accepts and a strong
// ETag, or 304 Not Modified when the client already holds it.
func sendAsset(c *fiber.Ctx, a *embed.Asset, cacheControl string) error {
	c.Set(fiber.HeaderCacheControl, cacheControl)
	c.Set(fiber.HeaderETag, a.ETag)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if c.Get(fiber.HeaderIfNoneMatch) == a.ETag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	body, encoding := a.Body(c.Get(fiber.HeaderAcceptEncoding))
	if encoding != "" {
		c.Set(fiber.HeaderContentEncoding, encoding)
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	return c.Send(body)
}
