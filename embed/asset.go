package embed

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// largeAsset is the size above which LoadAsset compresses faster and a
// little worse, so that the server starts quickly without precompressed
// files (the WASM is megabytes; brotli at quality 11 takes seconds).
const largeAsset = 1 << 20

// Asset is a file held in memory with its compressed forms, ready to be
// served with content negotiation and a strong validator.
type Asset struct {
	Raw []byte
	// Gzip and Brotli are nil when compressing would not make the body
	// smaller; Body then serves Raw.
	Gzip, Brotli []byte
	ContentType  string
	ETag         string // strong, quoted: "\"" + Hash + "\""
	Hash         string // first 16 hex digits of the SHA-256 of Raw
}

// NewAsset compresses raw with gzip and brotli at their best settings,
// once per process for the same bytes: every node a process starts (tests
// start many) serves the same loader, static files and OpenAPI document,
// and brotli 11 takes about a second for them.
func NewAsset(contentType string, raw []byte) *Asset {
	a := newAsset(contentType, raw)
	forms := bestForms(raw)
	a.Gzip, a.Brotli = forms.gzip, forms.brotli
	return a
}

// compressedForms are the forms NewAsset keeps of some bytes.
type compressedForms struct{ gzip, brotli []byte }

// compressed holds, by the SHA-256 of the raw bytes, a func (sync.OnceValue)
// returning their compressedForms. Its callers make a bounded set of
// assets: this binary's, and the recorded builds of pinned assets that
// nodes served (a few per deploy), so it is never pruned.
var compressed sync.Map // [sha256.Size]byte -> func() compressedForms

// bestForms returns raw's forms for NewAsset, compressing on the first call
// for those bytes; concurrent first calls wait for one compression. The
// slices are shared between assets and must not be changed.
func bestForms(raw []byte) compressedForms {
	key := sha256.Sum256(raw)
	f, ok := compressed.Load(key)
	if !ok {
		f, _ = compressed.LoadOrStore(key, sync.OnceValue(func() compressedForms {
			return compressedForms{
				gzip:   smaller(raw, gzipBytes(raw, gzip.BestCompression)),
				brotli: smaller(raw, brotliBytes(raw, brotli.BestCompression)),
			}
		}))
	}
	return f.(func() compressedForms)()
}

// NewResponseAsset makes an asset of a body built while serving, for
// clients that accept coding (as PreferredCoding gives it): only that form
// is made, at a level fit for the hot path (gzip 6, brotli 4), so a cache
// miss costs one fast compression.
func NewResponseAsset(contentType string, raw []byte, coding string) *Asset {
	a := newAsset(contentType, raw)
	switch coding {
	case "br":
		a.Brotli = smaller(raw, brotliBytes(raw, 4))
	case "gzip":
		a.Gzip = smaller(raw, gzipBytes(raw, gzip.DefaultCompression))
	}
	return a
}

// LoadAsset reads the file at path. It uses the precompressed siblings
// path+".br" and path+".gz" when they exist and decompress to exactly the
// file (a stale sibling is ignored); otherwise it compresses, faster for
// large files.
func LoadAsset(contentType, path string) (*Asset, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load asset: %w", err)
	}
	a := newAsset(contentType, raw)
	gzLevel, brQuality := gzip.BestCompression, brotli.BestCompression
	if len(raw) > largeAsset {
		gzLevel, brQuality = gzip.DefaultCompression, 6
	}
	a.Brotli, err = precompressed(path+".br", raw, brotliReader, func() []byte { return brotliBytes(raw, brQuality) })
	if err != nil {
		return nil, fmt.Errorf("load asset: %w", err)
	}
	a.Gzip, err = precompressed(path+".gz", raw, gzipReader, func() []byte { return gzipBytes(raw, gzLevel) })
	if err != nil {
		return nil, fmt.Errorf("load asset: %w", err)
	}
	return a, nil
}

func newAsset(contentType string, raw []byte) *Asset {
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:8])
	return &Asset{Raw: raw, ContentType: contentType, Hash: hash, ETag: `"` + hash + `"`}
}

// Body returns the body to send for an Accept-Encoding header and the
// Content-Encoding to set with it ("" for identity). It prefers the coding
// with the highest q-value, then br over gzip over identity.
func (a *Asset) Body(acceptEncoding string) (body []byte, contentEncoding string) {
	switch choose(parseAcceptEncoding(acceptEncoding), a.Gzip != nil, a.Brotli != nil) {
	case "br":
		return a.Brotli, "br"
	case "gzip":
		return a.Gzip, "gzip"
	}
	return a.Raw, ""
}

// PreferredCoding returns the coding Body would choose for an
// Accept-Encoding header if the asset had every form: "br", "gzip" or ""
// (identity).
func PreferredCoding(acceptEncoding string) string {
	return choose(parseAcceptEncoding(acceptEncoding), true, true)
}

// choose picks among the forms an asset has: the highest q-value, then br
// over gzip over identity.
func choose(q codingWeights, haveGzip, haveBrotli bool) string {
	best, coding := q.identity, ""
	if haveGzip && q.gzip > 0 && q.gzip >= best {
		best, coding = q.gzip, "gzip"
	}
	if haveBrotli && q.br > 0 && q.br >= best {
		coding = "br"
	}
	return coding
}

// codingWeights are the q-values an Accept-Encoding header gives the
// codings we have.
type codingWeights struct{ br, gzip, identity float64 }

// parseAcceptEncoding reads an Accept-Encoding header (RFC 9110, 12.5.3).
// Unlisted codings take the weight of "*", or 0. Identity is always
// acceptable unless refused, but an implicit identity loses to any listed
// coding. A malformed q-value counts as 0.
func parseAcceptEncoding(header string) codingWeights {
	explicit := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if name == "x-gzip" {
			name = "gzip"
		}
		explicit[name] = qValue(params)
	}
	weight := func(name string, otherwise float64) float64 {
		if q, ok := explicit[name]; ok {
			return q
		}
		if q, ok := explicit["*"]; ok {
			return q
		}
		return otherwise
	}
	return codingWeights{br: weight("br", 0), gzip: weight("gzip", 0), identity: weight("identity", 0.0001)}
}

// qValue returns the q parameter of a coding's parameters, 1 when absent.
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

// smaller returns compressed, or nil when it saves nothing.
func smaller(raw, compressed []byte) []byte {
	if len(compressed) >= len(raw) {
		return nil
	}
	return compressed
}

func gzipBytes(raw []byte, level int) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, level) // the levels used here are valid
	zw.Write(raw)
	zw.Close() // writes to a bytes.Buffer do not fail
	return b.Bytes()
}

func brotliBytes(raw []byte, quality int) []byte {
	var b bytes.Buffer
	bw := brotli.NewWriterLevel(&b, quality)
	bw.Write(raw)
	bw.Close() // writes to a bytes.Buffer do not fail
	return b.Bytes()
}

func gzipReader(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }

func brotliReader(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }

// precompressed returns the precompressed file at path if it decompresses to
// raw, else compress() when that is smaller than raw. A missing, corrupt or
// stale file is not an error; a file that exists but cannot be read is.
func precompressed(path string, raw []byte, decompress func(io.Reader) (io.Reader, error), compress func() []byte) ([]byte, error) {
	compressed, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return smaller(raw, compress()), nil
	case err != nil:
		return nil, err
	case !decompressesTo(compressed, raw, decompress):
		return smaller(raw, compress()), nil
	}
	return compressed, nil
}

func decompressesTo(compressed, raw []byte, decompress func(io.Reader) (io.Reader, error)) bool {
	r, err := decompress(bytes.NewReader(compressed))
	if err != nil {
		return false
	}
	// Read one byte more than raw so that a longer stream does not pass.
	got, err := io.ReadAll(io.LimitReader(r, int64(len(raw))+1))
	return err == nil && bytes.Equal(got, raw)
}

// Precompress writes path+".br" (brotli, best) and path+".gz" (gzip, best)
// beside each file, for LoadAsset to serve without compressing at start.
// It is the build's step for the client WASMs. Brotli 11 takes most of a
// minute for a WASM, so the files and encodings are compressed at once,
// one goroutine each, and a compressed file that already decompresses to
// the file is kept: a rebuild that changed no client code costs a
// decompression.
func Precompress(paths ...string) error {
	var wg sync.WaitGroup
	errs := make([]error, 2*len(paths))
	for i, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("precompress: %w", err)
		}
		for j, enc := range []struct {
			ext        string
			decompress func(io.Reader) (io.Reader, error)
			compress   func() []byte
		}{
			{".br", brotliReader, func() []byte { return brotliBytes(raw, brotli.BestCompression) }},
			{".gz", gzipReader, func() []byte { return gzipBytes(raw, gzip.BestCompression) }},
		} {
			wg.Go(func() {
				errs[2*i+j] = writeCompressed(path+enc.ext, raw, enc.decompress, enc.compress)
			})
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("precompress: %w", err)
	}
	return nil
}

// writeCompressed writes compress() to path unless the file there already
// decompresses to raw.
func writeCompressed(path string, raw []byte, decompress func(io.Reader) (io.Reader, error), compress func() []byte) error {
	if old, err := os.ReadFile(path); err == nil && decompressesTo(old, raw, decompress) {
		return nil
	}
	return os.WriteFile(path, compress(), 0o644)
}
