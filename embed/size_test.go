package embed_test

import (
	"testing"

	"github.com/buycard/buycard/embed"
	"github.com/buycard/buycard/storefront"
)

// brotliBudget is the loader's size budget on the wire (DESIGN.md).
const brotliBudget = 4096

// TestLoaderSize builds the loader with the real card CSS, as the server
// does, and holds it to its budget.
func TestLoaderSize(t *testing.T) {
	l, err := embed.NewLoader(storefront.CardCSS)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range l.Files() {
		a := f.Asset()
		t.Logf("%s: raw %d, gzip %d, brotli %d bytes", f.LatestPath(), len(a.Raw), len(a.Gzip), len(a.Brotli))
	}
	if n := len(l.Asset().Brotli); n > brotliBudget {
		t.Fatalf("loader is %d bytes brotli, budget %d", n, brotliBudget)
	}
}
