package api

import (
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
	"github.com/buycard/buycard/storefront"
)

const (
	cacheImmutable = "public, max-age=31536000, immutable"
	// cacheLoader is short so publishers pick up loader and card
	// stylesheet fixes quickly; the versioned URL is immutable for those
	// who pin it with SRI.
	cacheLoader = "public, max-age=300"
	cacheStatic = "public, max-age=3600"
)

// assetRoutes serves the loader, the card stylesheet, the WASM and the
// files under /web/.
func (s *Server) assetRoutes() {
	for _, f := range s.Loader.Files() {
		s.pinnedRoutes(f)
	}
	s.app.Get(s.wasmPath, assetHandler(s.Wasm, cacheImmutable))
	for name, a := range s.Static {
		s.app.Get("/web/"+name, assetHandler(a, cacheStatic))
	}
	s.app.Get("/web/design/:name", getDesignCSS)
}

// getDesignCSS serves a widget design's stylesheet (storefront.DesignCSS),
// which the checkout, product and order pages link. Its name says all it
// holds; it is cached like the pages' own stylesheets, which read it, and
// may change with them in a new build.
func getDesignCSS(c *fiber.Ctx) error {
	css, ok := storefront.DesignCSS(c.Params("name"))
	if !ok {
		return buycard.Errorf(buycard.ENOTFOUND, "No such design stylesheet.")
	}
	c.Set(fiber.HeaderCacheControl, cacheStatic)
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	return c.SendString(css)
}

// pinnedRoutes serves f at its latest and its versioned path, and any
// other version of f that a node recorded (servePinned).
func (s *Server) pinnedRoutes(f *embed.Pinned) {
	s.app.Get(f.LatestPath(), assetHandler(f.Asset(), cacheLoader))
	s.app.Get(f.VersionedPath(), assetHandler(f.Asset(), cacheImmutable))
	ext := path.Ext(f.LatestPath())
	s.app.Get(strings.TrimSuffix(f.LatestPath(), ext)+".:hash"+ext, s.servePinned(strings.TrimPrefix(ext, ".")))
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
