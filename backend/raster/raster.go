// Package raster draws SVG pictures as PNG, for the readers that take no
// SVG: link previews (Open Graph, Twitter Cards), oEmbed thumbnails and
// product feeds all want a raster image. It is the one package that
// imports the SVG library (github.com/srwiley/oksvg and rasterx).
//
// The library draws paths, shapes and gradients and skips what it does
// not know (text, filters, <image>); it never loads anything an SVG
// refers to, so a picture cannot make the server fetch a URL or read a
// file.
package raster

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"

	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"
)

// Limits of a drawing: the SVG's bytes (more would be parsed into more
// paths to fill), and the longer side of the PNG, which sizes the only
// large allocation.
const (
	MaxSVGBytes = 256 << 10
	MaxSide     = 2000
)

// PNG is a drawn picture.
type PNG struct {
	Data          []byte
	Width, Height int
}

// SVG draws svg with its longer side side pixels long (at most MaxSide),
// keeping its aspect ratio (its viewBox, else its width and height).
// Drawing takes a while (gradients most: a second and more for 1200
// pixels on a busy machine), so callers keep what it makes.
func SVG(svg []byte, side int) (*PNG, error) {
	icon, w, h, err := read(svg, side)
	if err != nil {
		return nil, err
	}
	icon.SetTarget(0, 0, float64(w), float64(h))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	icon.Draw(rasterx.NewDasher(w, h, rasterx.NewScannerGV(w, h, img, img.Bounds())), 1)
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, fmt.Errorf("svg: %w", err)
	}
	return &PNG{Data: out.Bytes(), Width: w, Height: h}, nil
}

// Size is the size SVG would draw svg at, found without drawing it.
func Size(svg []byte, side int) (width, height int, err error) {
	_, width, height, err = read(svg, side)
	return width, height, err
}

// read parses svg and sizes it for side.
func read(svg []byte, side int) (_ *oksvg.SvgIcon, w, h int, _ error) {
	if len(svg) > MaxSVGBytes {
		return nil, 0, 0, fmt.Errorf("svg: %d bytes, at most %d", len(svg), MaxSVGBytes)
	}
	if side <= 0 || side > MaxSide {
		return nil, 0, 0, fmt.Errorf("svg: side %d, want 1 to %d", side, MaxSide)
	}
	icon, err := oksvg.ReadIconStream(bytes.NewReader(svg), oksvg.IgnoreErrorMode)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("svg: %w", err)
	}
	vw, vh := icon.ViewBox.W, icon.ViewBox.H
	if !(vw > 0 && vh > 0) || math.IsInf(vw, 0) || math.IsInf(vh, 0) {
		return nil, 0, 0, errors.New("svg: no size (viewBox, or width and height)")
	}
	w, h = side, side
	if vw > vh {
		h = max(1, int(math.Round(float64(side)*vh/vw)))
	} else {
		w = max(1, int(math.Round(float64(side)*vw/vh)))
	}
	return icon, w, h, nil
}
