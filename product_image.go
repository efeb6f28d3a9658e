package buycard

import (
	"context"
	"time"
)

// ImageFile is an uploaded product image, addressed by the SHA-256 of its
// bytes: its URL (ImageURL) never changes content, so it is served with
// immutable caching.
type ImageFile struct {
	SHA256      string // lower-case hex of the bytes' SHA-256
	ContentType string // image/png, image/jpeg, image/gif or image/webp
	Width       int
	Height      int
	Data        []byte
	MerchantID  string // who uploaded it first
	CreatedAt   time.Time
}

// Limits of an uploaded image: its file, each side, and its decoded
// pixels (25 megapixels take 100 MB decoded, as a browser holds them).
const (
	MaxImageBytes     = 5 << 20
	MaxImageDimension = 8000
	MaxImagePixels    = 25_000_000
)

// ImageExtensions maps the content types Buycard accepts to the file
// extension of their URL.
var ImageExtensions = map[string]string{
	"image/png":  "png",
	"image/jpeg": "jpg",
	"image/gif":  "gif",
	"image/webp": "webp",
}

// ImageURL is the path the server serves f at: /images/{sha256}.{ext}.
func (f *ImageFile) ImageURL() string {
	return "/images/" + f.SHA256 + "." + ImageExtensions[f.ContentType]
}

// ImageService stores uploaded product images.
type ImageService interface {
	// SetProductImage stores f (once per content: the same bytes uploaded
	// again share the stored row) and makes it the image of the
	// merchant's product, with f's URL, width and height and the alt text
	// the product had. It returns the product. Errors: EINVALID,
	// ENOTFOUND (product of another merchant too; nothing is stored).
	SetProductImage(ctx context.Context, merchantID, productID string, f *ImageFile) (*Product, error)
	// FindImage returns the image with the SHA-256 hex sum. Errors:
	// ENOTFOUND.
	FindImage(ctx context.Context, sha256 string) (*ImageFile, error)
}
