package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/gif" // registers the decoders image.DecodeConfig uses
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	_ "golang.org/x/image/webp"

	"github.com/buycard/buycard"
)

// Product images (issue 6): a merchant uploads a picture of one of its
// products with POST /v1/products/{id}/images, and everyone fetches it at
// the content-addressed URL /images/{sha256}.{ext} the product then names.

// maxUploadBody is the body limit of an image upload: an image of
// buycard.MaxImageBytes plus room for a multipart envelope. Every other
// request keeps maxRequestBody (uploadBodyLimit).
const (
	maxUploadBody  = buycard.MaxImageBytes + 64<<10
	maxRequestBody = 64 << 10
)

var imagePathPattern = regexp.MustCompile(`^([0-9a-f]{64})\.(png|jpg|gif|webp)$`)

// uploadBodyLimit is fasthttp's HeaderReceived hook: it runs once a
// request's headers are in, before any of its body is read, and sets the
// limit of that body. An image upload gets maxUploadBody only when its
// headers carry the credentials of the product's merchant (mayUpload);
// every other request, an upload from anyone else included, keeps
// maxRequestBody, and fasthttp refuses a larger body from its
// Content-Length (413) without reading it. So no one but the merchant
// can make the server read 5 MB.
func (s *Server) uploadBodyLimit(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	path, _, _ := strings.Cut(string(h.RequestURI()), "?")
	productID, ok := imageUploadProduct(path)
	if string(h.Method()) != fiber.MethodPost || !ok || !s.mayUpload(h, productID) {
		return fasthttp.RequestConfig{}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: maxUploadBody}
}

// imageUploadProduct is the product id of an image upload's path,
// /v1/products/{id}/images; ok is false for any other path.
func imageUploadProduct(path string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/v1/products/")
	if !ok {
		return "", false
	}
	id, tail, _ := strings.Cut(rest, "/")
	return id, id != "" && strings.TrimSuffix(tail, "/") == "images"
}

// uploadCheckTimeout bounds the store lookups of mayUpload, which run
// outside any request's context.
const uploadCheckTimeout = 5 * time.Second

// mayUpload reports whether the headers h name a merchant who owns the
// product: the checks authenticate, requireMerchant and ownProduct make
// again once the body is in.
func (s *Server) mayUpload(h *fasthttp.RequestHeader, productID string) bool {
	if s.Auth == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), uploadCheckTimeout)
	defer cancel()
	who, _, err := s.resolve(ctx, s.credentials(h))
	if err != nil || who == nil || who.PartyKind != buycard.PartyMerchant {
		return false
	}
	p, err := s.Catalog.FindProduct(ctx, productID)
	return err == nil && p.MerchantID == who.PartyID
}

// postProductImage serves POST /v1/products/{id}/images: the image is the
// multipart field "image", or the whole body with an image content type.
// It answers with the product, whose image now names the upload.
func (s *Server) postProductImage(c *fiber.Ctx) error {
	p, err := s.setProductImage(c)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// setProductImage makes the upload the image of the caller's product of
// the route and returns the product; the console's image form runs it
// too.
func (s *Server) setProductImage(c *fiber.Ctx) (*buycard.Product, error) {
	images := s.Images
	if images == nil {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "No such API endpoint: %s %s.", c.Method(), c.Path())
	}
	p, err := s.ownProduct(c)
	if err != nil {
		return nil, err
	}
	data, err := uploadedImage(c)
	if err != nil {
		return nil, err
	}
	f, err := inspectImage(data)
	if err != nil {
		return nil, err
	}
	f.MerchantID, f.CreatedAt = p.MerchantID, s.Now()
	return images.SetProductImage(c.UserContext(), p.MerchantID, p.ID, f)
}

// uploadedImage returns the bytes of the upload.
func uploadedImage(c *fiber.Ctx) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	switch {
	case err != nil:
		return nil, &fiber.Error{Code: fiber.StatusUnsupportedMediaType, Message: `Send the image as the multipart/form-data field "image", or as the body with its image content type.`}
	case mt == fiber.MIMEMultipartForm:
		fh, err := c.FormFile("image")
		if err != nil {
			return nil, buycard.Errorf(buycard.EINVALID, `Send the image in the form field "image".`)
		}
		if fh.Size > buycard.MaxImageBytes {
			return nil, errImageTooBig
		}
		file, err := fh.Open()
		if err != nil {
			return nil, err
		}
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, buycard.MaxImageBytes+1))
		if err != nil {
			return nil, err
		}
		if len(data) > buycard.MaxImageBytes {
			return nil, errImageTooBig
		}
		return data, nil
	case strings.HasPrefix(mt, "image/"):
		if len(c.Body()) > buycard.MaxImageBytes {
			return nil, errImageTooBig
		}
		return c.Body(), nil
	}
	return nil, &fiber.Error{Code: fiber.StatusUnsupportedMediaType, Message: `Send the image as the multipart/form-data field "image", or as the body with its image content type.`}
}

var errImageTooBig = buycard.Errorf(buycard.EINVALID, "The image is larger than 5 MB.")

// inspectImage checks what data is by its bytes, whatever the upload
// claimed, and reads its size from its header, without decoding it. Only
// PNG, JPEG, GIF and WebP pass, at most buycard.MaxImageDimension pixels
// either side and buycard.MaxImagePixels in all: a small file can declare
// a huge picture, which anyone decoding it (a browser, a thumbnailer)
// would have to hold in memory.
func inspectImage(data []byte) (*buycard.ImageFile, error) {
	if len(data) == 0 {
		return nil, buycard.Errorf(buycard.EINVALID, "The image is empty.")
	}
	contentType := http.DetectContentType(data)
	if buycard.ImageExtensions[contentType] == "" {
		return nil, buycard.Errorf(buycard.EINVALID, "The file is not a PNG, JPEG, GIF or WebP image.")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != contentType {
		return nil, buycard.Errorf(buycard.EINVALID, "The image cannot be read; it may be damaged.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > buycard.MaxImageDimension || cfg.Height > buycard.MaxImageDimension ||
		cfg.Width*cfg.Height > buycard.MaxImagePixels {
		return nil, buycard.Errorf(buycard.EINVALID, "The image is %d×%d pixels; at most %d pixels either side and %d megapixels in all, please.",
			cfg.Width, cfg.Height, buycard.MaxImageDimension, buycard.MaxImagePixels/1_000_000)
	}
	sum := sha256.Sum256(data)
	return &buycard.ImageFile{SHA256: hex.EncodeToString(sum[:]), ContentType: contentType,
		Width: cfg.Width, Height: cfg.Height, Data: data}, nil
}

// getImage serves GET /images/{sha256}.{ext}: public, cacheable forever
// (the name is the content's hash), never sniffed as anything else.
func (s *Server) getImage(c *fiber.Ctx) error {
	images := s.Images
	m := imagePathPattern.FindStringSubmatch(c.Params("name"))
	if images == nil || m == nil {
		return buycard.Errorf(buycard.ENOTFOUND, "Image not found.")
	}
	f, err := images.FindImage(c.UserContext(), m[1])
	if err != nil {
		return err
	}
	if buycard.ImageExtensions[f.ContentType] != m[2] {
		return buycard.Errorf(buycard.ENOTFOUND, "Image not found.")
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set("Cross-Origin-Resource-Policy", "cross-origin")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set(fiber.HeaderETag, `"`+f.SHA256+`"`)
	if c.Get(fiber.HeaderIfNoneMatch) == `"`+f.SHA256+`"` {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(f.Data)
}
