package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCompressedSizes(t *testing.T) {
	data := []byte(strings.Repeat("function card(){return 'Buy';}\n", 200))
	s := compressedSizes(data)
	if s.Raw != len(data) {
		t.Errorf("raw %d, want %d", s.Raw, len(data))
	}
	if !(s.Brotli > 0 && s.Brotli < s.Gzip && s.Gzip < s.Raw/10) {
		t.Errorf("sizes %+v: want 0 < brotli < gzip < raw/10 for repetitive text", s)
	}
	if empty := compressedSizes(nil); empty.Raw != 0 || empty.Gzip == 0 || empty.Brotli == 0 {
		t.Errorf("empty input: %+v, want raw 0 and the streams' own framing", empty)
	}
}

func TestServedSizes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Accept-Encoding") {
		case "br":
			w.Header().Set("Content-Encoding", "br")
			w.Write(make([]byte, 3))
		case "gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(make([]byte, 5))
		default:
			w.Write(make([]byte, 11))
		}
	}))
	defer srv.Close()
	s, br, err := servedSizes(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if s != (Sizes{Raw: 11, Gzip: 5, Brotli: 3}) || len(br.Body) != 3 {
		t.Errorf("sizes %+v, brotli body %d bytes", s, len(br.Body))
	}
}

func TestServedSizesFailsWithoutTheCoding(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("never compressed"))
	}))
	defer srv.Close()
	_, _, err := servedSizes(context.Background(), srv.URL)
	if err == nil || !strings.Contains(err.Error(), `with gzip: status 200, Content-Encoding "identity"`) {
		t.Errorf("err = %v", err)
	}
}

func TestWasmPath(t *testing.T) {
	got, err := wasmPath([]byte(`const wasm = "/web/app.0123abcd.wasm"; fetch(wasm)`))
	if err != nil || got != "/web/app.0123abcd.wasm" {
		t.Errorf("wasmPath = %q, %v", got, err)
	}
	if _, err := wasmPath([]byte(`fetch("/web/app.wasm")`)); err == nil {
		t.Error("an unhashed URL was accepted")
	}
}

func TestReadTarball(t *testing.T) {
	tgz := tarball(t, map[string]string{
		"package/package.json":          `{}`,
		"package/dist/buybutton.js":     "plain build",
		"package/dist/buybutton.min.js": "min",
	})
	for _, tt := range []struct {
		name     string
		names    []string
		wantName string
		wantData string
		wantErr  string
	}{
		{"first choice", []string{"package/dist/buybutton.min.js", "package/dist/buybutton.js"}, "package/dist/buybutton.min.js", "min", ""},
		{"falls back", []string{"package/dist/nope.min.js", "package/dist/buybutton.js"}, "package/dist/buybutton.js", "plain build", ""},
		{"none", []string{"package/dist/nope.js"}, "", "", "none of package/dist/nope.js"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			name, data, err := readTarball(bytes.NewReader(tgz), tt.names...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || name != tt.wantName || string(data) != tt.wantData {
				t.Errorf("got %q %q %v, want %q %q", name, data, err, tt.wantName, tt.wantData)
			}
		})
	}
	if _, _, err := readTarball(strings.NewReader("not gzip")); err == nil {
		t.Error("a file that is not gzip was read")
	}
}

func tarball(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, body)
	}
	tw.Close()
	zw.Close()
	return b.Bytes()
}
