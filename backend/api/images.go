package api

import (
	"bytes"
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

// imageService is the store's ImageService: Services.Images, or the
// catalog when it also stores images (both stores do).
func (s *Server) imageService() buycard.ImageService {
	if s.Images != nil {
		return s.Images
	}
	images, _ := s.Catalog.(buycard.ImageService)
	return images
}

// uploadBodyLimit raises the body limit of image uploads, from their
// request line, before fasthttp reads any body: every other request keeps
// maxRequestBody, refused from its Content-Length as before.
func uploadBodyLimit(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	path, _, _ := strings.Cut(string(h.RequestURI()), "?")
	if string(h.Method()) == fiber.MethodPost && isImageUploadPath(path) {
		return fasthttp.RequestConfig{MaxRequestBodySize: maxUploadBody}
	}
	return fasthttp.RequestConfig{}
}

func isImageUploadPath(path string) bool {
	rest, ok := strings.CutPrefix(path, "/v1/products/")
	if !ok {
		return false
	}
	id, tail, _ := strings.Cut(rest, "/")
	return id != "" && strings.TrimSuffix(tail, "/") == "images"
}

// postProductImage serves POST /v1/products/{id}/images: the image is the
// multipart field "image", or the whole body with an image content type.
// It answers with the product, whose image now names the upload.
func (s *Server) postProductImage(c *fiber.Ctx) error {
	images := s.imageService()
	if images == nil {
		return buycard.Errorf(buycard.ENOTFOUND, "No such API endpoint: %s %s.", c.Method(), c.Path())
	}
	p, err := s.ownProduct(c)
	if err != nil {
		return err
	}
	data, err := uploadedImage(c)
	if err != nil {
		return err
	}
	f, err := inspectImage(data)
	if err != nil {
		return err
	}
	f.MerchantID, f.CreatedAt = p.MerchantID, s.Now()
	p, err = images.SetProductImage(c.UserContext(), p.MerchantID, p.ID, f)
	if err != nil {
		return err
	}
	return c.JSON(p)
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
// claimed, and reads its size. Only PNG, JPEG, GIF and WebP pass, at most
// buycard.MaxImageDimension pixels either side.
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
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > buycard.MaxImageDimension || cfg.Height > buycard.MaxImageDimension {
		return nil, buycard.Errorf(buycard.EINVALID, "The image is %d×%d pixels; at most %d pixels either side, please.",
			cfg.Width, cfg.Height, buycard.MaxImageDimension)
	}
	sum := sha256.Sum256(data)
	return &buycard.ImageFile{SHA256: hex.EncodeToString(sum[:]), ContentType: contentType,
		Width: cfg.Width, Height: cfg.Height, Data: data}, nil
}

// getImage serves GET /images/{sha256}.{ext}: public, cacheable forever
// (the name is the content's hash), never sniffed as anything else.
func (s *Server) getImage(c *fiber.Ctx) error {
	images := s.imageService()
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
