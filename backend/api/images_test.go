package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

// testImage encodes a w×h picture with enc.
func testImage(t *testing.T, w, h int, enc func(*bytes.Buffer, image.Image) error) string {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.RGBA{0x1d, 0x4e, 0xd8, 0xff}})
	img.SetColorIndex(0, 0, 1)
	var b bytes.Buffer
	must(t, enc(&b, img))
	return b.String()
}

var (
	encodePNG  = func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) }
	encodeJPEG = func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) }
	encodeGIF  = func(b *bytes.Buffer, m image.Image) error { return gif.Encode(b, m, nil) }
)

// webp1x1 is a lossless 1×1 WebP.
var webp1x1, _ = base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")

// multipartImage is a form with data in the field "image".
func multipartImage(t *testing.T, field, data string) (contentType, body string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile(field, "picture.png")
	must(t, err)
	_, err = fw.Write([]byte(data))
	must(t, err)
	must(t, mw.Close())
	return mw.FormDataContentType(), b.String()
}

func TestProductImages(t *testing.T) {
	ts := newAuthServer(t, false)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	bob, _ := signup(t, ts, "bob@example.com", "merchant")
	resp, body := ts.do(t, "POST", "/v1/products", "application/json", productBody, ann.headers()...)
	if resp.StatusCode != 201 {
		t.Fatalf("create product = %d %s", resp.StatusCode, body)
	}
	var p buycard.Product
	must(t, json.Unmarshal([]byte(body), &p))
	path := "/v1/products/" + p.ID + "/images"
	doc := loadOpenAPI(t)

	pngData := testImage(t, 640, 480, encodePNG)
	formType, form := multipartImage(t, "image", pngData)
	wrongType, wrongField := multipartImage(t, "picture", pngData)
	html := "<!DOCTYPE html><html><script>alert(1)</script></html>"
	tooBig := "\x89PNG\r\n\x1a\n" + strings.Repeat("x", buycard.MaxImageBytes)
	for _, tt := range []struct {
		name, contentType, body string
		headers                 []string
		status                  int
		code, message           string
		width, height           int
		ext                     string
	}{
		{"png body", "image/png", pngData, ann.headers(), 200, "", "", 640, 480, "png"},
		{"png multipart", formType, form, ann.headers(), 200, "", "", 640, 480, "png"},
		{"jpeg", "image/jpeg", testImage(t, 300, 200, encodeJPEG), ann.headers(), 200, "", "", 300, 200, "jpg"},
		{"gif", "image/gif", testImage(t, 8, 8, encodeGIF), ann.headers(), 200, "", "", 8, 8, "gif"},
		{"webp", "image/webp", string(webp1x1), ann.headers(), 200, "", "", 1, 1, "webp"},
		{"declared png, sniffed jpeg", "image/png", testImage(t, 30, 20, encodeJPEG), ann.headers(), 200, "", "", 30, 20, "jpg"},
		{"html disguised as png", "image/png", html, ann.headers(), 400, buycard.EINVALID, "The file is not a PNG, JPEG, GIF or WebP image.", 0, 0, ""},
		{"png header, no image", "image/png", "\x89PNG\r\n\x1a\n garbage", ann.headers(), 400, buycard.EINVALID, "The image cannot be read; it may be damaged.", 0, 0, ""},
		{"too big", "image/png", tooBig, ann.headers(), 400, buycard.EINVALID, "The image is larger than 5 MB.", 0, 0, ""},
		{"too wide", "image/png", testImage(t, 8001, 1, encodePNG), ann.headers(), 400, buycard.EINVALID, "The image is 8001×1 pixels; at most 8000 pixels either side, please.", 0, 0, ""},
		{"too tall", "image/gif", testImage(t, 1, 9000, encodeGIF), ann.headers(), 400, buycard.EINVALID, "The image is 1×9000 pixels; at most 8000 pixels either side, please.", 0, 0, ""},
		{"empty", "image/png", "", ann.headers(), 400, buycard.EINVALID, "The image is empty.", 0, 0, ""},
		{"text body", "text/plain", pngData, ann.headers(), 415, buycard.EINVALID, "", 0, 0, ""},
		{"wrong form field", wrongType, wrongField, ann.headers(), 400, buycard.EINVALID, `Send the image in the form field "image".`, 0, 0, ""},
		{"other merchant's product", "image/png", testImage(t, 5, 5, encodePNG), bob.headers(), 404, buycard.ENOTFOUND, "", 0, 0, ""},
		{"unauthenticated", "image/png", testImage(t, 6, 6, encodePNG), nil, 401, buycard.EUNAUTHORIZED, "", 0, 0, ""},
		{"no CSRF", "image/png", testImage(t, 7, 7, encodePNG), []string{"Cookie", ann.cookie}, 403, "", "", 0, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, "POST", path, tt.contentType, tt.body, tt.headers...)
			validateResponse(t, doc, "POST", "/v1/products/{id}/images", path, resp, body)
			if tt.status != 200 {
				if tt.code != "" {
					wantError(t, resp, body, tt.status, tt.code, tt.message)
				} else if resp.StatusCode != tt.status {
					t.Errorf("status = %d, want %d: %s", resp.StatusCode, tt.status, body)
				}
				if tt.status != 415 {
					// Nothing stored.
					sum := sha256.Sum256([]byte(tt.body))
					if _, err := ts.db.FindImage(t.Context(), hex.EncodeToString(sum[:])); buycard.ErrorCode(err) != buycard.ENOTFOUND {
						t.Errorf("refused upload stored: %v", err)
					}
				}
				return
			}
			if resp.StatusCode != 200 {
				t.Fatalf("upload = %d %s", resp.StatusCode, body)
			}
			var got buycard.Product
			must(t, json.Unmarshal([]byte(body), &got))
			data := tt.body
			if tt.contentType == formType {
				data = pngData
			}
			sum := sha256.Sum256([]byte(data))
			want := buycard.Image{URL: "/images/" + hex.EncodeToString(sum[:]) + "." + tt.ext, Width: tt.width, Height: tt.height, Alt: p.Image.Alt}
			if got.Image != want {
				t.Errorf("image = %+v, want %+v", got.Image, want)
			}
			resp, served := ts.do(t, "GET", want.URL, "", "")
			wantType := map[string]string{"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}[tt.ext]
			if resp.StatusCode != 200 || served != data || resp.Header.Get("Content-Type") != wantType ||
				resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("GET %s = %d %v, %d bytes", want.URL, resp.StatusCode, resp.Header, len(served))
			}
		})
	}

	// The image is the product's, also in its cards (with an absolute URL).
	stored, err := ts.db.FindProduct(t.Context(), p.ID)
	must(t, err)
	if !strings.HasPrefix(stored.Image.URL, "/images/") || !strings.HasSuffix(stored.Image.URL, ".jpg") || stored.Image.Width != 30 {
		t.Errorf("stored image = %+v", stored.Image)
	}
	for _, bad := range []string{
		"/images/" + strings.Repeat("0", 64) + ".png",
		strings.TrimSuffix(stored.Image.URL, ".jpg") + ".png", // right hash, wrong type
		"/images/nope.png",
		"/images/" + strings.ToUpper(strings.TrimPrefix(stored.Image.URL, "/images/")),
	} {
		if resp, body := ts.do(t, "GET", bad, "", ""); resp.StatusCode != 404 {
			t.Errorf("GET %s = %d %s", bad, resp.StatusCode, body)
		}
	}

	// Other routes keep their 64 KB body limit, which fasthttp enforces
	// before routing (app.Test reports it as an error; see
	// TestStripeWebhookBadBodies for the 413 on a real connection).
	req := httptest.NewRequest("POST", "/v1/products", strings.NewReader(`{"title":"`+strings.Repeat("x", 70<<10)+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := ts.App().Test(req, 10_000); err == nil {
		t.Errorf("a 70 KB product was read: %d", resp.StatusCode)
	}
	req = httptest.NewRequest("POST", "/v1/products/"+p.ID+"/images?x=1", strings.NewReader(strings.Repeat("x", 6<<20)))
	req.Header.Set("Content-Type", "image/png")
	if resp, err := ts.App().Test(req, 10_000); err == nil {
		t.Errorf("a 6 MB upload was read: %d", resp.StatusCode)
	}
}
