// Package embed holds buycard.js, the loader that publishers put on their
// pages, and serves it: it bakes the card CSS into the loader, strips its
// comments, compresses it, names it by content hash with an SRI hash, and
// builds the snippets publishers paste. Shared with the server: Asset, the
// in-memory compressed file that backend/api sends for every static path.
//
// It depends on no HTTP framework; backend/api routes the bytes.
package embed

import (
	"bytes"
	"crypto/sha512"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

//go:embed buycard.js
var loaderSource []byte

// cssPlaceholder is the JS string literal in buycard.js that NewLoader
// replaces with the card CSS.
const cssPlaceholder = `"__CARD_CSS__"`

// Loader is the built buycard.js.
type Loader struct {
	asset *Asset
	sri   string
}

// NewLoader builds buycard.js with cardCSS (widget.CardCSS) baked in, so
// that cards are sized before their data arrives.
func NewLoader(cardCSS string) (*Loader, error) {
	src := minify(loaderSource)
	if n := bytes.Count(src, []byte(cssPlaceholder)); n != 1 {
		return nil, fmt.Errorf("build loader: %d CSS placeholders, want 1", n)
	}
	// json.Marshal also escapes <, >, &, U+2028 and U+2029, so the result is
	// a valid JS string literal anywhere.
	css, err := json.Marshal(cardCSS)
	if err != nil {
		return nil, fmt.Errorf("build loader: %w", err)
	}
	raw := bytes.Replace(src, []byte(cssPlaceholder), css, 1)
	sum := sha512.Sum384(raw)
	return &Loader{
		asset: NewAsset("text/javascript; charset=utf-8", raw),
		sri:   "sha384-" + base64.StdEncoding.EncodeToString(sum[:]),
	}, nil
}

// Asset returns the built loader.
func (l *Loader) Asset() *Asset { return l.asset }

// SRI returns the Subresource Integrity hash of the loader, for an
// integrity attribute on a script tag that loads VersionedPath.
func (l *Loader) SRI() string { return l.sri }

// VersionedPath is the loader's immutable, content-hashed path.
func (l *Loader) VersionedPath() string { return "/buycard." + l.asset.Hash + ".js" }

// minify drops blank lines and lines that are only // comments, and trims
// each line's leading and trailing whitespace. It never joins lines, so it
// cannot change what the code means, provided no string or template literal
// spans lines (buycard.js keeps to that; a test checks it).
func minify(src []byte) []byte {
	var out bytes.Buffer
	for line := range bytes.Lines(src) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.Bytes()
}
