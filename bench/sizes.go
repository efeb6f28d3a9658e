package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/andybalholm/brotli"
)

// Sizes are a file's bytes raw and compressed.
type Sizes struct {
	Raw, Gzip, Brotli int
}

// compressedSizes compresses data at the best settings (gzip 9, brotli 11),
// the settings Buycard's server uses for its own small assets, so a file
// measured here compares fairly with one Buycard serves.
func compressedSizes(data []byte) Sizes {
	var gz, br bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // a valid level
	zw.Write(data)
	zw.Close() // writes to a bytes.Buffer do not fail
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	bw.Write(data)
	bw.Close()
	return Sizes{Raw: len(data), Gzip: gz.Len(), Brotli: br.Len()}
}

// served is one response as the server sent it.
type served struct {
	Body   []byte
	Header http.Header
}

// fetchEncoded GETs url asking for one content coding ("identity", "gzip"
// or "br") and returns the body undecoded. It fails unless the server
// answered 200 with that coding.
func fetchEncoded(ctx context.Context, url, coding string) (served, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return served{}, err
	}
	req.Header.Set("Accept-Encoding", coding)
	resp, err := loopbackClient(1).Do(req)
	if err != nil {
		return served{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return served{}, err
	}
	got := resp.Header.Get("Content-Encoding")
	if got == "" {
		got = "identity"
	}
	if resp.StatusCode != http.StatusOK || got != coding {
		return served{}, fmt.Errorf("GET %s with %s: status %d, Content-Encoding %q", url, coding, resp.StatusCode, got)
	}
	return served{Body: body, Header: resp.Header}, nil
}

// servedSizes fetches url in each coding and returns the sizes the server
// sends, with the brotli response (the one browsers get).
func servedSizes(ctx context.Context, url string) (Sizes, served, error) {
	var bodies [3]served
	for i, coding := range []string{"identity", "gzip", "br"} {
		var err error
		if bodies[i], err = fetchEncoded(ctx, url, coding); err != nil {
			return Sizes{}, served{}, err
		}
	}
	return Sizes{Raw: len(bodies[0].Body), Gzip: len(bodies[1].Body), Brotli: len(bodies[2].Body)}, bodies[2], nil
}

var wasmPathPattern = regexp.MustCompile(`/web/app\.[0-9a-f]+\.wasm`)

// wasmPath finds the content-hashed WASM URL in go-app's app.js.
func wasmPath(appJS []byte) (string, error) {
	m := wasmPathPattern.Find(appJS)
	if m == nil {
		return "", fmt.Errorf("no /web/app.HASH.wasm in app.js")
	}
	return string(m), nil
}

// measureSizes measures the loader and the client WASM as the server sends
// them, beside the Shopify Buy Button script compressed the same way.
func measureSizes(ctx context.Context, e *env, tmp, webDir string) Section {
	sec := Section{Title: "Sizes", Baseline: "the Shopify Buy Button script, `dist/buybutton.min.js` of `" + shopifyPackage + "`"}
	shop, shopNote, shopErr := shopifySizes(ctx, tmp)
	baseline := func(v int) float64 {
		if shopErr != nil {
			return math.NaN()
		}
		return float64(v)
	}
	loader, _, err := servedSizes(ctx, e.host+"/buycard.js")
	if err != nil {
		sec.Err = err
		return sec
	}
	sheet, _, err := servedSizes(ctx, e.host+"/buycard.css")
	if err != nil {
		sec.Err = err
		return sec
	}
	wasm, wasmRows, err := e.wasmSizes(ctx, webDir)
	if err != nil {
		sec.Err = err
		return sec
	}
	nan := math.NaN()
	sec.Rows = []Row{
		{What: "loader `buycard.js`, raw", Unit: bytesUnit, Buycard: float64(loader.Raw), Baseline: baseline(shop.Raw)},
		{What: "loader `buycard.js`, gzip", Unit: bytesUnit, Buycard: float64(loader.Gzip), Baseline: baseline(shop.Gzip)},
		{What: "loader `buycard.js`, brotli", Unit: bytesUnit, Buycard: float64(loader.Brotli), Baseline: baseline(shop.Brotli), Budget: atMost(4096, "≤ 4,096 B")},
		{What: "card stylesheet `buycard.css`, brotli", Unit: bytesUnit, Buycard: float64(sheet.Brotli), Baseline: nan},
		{What: "client WASM, raw", Unit: bytesUnit, Buycard: float64(wasm.Raw), Baseline: nan},
		{What: "client WASM, gzip", Unit: bytesUnit, Buycard: float64(wasm.Gzip), Baseline: nan},
		{What: "client WASM, brotli", Unit: bytesUnit, Buycard: float64(wasm.Brotli), Baseline: nan, Budget: atMost(1_450_000, "≤ 1,450,000 B")},
	}
	sec.Rows = append(sec.Rows, wasmRows...)
	cardRows, err := e.cardCaching(ctx)
	if err != nil {
		sec.Err = err
	}
	sec.Rows = append(sec.Rows, cardRows...)
	sec.Notes = sizeNotes(shopNote)
	return sec
}

// wasmSizes measures the WASM at its hashed URL and checks that it is
// served precompressed (the build's app.wasm.br, byte for byte) and
// cached immutably.
func (e *env) wasmSizes(ctx context.Context, webDir string) (Sizes, []Row, error) {
	appJS, err := fetchEncoded(ctx, e.host+"/app.js", "identity")
	if err != nil {
		return Sizes{}, nil, err
	}
	path, err := wasmPath(appJS.Body)
	if err != nil {
		return Sizes{}, nil, err
	}
	sizes, br, err := servedSizes(ctx, e.host+path)
	if err != nil {
		return sizes, nil, err
	}
	pre, _ := os.ReadFile(filepath.Join(webDir, "app.wasm.br"))
	immutable := strings.Contains(br.Header.Get("Cache-Control"), "immutable")
	return sizes, []Row{
		{What: "client WASM served precompressed (body = build's `app.wasm.br`)", Unit: yesNoUnit, Buycard: yes(bytes.Equal(br.Body, pre)), Baseline: math.NaN(), Budget: exactly(1, "yes")},
		{What: "client WASM at a content-hashed URL with `Cache-Control: immutable`", Unit: yesNoUnit, Buycard: yes(immutable), Baseline: math.NaN(), Budget: exactly(1, "yes")},
	}, nil
}

// cardCaching checks that card data is cacheable: public Cache-Control,
// an ETag, and 304 Not Modified for a request that names it.
func (e *env) cardCaching(ctx context.Context) ([]Row, error) {
	url := e.host + "/v1/cards?ids=" + strings.Join(e.widgets[:10], ",") + "&lang=en-US"
	first, err := fetchEncoded(ctx, url, "identity")
	if err != nil {
		return nil, err
	}
	etag := first.Header.Get("ETag")
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("If-None-Match", etag)
	resp, err := loopbackClient(1).Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	ok := etag != "" && strings.HasPrefix(first.Header.Get("Cache-Control"), "public") && resp.StatusCode == http.StatusNotModified
	return []Row{{What: "card data cacheable (`Cache-Control: public`, ETag, 304 on `If-None-Match`)", Unit: yesNoUnit, Buycard: yes(ok), Baseline: math.NaN(), Budget: exactly(1, "yes")}}, nil
}

// shopifySizes packs the Shopify Buy Button and measures its script. The
// note names the file, or says why there is none.
func shopifySizes(ctx context.Context, tmp string) (sizes Sizes, note string, err error) {
	dir := filepath.Join(tmp, "shopify")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Sizes{}, "not measured: " + err.Error(), err
	}
	name, data, err := shopifyScript(ctx, dir)
	if err != nil {
		return Sizes{}, "not measured: " + err.Error(), err
	}
	return compressedSizes(data), fmt.Sprintf("`%s` from `npm pack %s` (the package's minified browser build, the file a publisher's `<script>` loads)",
		strings.TrimPrefix(name, "package/"), shopifyPackage), nil
}

func sizeNotes(shopNote string) []string {
	return []string{
		"Buycard figures are the bodies the running server sends for `Accept-Encoding: identity`, `gzip` and `br` (the loader is compressed " +
			"at start at gzip 9 / brotli 11; the WASM comes precompressed from the build). The client WASM budget is read as 1.45 MB = 1,450,000 bytes.",
		"The Shopify script is " + shopNote + ", compressed here at gzip 9 / brotli 11 like Buycard's loader. " +
			"It is what a publisher's page loads before any tap; Buycard's counterpart is the loader (the WASM loads only on Buy intent, inside the overlay). " +
			"The Buy Button then builds an iframe per product; that cost is not counted here.",
	}
}

func yes(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
