// Package embed holds buycard.js, the loader that publishers put on their
// pages, and serves it: it bakes the card CSS into the loader, minifies it
// with esbuild, compresses it, names it by content hash with an SRI hash, and
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
	"errors"
	"fmt"

	"github.com/evanw/esbuild/pkg/api"
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
	return BuildLoader(loaderSource, cardCSS)
}

// BuildLoader builds a loader from another source than this binary's
// buycard.js, such as an older one: tests run a node serving an older
// build, as a fleet does before its deploy.
func BuildLoader(source []byte, cardCSS string) (*Loader, error) {
	src, err := minify(source)
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

// minify shrinks JavaScript with esbuild: whitespace, comments, local
// names and syntax. The loader is a budgeted download (4 KB brotli), and
// esbuild saves about 470 bytes of it over stripping comments and
// indentation. The target is ES2021, the newest syntax the loader already
// used (||=): newer syntax in the source is lowered, not shipped.
func minify(src []byte) ([]byte, error) {
	res := api.Transform(string(src), api.TransformOptions{
		Loader:            api.LoaderJS,
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
