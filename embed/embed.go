// Package embed holds buycard.js, the loader that publishers put on their
// pages, and buycard.css, the card stylesheet that reserves the cards'
// boxes before the loader runs, and serves them: it bakes the card CSS
// into the loader, minifies both with esbuild, compresses them, names
// them by content hash with an SRI hash, and builds the snippets
// publishers paste. Shared with the server: Asset, the
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
	"errors"
	"fmt"

	"github.com/evanw/esbuild/pkg/api"
)

//go:embed buycard.js
var loaderSource []byte

//go:embed buycard.css
var stylesheetSource []byte

// cssPlaceholder is the JS string literal in buycard.js that NewLoader
// replaces with the card CSS.
const cssPlaceholder = `"__CARD_CSS__"`

// Pinned is a file that publishers' pages load from Buycard: the loader
// or the card stylesheet. It is served at its latest path (/buycard.js)
// and at an immutable path named by its content (/buycard.HASH.js),
// which snippets pin with Subresource Integrity.
type Pinned struct {
	asset     *Asset
	sri       string
	name, ext string // "/buycard", ".js"
}

func newPinned(name, ext, contentType string, raw []byte) *Pinned {
	sum := sha512.Sum384(raw)
	return &Pinned{
		asset: NewAsset(contentType, raw),
		sri:   "sha384-" + base64.StdEncoding.EncodeToString(sum[:]),
		name:  name, ext: ext,
	}
}

// Asset returns the built file.
func (p *Pinned) Asset() *Asset { return p.asset }

// SRI returns the Subresource Integrity hash of the file, for an
// integrity attribute on a tag that loads VersionedPath.
func (p *Pinned) SRI() string { return p.sri }

// VersionedPath is the file's immutable, content-hashed path.
func (p *Pinned) VersionedPath() string { return p.name + "." + p.asset.Hash + p.ext }

// LatestPath is the path that always serves the latest build.
func (p *Pinned) LatestPath() string { return p.name + p.ext }

// Loader is the built buycard.js, with the card stylesheet that the
// recommended snippet links beside it.
type Loader struct {
	*Pinned
	stylesheet *Pinned
}

// NewLoader builds buycard.js with cardCSS (widget.CardCSS) baked in, so
// that cards are styled in the same task that mounts them, and the card
// stylesheet, buycard.css, that reserves their boxes before the loader
// runs.
func NewLoader(cardCSS string) (*Loader, error) {
	return BuildLoader(loaderSource, cardCSS)
}

// BuildLoader builds a loader from another source than this binary's
// buycard.js, such as an older one: tests run a node serving an older
// build, as a fleet does before its deploy.
func BuildLoader(source []byte, cardCSS string) (*Loader, error) {
	src, err := minify(source, api.LoaderJS)
	if err != nil {
		return nil, fmt.Errorf("build loader: %w", err)
	}
	if n := bytes.Count(src, []byte(cssPlaceholder)); n != 1 {
		return nil, fmt.Errorf("build loader: %d CSS placeholders, want 1", n)
	}
	// json.Marshal also escapes <, >, &, U+2028 and U+2029, so the result is
	// a valid JS string literal anywhere.
	css, err := json.Marshal(cardCSS)
	if err != nil {
		return nil, fmt.Errorf("build loader: %w", err)
	}
	sheet, err := minify(stylesheetSource, api.LoaderCSS)
	if err != nil {
		return nil, fmt.Errorf("build card stylesheet: %w", err)
	}
	return &Loader{
		Pinned:     newPinned("/buycard", ".js", "text/javascript; charset=utf-8", bytes.Replace(src, []byte(cssPlaceholder), css, 1)),
		stylesheet: newPinned("/buycard", ".css", "text/css; charset=utf-8", sheet),
	}, nil
}

// Stylesheet returns the card stylesheet.
func (l *Loader) Stylesheet() *Pinned { return l.stylesheet }

// Files returns the loader and the card stylesheet: every file a
// snippet pins.
func (l *Loader) Files() []*Pinned { return []*Pinned{l.Pinned, l.stylesheet} }

// minify shrinks JavaScript or CSS (loader) with esbuild: whitespace,
// comments, local names and syntax. The loader is a budgeted download (4 KB brotli), and
// esbuild saves about 470 bytes of it over stripping comments and
// indentation. The target is ES2021, the newest syntax the loader already
// used (||=): newer syntax in the source is lowered, not shipped.
func minify(src []byte, loader api.Loader) ([]byte, error) {
	res := api.Transform(string(src), api.TransformOptions{
		Loader:            loader,
		Target:            api.ES2021,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
	})
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, errors.New(msgs[0])
	}
	return res.Code, nil
}
