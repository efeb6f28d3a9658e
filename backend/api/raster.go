package api

import (
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard/backend/raster"
	"github.com/buycard/buycard/embed"
)

// Link previews, oEmbed thumbnails and product feeds want a raster image,
// and SVG pictures are shown by none of their readers. So each SVG among
// the server's own static files (the demo's products) has a PNG twin at
// /web/{name}.png, drawn on first use and kept. Merchants cannot upload
// SVG (images.go), and an SVG elsewhere (https://…) is never fetched: the
// server draws only its own files.

// rasterSide is the longer side of a drawn PNG: 1200 px, the width the
// link-preview readers ask for.
const rasterSide = 1200

// rasterImage is the PNG twin of one static SVG: its size, known without
// drawing it (pages name it), and the PNG, drawn when first asked for.
type rasterImage struct {
	size func() ([2]int, error) // width, height
	draw func() (*raster.PNG, error)
}

// drawn holds every PNG twin this process made, by the SVG's content
// hash: servers sharing the same files (tests start many) draw each once.
var drawn sync.Map // embed.Asset.Hash → *rasterImage

// newRasters makes the (not yet drawn) PNG twins of the SVGs of static,
// keyed by the SVG's name.
func newRasters(static map[string]*embed.Asset) map[string]*rasterImage {
	out := map[string]*rasterImage{}
	for name, a := range static {
		if strings.HasSuffix(name, ".svg") {
			r, _ := drawn.LoadOrStore(a.Hash, &rasterImage{
				size: sync.OnceValues(func() ([2]int, error) {
					w, h, err := raster.Size(a.Raw, rasterSide)
					return [2]int{w, h}, err
				}),
				draw: sync.OnceValues(func() (*raster.PNG, error) { return raster.SVG(a.Raw, rasterSide) }),
			})
			out[name] = r.(*rasterImage)
		}
	}
	return out
}

// rasterRoutes serves each PNG twin, cached as the static files are.
func (s *Server) rasterRoutes() {
	for name, r := range s.rasters {
		s.app.Get("/web/"+name+".png", func(c *fiber.Ctx) error {
			p, err := r.draw()
			if err != nil {
				return err
			}
			c.Set(fiber.HeaderCacheControl, cacheStatic)
			c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
			c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
			c.Set(fiber.HeaderContentType, "image/png")
			return c.Send(p.Data)
		})
	}
}

// rasterOf is the URL and size of the PNG twin of the image at path (a
// path on this server, "/web/demo/mug.svg"); ok is false when it has none
// or it cannot be read.
func (s *Server) rasterOf(path string) (url string, width, height int, ok bool) {
	r := s.rasters[strings.TrimPrefix(path, "/web/")]
	if r == nil || !strings.HasPrefix(path, "/web/") {
		return "", 0, 0, false
	}
	size, err := r.size()
	if err != nil {
		s.Logger.Error("read svg", "path", path, "err", err)
		return "", 0, 0, false
	}
	return s.PublicURL + path + ".png", size[0], size[1], true
}
