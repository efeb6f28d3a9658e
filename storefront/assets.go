//go:build !wasm

package storefront

import (
	"bytes"
	_ "embed"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"maps"
	"strings"
	"sync"
)

// Stylesheets and icons the server hands out. They stay out of the WASM.

var (
	//go:embed card.css
	cardCSS string
	//go:embed product.css
	productCSS string
	//go:embed checkout.css
	checkoutCSS []byte
	//go:embed order.css
	orderCSS []byte
	//go:embed web/icon.svg
	iconSVG []byte
	//go:embed web/checkout.js
	checkoutJS []byte
	//go:embed web/stripe-checkout.js
	stripeCheckoutJS []byte
)

var (
	// CardCSS styles the card HTML inside the loader's shadow roots; the
	// loader bakes it in. Each rule is on its own line in card.css, so
	// dropping the newlines minifies it.
	CardCSS = strings.ReplaceAll(cardCSS, "\n", "")
	// ProductPageCSS styles the hosted product page (/web/product.css).
	ProductPageCSS = productCSS
)

// StaticFiles returns the files the server serves under /web/, by name:
// checkout.css, checkout.js, stripe-checkout.js, product.css, order.css
// (the shopper's order page), icon.svg, icon.png (192 px) and
// icon-512.png.
func StaticFiles() map[string][]byte {
	return maps.Clone(staticFiles())
}

var staticFiles = sync.OnceValue(func() map[string][]byte {
	return map[string][]byte{
		"checkout.css":       checkoutCSS,
		"checkout.js":        checkoutJS,
		"stripe-checkout.js": stripeCheckoutJS,
		"product.css":        []byte(productCSS),
		"order.css":          orderCSS,
		"icon.svg":           iconSVG,
		"icon.png":           iconPNG(192),
		"icon-512.png":       iconPNG(512),
	}
})

// Colours of icon.svg.
var (
	iconBlue  = color.RGBA{0x1d, 0x4e, 0xd8, 0xff}
	iconWhite = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// iconPNG draws icon.svg's card on a full-bleed square (so it also works
// as a maskable icon), size pixels wide.
func iconPNG(size int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	at := func(v int) int { return v * size / 64 } // icon.svg's 64-unit grid
	fill := func(r image.Rectangle, c color.Color) {
		draw.Draw(img, r, &image.Uniform{C: c}, image.Point{}, draw.Src)
	}
	fill(img.Bounds(), iconBlue)
	fill(image.Rect(at(12), at(18), at(52), at(46)), iconWhite)
	fill(image.Rect(at(12), at(24), at(52), at(29)), iconBlue)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic("widget: encode icon: " + err.Error())
	}
	return b.Bytes()
}
