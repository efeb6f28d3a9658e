package api_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"

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

// pngHeader is a PNG that declares a w×h picture and holds no pixels: all
// a decoder reads before it allocates them.
func pngHeader(w, h uint32) string {
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit greyscale, no interlace
	b := binary.BigEndian.AppendUint32([]byte("\x89PNG\r\n\x1a\n"), uint32(len(ihdr)-4))
	b = append(b, ihdr...)
	return string(binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr)))
}

func tooManyPixels(w, h int) string {
	return fmt.Sprintf("The image is %d×%d pixels; at most 8000 pixels either side and 25 megapixels in all, please.", w, h)
}

// multipartImage is a form with data in the file field.
func multipartImage(t *testing.T, field, data string) (contentType, body string) {
	t.Helper()
	body, contentType = multipartForm(t, field, "picture.png", []byte(data), nil)
	return contentType, body
}

func TestProductImages(t *testing.T) {
	t.Parallel()
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
		{"too wide", "image/png", testImage(t, 8001, 1, encodePNG), ann.headers(), 400, buycard.EINVALID, tooManyPixels(8001, 1), 0, 0, ""},
		{"too tall", "image/gif", testImage(t, 1, 9000, encodeGIF), ann.headers(), 400, buycard.EINVALID, tooManyPixels(1, 9000), 0, 0, ""},
		{"64 megapixels declared in 33 bytes", "image/png", pngHeader(8000, 8000), ann.headers(), 400, buycard.EINVALID, tooManyPixels(8000, 8000), 0, 0, ""},
		{"just above 25 megapixels", "image/png", pngHeader(5001, 5000), ann.headers(), 400, buycard.EINVALID, tooManyPixels(5001, 5000), 0, 0, ""},
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

// TestImageUploadRefusedBeforeBody sends 5 MB uploads on real connections
// and counts the bytes the server reads: only the product's merchant gets
// its body read; anyone else is refused from the headers, before the
// server has read more than its usual 64 KiB limit allows.
func TestImageUploadRefusedBeforeBody(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	bob, _ := signup(t, ts, "bob@example.com", "merchant")
	resp, body := ts.do(t, "POST", "/v1/products", "application/json", productBody, ann.headers()...)
	var p buycard.Product
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &p) != nil {
		t.Fatalf("create product = %d %s", resp.StatusCode, body)
	}
	ln := &countingListener{Listener: listen(t), closed: make(chan int64, 1)}
	addr := strings.TrimPrefix(serve(t, ts, ln), "http://")
	noise := noisePNG(t, 300, 300) // a real image well above 64 KiB
	for _, tt := range []struct {
		name     string
		headers  []string
		body     string
		refused  bool
		wantRead int // at least, when read; at most 64 KiB when refused
	}{
		{"anonymous", nil, strings.Repeat("x", buycard.MaxImageBytes), true, 0},
		{"forged API key", []string{"Authorization", "Bearer bc_test_" + strings.Repeat("A", 43)}, strings.Repeat("x", buycard.MaxImageBytes), true, 0},
		{"another merchant", bob.headers(), strings.Repeat("x", buycard.MaxImageBytes), true, 0},
		{"no CSRF", []string{"Cookie", ann.cookie}, strings.Repeat("x", buycard.MaxImageBytes), true, 0},
		{"the product's merchant", ann.headers(), noise, false, len(noise)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status := rawUpload(t, addr, "/v1/products/"+p.ID+"/images", tt.body, tt.headers)
			read := ln.wait(t)
			switch {
			case tt.refused && read > 64<<10:
				t.Errorf("the server read %d bytes of a refused upload (status %d)", read, status)
			case tt.refused && status != 0 && status != fiber.StatusRequestEntityTooLarge:
				t.Errorf("status = %d, want 413 (or the connection closed)", status)
			case !tt.refused && (status != 200 || read < int64(tt.wantRead)):
				t.Errorf("status = %d after reading %d bytes, want 200 after %d", status, read, tt.wantRead)
			}
		})
	}
}

// rawUpload posts body as a PNG on a connection of its own, writing the
// body while it reads the answer, and returns the status, or 0 when the
// server closed the connection before answering.
func rawUpload(t *testing.T, addr, path, body string, headers []string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	must(t, err)
	defer conn.Close()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: image/png\r\nContent-Length: %d\r\nConnection: close\r\n", path, addr, len(body))
	for i := 0; i+1 < len(headers); i += 2 {
		head += headers[i] + ": " + headers[i+1] + "\r\n"
	}
	go func() {
		// A refused upload's connection is closed under this write.
		_, _ = io.WriteString(conn, head+"\r\n"+body)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// countingListener counts the bytes the server reads from each connection
// and reports the count when the server closes it.
type countingListener struct {
	net.Listener
	closed chan int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, closed: l.closed}, nil
}

// wait returns the count of the next connection the server closes.
func (l *countingListener) wait(t *testing.T) int64 {
	t.Helper()
	select {
	case n := <-l.closed:
		return n
	case <-t.Context().Done():
		t.Fatal("the server never closed the connection")
		return 0
	}
}

type countingConn struct {
	net.Conn
	read   atomic.Int64
	once   sync.Once
	closed chan<- int64
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.read.Add(int64(n))
	return n, err
}

func (c *countingConn) Close() error {
	c.once.Do(func() { c.closed <- c.read.Load() })
	return c.Conn.Close()
}

// noisePNG is a w×h PNG of random pixels, which do not compress.
func noisePNG(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rand.Read(img.Pix)
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.String()
}
