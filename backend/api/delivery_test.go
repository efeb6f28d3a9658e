package api_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/blob"
)

// newDeliveryServer is an auth server that stores delivered files in a
// temporary directory, capped at maxFile bytes.
func newDeliveryServer(t *testing.T, maxFile int64) (*testServer, *blob.Files) {
	t.Helper()
	files, err := blob.OpenDir(filepath.Join(t.TempDir(), "files"), maxFile)
	must(t, err)
	t.Cleanup(func() { files.Close() })
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		authConfig(cfg, svc)
		cfg.MaxFileBytes = maxFile
		svc.Files = files
	})
	return ts, files
}

// multipartFile is a multipart/form-data body with content as the field
// "file" named name, and its content type.
func multipartFile(t *testing.T, name string, content []byte) (string, string) {
	t.Helper()
	return multipartForm(t, "file", name, content, nil)
}

// multipartForm is a multipart/form-data body with content as the file
// field named name, and fields, and its content type.
func multipartForm(t *testing.T, field, name string, content []byte, fields url.Values) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k := range fields {
		must(t, w.WriteField(k, fields.Get(k)))
	}
	part, err := w.CreateFormFile(field, name)
	must(t, err)
	_, err = part.Write(content)
	must(t, err)
	must(t, w.Close())
	return buf.String(), w.FormDataContentType()
}

// newProduct creates a product of kind for b and returns its id.
func newProduct(t *testing.T, ts *testServer, b browser, kind buycard.ProductKind) string {
	t.Helper()
	body := `{"title":"Guide","currency":"USD","kind":"` + string(kind) + `","variants":[{"name":"One","price":900,"unlimited":true}],"max_per_order":2}`
	resp, got := ts.do(t, "POST", "/v1/products", "application/json", body, b.headers()...)
	if resp.StatusCode != 201 {
		t.Fatalf("create product = %d %s", resp.StatusCode, got)
	}
	var p buycard.Product
	must(t, json.Unmarshal([]byte(got), &p))
	return p.ID
}

var testPDF = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("guide "), 300)...)

func TestDeliveryFiles(t *testing.T) {
	t.Parallel()
	ts, files := newDeliveryServer(t, 4096)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	bob, _ := signup(t, ts, "bob@example.com", "merchant")
	pub, _ := signup(t, ts, "pat@example.com", "publisher")
	digital := newProduct(t, ts, ann, buycard.ProductDigital)
	physical := newProduct(t, ts, ann, buycard.ProductPhysical)
	pdf, pdfType := multipartFile(t, "guide.pdf", testPDF)
	html, htmlType := multipartFile(t, "page.pdf", []byte("<!doctype html><script>alert(1)</script>"))
	big, bigType := multipartFile(t, "big.pdf", append([]byte("%PDF-1.7\n"), make([]byte, 5000)...))
	huge, hugeType := multipartFile(t, "huge.pdf", append([]byte("%PDF-1.7\n"), make([]byte, 200<<10)...))
	badName, badNameType := multipartFile(t, "a\u202egpj.pdf", testPDF)
	filesPath := "/v1/products/" + digital + "/files"
	for _, tt := range []struct {
		name, method, path, contentType, body string
		headers                               []string
		want                                  int
	}{
		{"upload", "POST", filesPath, pdfType, pdf, ann.headers(), 201},
		{"list", "GET", filesPath, "", "", ann.headers(), 200},
		{"not a deliverable type", "POST", filesPath, htmlType, html, ann.headers(), 400},
		{"over the cap", "POST", filesPath, bigType, big, ann.headers(), 400},
		{"far over the cap, unread", "POST", filesPath, hugeType, huge, ann.headers(), 413},
		{"bad name", "POST", filesPath, badNameType, badName, ann.headers(), 400},
		{"not multipart", "POST", filesPath, "application/pdf", string(testPDF), ann.headers(), 415},
		{"physical product", "POST", "/v1/products/" + physical + "/files", pdfType, pdf, ann.headers(), 409},
		{"unknown file", "DELETE", filesPath + "/dlf_nope", "", "", ann.headers(), 404},
		{"anonymous", "GET", filesPath, "", "", nil, 401},
		{"anonymous upload", "POST", filesPath, pdfType, pdf, nil, 401},
		{"publisher", "GET", filesPath, "", "", pub.headers(), 403},
		{"publisher upload", "POST", filesPath, pdfType, pdf, pub.headers(), 403},
		{"publisher upload, large", "POST", filesPath, hugeType, huge, pub.headers(), 413},
		{"no CSRF", "POST", filesPath, pdfType, pdf, []string{"Cookie", ann.cookie}, 403},
		{"another merchant", "GET", filesPath, "", "", bob.headers(), 404},
		{"another merchant's upload", "POST", filesPath, pdfType, pdf, bob.headers(), 404},
		{"another merchant's large upload", "POST", filesPath, hugeType, huge, bob.headers(), 413},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == 413 {
				// fasthttp refuses the body from its Content-Length,
				// before routing; app.Test reports it as an error.
				req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
				req.Header.Set("Content-Type", tt.contentType)
				for i := 0; i+1 < len(tt.headers); i += 2 {
					req.Header.Set(tt.headers[i], tt.headers[i+1])
				}
				if resp, err := ts.App().Test(req, 10_000); err == nil {
					t.Errorf("a %d KB upload was read: %d", len(tt.body)>>10, resp.StatusCode)
				}
				return
			}
			resp, body := ts.do(t, tt.method, tt.path, tt.contentType, tt.body, tt.headers...)
			if resp.StatusCode != tt.want {
				t.Errorf("%s %s = %d %s, want %d", tt.method, tt.path, resp.StatusCode, body, tt.want)
			}
		})
	}
	_, body := ts.do(t, "GET", filesPath, "", "", ann.headers()...)
	var list struct{ Files []buycard.DeliveryFile }
	must(t, json.Unmarshal([]byte(body), &list))
	if len(list.Files) != 1 || list.Files[0].Name != "guide.pdf" || list.Files[0].Size != int64(len(testPDF)) ||
		list.Files[0].ContentType != "application/pdf" {
		t.Fatalf("files = %s, want the one guide", body)
	}
	f := list.Files[0]
	r, err := files.Open(t.Context(), f.SHA256)
	must(t, err)
	r.Close()
	if resp, body := ts.do(t, "DELETE", filesPath+"/"+f.ID, "", "", bob.headers()...); resp.StatusCode != 404 {
		t.Fatalf("another merchant's delete = %d %s", resp.StatusCode, body)
	}
	if resp, body := ts.do(t, "DELETE", filesPath+"/"+f.ID, "", "", ann.headers()...); resp.StatusCode != 204 {
		t.Fatalf("delete = %d %s", resp.StatusCode, body)
	}
	if _, err := files.Open(t.Context(), f.SHA256); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("content after delete: %v, want gone", err)
	}
}

func TestLicenseKeysUpload(t *testing.T) {
	t.Parallel()
	ts, _ := newDeliveryServer(t, 0)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	bob, _ := signup(t, ts, "bob@example.com", "merchant")
	pub, _ := signup(t, ts, "pat@example.com", "publisher")
	digital := newProduct(t, ts, ann, buycard.ProductDigital)
	service := newProduct(t, ts, ann, buycard.ProductService)
	keysPath := "/v1/products/" + digital + "/license-keys"
	csvFile, csvType := multipartFile(t, "keys.csv", []byte("K-3\nK-4\n"))
	for _, tt := range []struct {
		name, method, path, contentType, body string
		headers                               []string
		want                                  int
		reply                                 string
	}{
		{"upload", "POST", keysPath, "text/csv", "K-1\n K-2 \nK-1\n\n", ann.headers(), 201, `{"added":2,"free":2,"assigned":0}`},
		{"upload again", "POST", keysPath, "text/csv", "K-2\n", ann.headers(), 201, `{"added":0,"free":2,"assigned":0}`},
		{"multipart", "POST", keysPath, csvType, csvFile, ann.headers(), 201, `{"added":2,"free":4,"assigned":0}`},
		{"bad rows", "POST", keysPath, "text/csv", "K-5\nA,B\nK-6\n" + strings.Repeat("x", 201) + "\n", ann.headers(), 400, ""},
		{"empty", "POST", keysPath, "text/csv", "\n", ann.headers(), 400, ""},
		{"json", "POST", keysPath, "application/json", `["K-9"]`, ann.headers(), 415, ""},
		{"counts", "GET", keysPath, "", "", ann.headers(), 200, `{"free":4,"assigned":0}`},
		{"service product", "POST", "/v1/products/" + service + "/license-keys", "text/csv", "K-1\n", ann.headers(), 409, ""},
		{"anonymous", "GET", keysPath, "", "", nil, 401, ""},
		{"publisher", "POST", keysPath, "text/csv", "K-7\n", pub.headers(), 403, ""},
		{"no CSRF", "POST", keysPath, "text/csv", "K-7\n", []string{"Cookie", ann.cookie}, 403, ""},
		{"another merchant", "GET", keysPath, "", "", bob.headers(), 404, ""},
		{"another merchant's upload", "POST", keysPath, "text/csv", "K-7\n", bob.headers(), 404, ""},
		{"files of a product with keys", "POST", "/v1/products/" + digital + "/files", "", "", ann.headers(), 409, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, tt.method, tt.path, tt.contentType, tt.body, tt.headers...)
			if resp.StatusCode != tt.want || tt.reply != "" && body != tt.reply {
				t.Errorf("%s %s = %d %s, want %d %s", tt.method, tt.path, resp.StatusCode, body, tt.want, tt.reply)
			}
		})
	}
	_, body := ts.do(t, "POST", keysPath, "text/csv", "K-5\nA,B\nK-6\n"+strings.Repeat("x", 201)+"\n", ann.headers()...)
	var reply struct {
		Error struct{ Code, Message string }
		Rows  []buycard.LicenseKeyRowError
	}
	must(t, json.Unmarshal([]byte(body), &reply))
	if reply.Error.Code != "invalid" || len(reply.Rows) != 2 || reply.Rows[0].Line != 2 || reply.Rows[1].Line != 4 {
		t.Errorf("bad rows reply = %s", body)
	}
	counts, err := ts.db.LicenseKeyCounts(t.Context(), digital)
	must(t, err)
	if counts != (buycard.LicenseKeyCounts{Free: 4}) {
		t.Errorf("counts = %+v: a refused upload added keys", counts)
	}
}
