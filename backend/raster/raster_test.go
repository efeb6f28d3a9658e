package raster_test

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/buycard/buycard/backend/raster"
)

func TestSVG(t *testing.T) {
	t.Parallel()
	var fetched atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { fetched.Add(1) }))
	t.Cleanup(func() { // after the subtests
		srv.Close()
		if n := fetched.Load(); n != 0 {
			t.Errorf("drawing fetched %d URLs", n)
		}
	})
	square := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" fill="#ff0000"/></svg>`
	for _, tc := range []struct {
		name, svg    string
		side         int
		wantW, wantH int
		wantErr      string
	}{
		{name: "square", svg: square, side: 1200, wantW: 1200, wantH: 1200},
		{name: "wide", svg: `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="red"/></svg>`,
			side: 600, wantW: 600, wantH: 300},
		{name: "external refs are not loaded", svg: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">` +
			`<image href="` + srv.URL + `/a.png" width="10" height="10"/><use xlink:href="` + srv.URL + `/b.svg#x"/>` +
			`<rect width="10" height="10" fill="red"/></svg>`, side: 100, wantW: 100, wantH: 100},
		{name: "no size", svg: `<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>`, side: 100, wantErr: "no size"},
		{name: "too big", svg: `<svg viewBox="0 0 1 1">` + strings.Repeat(" ", raster.MaxSVGBytes) + `</svg>`, side: 100, wantErr: "at most"},
		{name: "side too long", svg: square, side: raster.MaxSide + 1, wantErr: "side"},
		{name: "not xml", svg: `<svg viewBox="0 0 1 1"><rect`, side: 100, wantErr: "svg:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := raster.SVG([]byte(tc.svg), tc.side)
			if tc.wantErr != "" {
				_, _, sizeErr := raster.Size([]byte(tc.svg), tc.side)
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || sizeErr == nil {
					t.Fatalf("err = %v, Size's %v, want %q", err, sizeErr, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(got.Data))
			if err != nil {
				t.Fatal(err)
			}
			b := img.Bounds()
			w, h, err := raster.Size([]byte(tc.svg), tc.side)
			if b.Dx() != tc.wantW || b.Dy() != tc.wantH || got.Width != tc.wantW || got.Height != tc.wantH || w != tc.wantW || h != tc.wantH || err != nil {
				t.Errorf("size %dx%d (said %dx%d, Size %dx%d %v), want %dx%d", b.Dx(), b.Dy(), got.Width, got.Height, w, h, err, tc.wantW, tc.wantH)
			}
			if r, g, _, a := img.At(b.Dx()/2, b.Dy()/2).RGBA(); r>>8 != 255 || g != 0 || a>>8 != 255 {
				t.Errorf("centre is %v, want opaque red", img.At(b.Dx()/2, b.Dy()/2))
			}
		})
	}
}
