package embed

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/andybalholm/brotli"
)

var compressible = []byte(strings.Repeat("buycard puts a buy button inside content cards. ", 200))

func TestBody(t *testing.T) {
	a := NewAsset("text/plain", compressible)
	tests := []struct {
		name, acceptEncoding, want string
	}{
		{"br preferred", "gzip, deflate, br, zstd", "br"},
		{"gzip only", "gzip", "gzip"},
		{"br;q=0", "gzip, br;q=0", "gzip"},
		{"identity", "identity", ""},
		{"empty", "", ""},
		{"higher q wins", "br;q=0.5, gzip;q=0.9", "gzip"},
		{"equal q prefers br", "gzip;q=0.5, br;q=0.5", "br"},
		{"star", "*", "br"},
		{"star but br refused", "br;q=0, *", "gzip"},
		{"all refused", "br;q=0.000, gzip;q=0", ""},
		{"identity preferred", "identity;q=1, gzip;q=0.5", ""},
		{"case and spaces", " GZIP ; Q=1 ", "gzip"},
		{"x-gzip", "x-gzip", "gzip"},
		{"bad q", "br;q=high, gzip", "gzip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, enc := a.Body(tt.acceptEncoding)
			if enc != tt.want {
				t.Fatalf("Body(%q) encoding = %q, want %q", tt.acceptEncoding, enc, tt.want)
			}
			if got := decode(t, enc, body); !bytes.Equal(got, compressible) {
				t.Fatalf("Body(%q) does not decode to the raw bytes", tt.acceptEncoding)
			}
		})
	}
}

func TestBodyIncompressible(t *testing.T) {
	a := NewAsset("text/plain", []byte("x"))
	if a.Gzip != nil || a.Brotli != nil {
		t.Fatal("a 1-byte asset kept compressed forms larger than itself")
	}
	if body, enc := a.Body("br, gzip"); enc != "" || string(body) != "x" {
		t.Fatalf("Body = %q, %q; want identity", body, enc)
	}
}

func TestAssetHash(t *testing.T) {
	a := NewAsset("text/plain", []byte("hello"))
	// sha256("hello") = 2cf24dba5fb0a30e26e83b2ac5b9e29e…
	if a.Hash != "2cf24dba5fb0a30e" || a.ETag != `"2cf24dba5fb0a30e"` {
		t.Fatalf("Hash, ETag = %s, %s", a.Hash, a.ETag)
	}
}

func TestLoadAsset(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.wasm")
	write(t, path, compressible)

	t.Run("compresses without siblings", func(t *testing.T) {
		a, err := LoadAsset("application/wasm", path)
		if err != nil {
			t.Fatal(err)
		}
		if a.ContentType != "application/wasm" || !bytes.Equal(decode(t, "br", a.Brotli), compressible) ||
			!bytes.Equal(decode(t, "gzip", a.Gzip), compressible) {
			t.Fatal("asset does not decode to the file")
		}
	})

	t.Run("uses fresh siblings", func(t *testing.T) {
		br := brotliBytes(compressible, 1)
		write(t, path+".br", br)
		gz := gzipBytes(compressible, 1)
		write(t, path+".gz", gz)
		a, err := LoadAsset("application/wasm", path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Brotli, br) || !bytes.Equal(a.Gzip, gz) {
			t.Fatal("precompressed siblings not used")
		}
	})

	t.Run("ignores stale siblings", func(t *testing.T) {
		write(t, path+".br", brotliBytes([]byte("old build"), 1))
		write(t, path+".gz", []byte("not gzip"))
		a, err := LoadAsset("application/wasm", path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(decode(t, "br", a.Brotli), compressible) || !bytes.Equal(decode(t, "gzip", a.Gzip), compressible) {
			t.Fatal("stale sibling served")
		}
	})

	t.Run("missing file", func(t *testing.T) {
		if _, err := LoadAsset("application/wasm", filepath.Join(dir, "nope")); err == nil {
			t.Fatal("no error for a missing file")
		}
	})
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// decode undoes a Content-Encoding.
func decode(t *testing.T, encoding string, body []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch encoding {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestResponseAssetMakesOnlyTheCodingAsked(t *testing.T) {
	raw := []byte(strings.Repeat(`{"html":"<div class=\"bc-card\">card</div>"},`, 50))
	for _, tt := range []struct{ accept, coding string }{
		{"gzip, deflate, br", "br"},
		{"gzip", "gzip"},
		{"br;q=0.5, gzip", "gzip"},
		{"", ""},
		{"identity", ""},
	} {
		coding := PreferredCoding(tt.accept)
		if coding != tt.coding {
			t.Errorf("PreferredCoding(%q) = %q, want %q", tt.accept, coding, tt.coding)
		}
		a := NewResponseAsset("application/json", raw, coding)
		body, got := a.Body(tt.accept)
		if got != tt.coding || (coding != "" && len(body) >= len(raw)) {
			t.Errorf("%q: served %q in %d bytes (raw %d), want %q compressed", tt.accept, got, len(body), len(raw), tt.coding)
		}
		if a.Brotli != nil && coding != "br" || a.Gzip != nil && coding != "gzip" {
			t.Errorf("%q: made a form nobody asked for", tt.accept)
		}
	}
}

// TestNewAssetOncePerContent checks that assets of the same bytes, made at
// once, share one compression, and keep their own content types.
func TestNewAssetOncePerContent(t *testing.T) {
	raw := []byte(strings.Repeat("compressed once per process, by content. ", 100))
	assets := make([]*Asset, 4)
	var wg sync.WaitGroup
	for i := range assets {
		wg.Go(func() { assets[i] = NewAsset(fmt.Sprintf("text/plain; n=%d", i), bytes.Clone(raw)) })
	}
	wg.Wait()
	for i, a := range assets {
		if a.ContentType != fmt.Sprintf("text/plain; n=%d", i) || a.ETag != assets[0].ETag {
			t.Errorf("asset %d: %q, %s", i, a.ContentType, a.ETag)
		}
		if &a.Brotli[0] != &assets[0].Brotli[0] || &a.Gzip[0] != &assets[0].Gzip[0] {
			t.Errorf("asset %d was compressed again", i)
		}
		if !bytes.Equal(decode(t, "br", a.Brotli), raw) || !bytes.Equal(decode(t, "gzip", a.Gzip), raw) {
			t.Errorf("asset %d does not decode to its bytes", i)
		}
	}
	if other := NewAsset("text/plain", append(bytes.Clone(raw), '.')); bytes.Equal(decode(t, "br", other.Brotli), raw) {
		t.Error("different bytes got the cached forms")
	}
}

// TestPrecompress writes both encodings beside each file, keeps a
// compressed file that still decompresses to the file (a rebuild that
// changed no client code), and replaces one that does not.
func TestPrecompress(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.wasm"), filepath.Join(dir, "b.wasm")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(a, compressible, 0o644))
	must(os.WriteFile(b, bytes.ToUpper(compressible), 0o644))
	must(Precompress(a, b))
	decoded := func(path string, decompress func(io.Reader) (io.Reader, error)) []byte {
		t.Helper()
		f, err := os.ReadFile(path)
		must(err)
		r, err := decompress(bytes.NewReader(f))
		must(err)
		got, err := io.ReadAll(r)
		must(err)
		return got
	}
	for _, path := range []string{a, b} {
		raw, _ := os.ReadFile(path)
		if !bytes.Equal(decoded(path+".br", brotliReader), raw) || !bytes.Equal(decoded(path+".gz", gzipReader), raw) {
			t.Fatalf("%s: the compressed files do not decompress to it", path)
		}
	}

	// a's files are kept byte for byte (a marker the compressor would not
	// write: gzip level 1); b changed, so its files are written anew.
	kept := gzipBytes(compressible, gzip.BestSpeed)
	must(os.WriteFile(a+".gz", kept, 0o644))
	must(os.WriteFile(b, compressible, 0o644))
	must(Precompress(a, b))
	if got, _ := os.ReadFile(a + ".gz"); !bytes.Equal(got, kept) {
		t.Error("a.wasm.gz was written again though it still decompresses to a.wasm")
	}
	if !bytes.Equal(decoded(b+".br", brotliReader), compressible) || !bytes.Equal(decoded(b+".gz", gzipReader), compressible) {
		t.Error("b.wasm's compressed files were not written again after it changed")
	}
}
