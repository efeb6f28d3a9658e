package api_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/embed"
)

// decodeBody undoes a response's Content-Encoding.
func decodeBody(t *testing.T, resp *http.Response, body string) []byte {
	t.Helper()
	var r io.Reader = strings.NewReader(body)
	var err error
	switch enc := resp.Header.Get("Content-Encoding"); enc {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		r, err = gzip.NewReader(r)
	case "deflate":
		r, err = zlib.NewReader(r)
	case "":
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestVersionedLoader: the loader and the card stylesheet, each at its
// versioned and its latest path.
func TestVersionedLoader(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, f := range ts.Loader.Files() {
		t.Run(f.LatestPath(), func(t *testing.T) {
			wantPinned(t, ts, f)
			// The latest path stays the latest, with a short max-age, and the same bytes.
			resp, body := ts.do(t, "GET", f.LatestPath(), "", "", "Accept-Encoding", "gzip")
			if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=300" ||
				resp.Header.Get("ETag") != f.Asset().ETag || !bytes.Equal(decodeBody(t, resp, body), f.Asset().Raw) {
				t.Errorf("%s = %d, Cache-Control %q", f.LatestPath(), resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
		})
	}
}

// wantPinned checks that ts serves the build f at its versioned URL:
// immutable, open to CORS, in every encoding decoding to f's bytes, which
// match both the URL's hash and f's SRI value, and 304 to its ETag.
func wantPinned(t *testing.T, ts *testServer, f *embed.Pinned) {
	t.Helper()
	path, ext := f.VersionedPath(), filepath.Ext(f.LatestPath())
	hash := strings.TrimSuffix(strings.TrimPrefix(path, "/buycard."), ext)
	for _, tt := range []struct{ accept, encoding string }{
		{"gzip, deflate, br", "br"},
		{"gzip", "gzip"},
		{"deflate", "deflate"}, // not precompressed: Fiber's compress middleware
		{"identity", ""},
		{"", ""},
	} {
		resp, body := ts.do(t, "GET", path, "", "", "Accept-Encoding", tt.accept)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != tt.encoding {
			t.Fatalf("%s, Accept-Encoding %q: %d, encoding %q, want %q", path, tt.accept, resp.StatusCode, resp.Header.Get("Content-Encoding"), tt.encoding)
		}
		for header, want := range map[string]string{
			"Cache-Control":               "public, max-age=31536000, immutable",
			"Access-Control-Allow-Origin": "*",
			"Content-Type":                f.Asset().ContentType,
			"ETag":                        `"` + hash + `"`,
		} {
			if got := resp.Header.Get(header); got != want {
				t.Errorf("%s, Accept-Encoding %q: %s = %q, want %q", path, tt.accept, header, got, want)
			}
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s, Accept-Encoding %q: Vary = %q", path, tt.accept, resp.Header.Get("Vary"))
		}
		// Browsers check SRI, and the URL names the content, on the
		// decoded body: every encoding must decode to the build's bytes.
		raw := decodeBody(t, resp, body)
		if !bytes.Equal(raw, f.Asset().Raw) {
			t.Errorf("%s, Accept-Encoding %q: the decoded body is not the build", path, tt.accept)
		}
		if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:8]) != hash {
			t.Errorf("%s, Accept-Encoding %q: decoded body hashes to %x", path, tt.accept, sum[:8])
		}
		if sum := sha512.Sum384(raw); "sha384-"+base64.StdEncoding.EncodeToString(sum[:]) != f.SRI() {
			t.Errorf("%s, Accept-Encoding %q: decoded body does not match the SRI value %s", path, tt.accept, f.SRI())
		}
	}

	resp, _ := ts.do(t, "GET", path, "", "", "If-None-Match", `"`+hash+`"`, "Accept-Encoding", "br")
	if resp.StatusCode != 304 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("ETag") != `"`+hash+`"` {
		t.Errorf("%s conditional GET = %d, CORS %q", path, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}

}

func TestVersionedLoaderOtherHash(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, path := range []string{"/buycard.0000000000000000.js", "/buycard.abc.js", "/buycard." + ts.Loader.Asset().Hash + "0.js",
		"/buycard.0000000000000000.css", "/buycard." + ts.Loader.Asset().Hash + ".css"} {
		resp, body := ts.do(t, "GET", path, "", "")
		if resp.StatusCode != 404 || resp.Header.Get("Cache-Control") != "no-store" || strings.Contains(body, "Buycard={") {
			t.Errorf("%s = %d, Cache-Control %q", path, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
}

func TestEmbedSnippet(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/v1/embed/snippet?widget=wgt_notebook&placement=plc_feednotebook", "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got embed.Snippets
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if want := ts.Loader.Snippets(publicURL, embed.Card{WidgetID: "wgt_notebook", PlacementID: "plc_feednotebook", Layout: buycard.LayoutFull, Title: "Leather field notebook"}); got != want {
		t.Fatalf("snippets =\n%+v\nwant\n%+v", got, want)
	}
	css := ts.Loader.Stylesheet()
	for _, want := range []string{
		`<link rel="stylesheet" href="` + publicURL + css.VersionedPath() + `" integrity="` + css.SRI() + `" crossorigin="anonymous">`,
		`<script async src="` + publicURL + ts.Loader.VersionedPath() + `" integrity="` + ts.Loader.SRI() + `" crossorigin="anonymous"></script>`,
		`<div data-buycard="wgt_notebook" data-placement="plc_feednotebook"></div>`,
	} {
		if !strings.Contains(got.Script, want) {
			t.Errorf("script snippet lacks %s:\n%s", want, got.Script)
		}
	}
	if got.Link != `<a href="`+publicURL+`/p/wgt_notebook?pl=plc_feednotebook">Leather field notebook</a>` ||
		!strings.Contains(got.Latest, `src="`+publicURL+`/buycard.js"`) || strings.Contains(got.Latest, "integrity") {
		t.Errorf("link %s\nlatest %s", got.Link, got.Latest)
	}

	_, body = ts.do(t, "GET", "/v1/embed/snippet?widget=wgt_notebook", "", "")
	if err := json.Unmarshal([]byte(body), &got); err != nil || strings.Contains(got.Script, "data-placement") || strings.Contains(got.Link, "?pl=") {
		t.Errorf("without placement: %s", body)
	}
}

func TestEmbedSnippetRefuses(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, tt := range []struct {
		query  string
		status int
		code   string
	}{
		{"", 400, buycard.EINVALID},
		{"widget=notebook", 400, buycard.EINVALID},
		{"widget=wgt_Notebook", 400, buycard.EINVALID},
		{"widget=wgt_notebook%22%3E", 400, buycard.EINVALID},
		{"widget=wgt_" + strings.Repeat("a", 41), 400, buycard.EINVALID},
		{"widget=wgt_notebook&placement=feed", 400, buycard.EINVALID},
		{"widget=wgt_notebook&placement=plc_%3Cb%3E", 400, buycard.EINVALID},
		{"widget=wgt_nope", 404, buycard.ENOTFOUND},
		{"widget=wgt_notebook&placement=plc_nope", 404, buycard.ENOTFOUND},
		{"widget=wgt_tee&placement=plc_feednotebook", 404, buycard.ENOTFOUND}, // another widget's placement
	} {
		resp, body := ts.do(t, "GET", "/v1/embed/snippet?"+tt.query, "", "")
		t.Run(tt.query, func(t *testing.T) { wantError(t, resp, body, tt.status, tt.code, "") })
	}
}

// TestCompressedAssetsDecode checks that the compressed forms served of the
// OpenAPI document and a static file, made once per process and shared by
// every server, decode to the original with the identity response's ETag.
func TestCompressedAssetsDecode(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for path, want := range map[string][]byte{
		"/v1/openapi.json":  api.OpenAPIDocument(),
		"/web/checkout.css": ts.Static["checkout.css"].Raw,
	} {
		plain, body := ts.do(t, "GET", path, "", "", "Accept-Encoding", "identity")
		if plain.StatusCode != 200 || body != string(want) {
			t.Fatalf("%s identity = %d, %d bytes, want %d", path, plain.StatusCode, len(body), len(want))
		}
		for _, coding := range []string{"br", "gzip"} {
			resp, body := ts.do(t, "GET", path, "", "", "Accept-Encoding", coding)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != coding {
				t.Fatalf("%s %s: %d, Content-Encoding %q", path, coding, resp.StatusCode, resp.Header.Get("Content-Encoding"))
			}
			if !bytes.Equal(decodeBody(t, resp, body), want) {
				t.Errorf("%s %s: the body does not decode to the original", path, coding)
			}
			if len(body) >= len(want) || resp.ContentLength != int64(len(body)) {
				t.Errorf("%s %s: %d bytes, Content-Length %d, for %d raw", path, coding, len(body), resp.ContentLength, len(want))
			}
			if resp.Header.Get("ETag") != plain.Header.Get("ETag") || resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s %s: ETag %q, Vary %q; identity ETag %q", path, coding, resp.Header.Get("ETag"), resp.Header.Get("Vary"), plain.Header.Get("ETag"))
			}
		}
	}
}
