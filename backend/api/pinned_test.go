package api_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/embed"
	"github.com/buycard/buycard/storefront"
)

// olderLoader is a build of the loader other than this binary's, as a node
// before a deploy served it.
var olderLoader = sync.OnceValues(func() (*embed.Loader, error) {
	return embed.NewLoader(storefront.CardCSS + ".bc-older-build{}")
})

// pinReads counts the reads of pinned builds, to check the node's cache.
type pinReads struct {
	buycard.PinnedAssetService
	n atomic.Int32
}

func (r *pinReads) FindPinnedAsset(ctx context.Context, name string) (*buycard.PinnedAsset, error) {
	r.n.Add(1)
	return r.PinnedAssetService.FindPinnedAsset(ctx, name)
}

// newDeployedServer is a node deployed over one that served older: older
// recorded its build in the database they share, then this node started.
// reads counts the node's reads of recorded builds.
func newDeployedServer(t *testing.T) (ts *testServer, older *embed.Loader, reads *pinReads) {
	t.Helper()
	older, err := olderLoader()
	must(t, err)
	reads = new(pinReads)
	ts = newTestServerWith(t, func(_ *api.Config, svc *api.Services) {
		reads.PinnedAssetService = svc.Catalog.(buycard.PinnedAssetService)
		svc.Pinned = reads
	})
	before := ts.Services
	before.Loader = older
	must(t, api.New(ts.Server.Config, before).PinAssets(t.Context()))
	must(t, ts.PinAssets(t.Context()))
	return ts, older, reads
}

func TestPinnedLoaderAfterDeploy(t *testing.T) {
	t.Parallel()
	ts, older, reads := newDeployedServer(t)
	if older.VersionedPath() == ts.Loader.VersionedPath() {
		t.Fatal("the older build is this one")
	}
	wantPinned(t, ts, older.Pinned)
	wantPinned(t, ts, ts.Loader.Pinned)
	// A popular old build is read once, then served from memory.
	if n := reads.n.Load(); n != 1 {
		t.Errorf("%d reads of recorded builds, want 1", n)
	}
	// Both builds are recorded once: a restart records nothing new.
	must(t, ts.PinAssets(t.Context()))
	for _, l := range []*embed.Loader{older, ts.Loader} {
		a, err := ts.db.FindPinnedAsset(t.Context(), strings.TrimPrefix(l.VersionedPath(), "/"))
		must(t, err)
		if string(a.Data) != string(l.Asset().Raw) || a.ContentType != l.Asset().ContentType {
			t.Errorf("recorded %s = %s, %d bytes", a.Name, a.ContentType, len(a.Data))
		}
	}
}

// TestPinnedLoaderUnknown answers 404, not cached, for a build nobody
// recorded, and for client text that is no build's name, read nowhere.
func TestPinnedLoaderUnknown(t *testing.T) {
	t.Parallel()
	ts, older, reads := newDeployedServer(t)
	olderHash := strings.TrimSuffix(strings.TrimPrefix(older.VersionedPath(), "/buycard."), ".js")
	for _, tt := range []struct {
		name, path string
		reads      int32
	}{
		{"unknown", "/buycard.0000000000000000.js", 1},
		{"short", "/buycard.abc.js", 0},
		{"long", "/buycard." + olderHash + "0.js", 0},
		{"upper case", "/buycard." + strings.ToUpper(olderHash) + ".js", 0},
		{"dots", "/buycard.0000.0000.0000.00.js", 0},
		{"escaped", "/buycard.%2e%2e%2f0000000000.js", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := reads.n.Load()
			resp, body := ts.do(t, "GET", tt.path, "", "")
			if resp.StatusCode != 404 || resp.Header.Get("Cache-Control") != "no-store" || strings.Contains(body, string(older.Asset().Raw[:64])) {
				t.Errorf("%s = %d, Cache-Control %q: %.80s", tt.path, resp.StatusCode, resp.Header.Get("Cache-Control"), body)
			}
			if n := reads.n.Load() - before; n != tt.reads {
				t.Errorf("%s: %d reads of recorded builds, want %d", tt.path, n, tt.reads)
			}
		})
	}
}

// TestPinnedLoaderCorrupt refuses to serve a recorded build whose bytes
// are not what its name says: its URL would serve other bytes than it
// names, failing its SRI in every browser.
func TestPinnedLoaderCorrupt(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	name := "buycard.0123456789abcdef.js"
	must(t, ts.db.PinAsset(t.Context(), &buycard.PinnedAsset{Name: name, ContentType: "text/javascript; charset=utf-8", Data: []byte("alert(1)")}))
	resp, body := ts.do(t, "GET", "/"+name, "", "")
	if resp.StatusCode != 500 || strings.Contains(body, "alert") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("corrupt build = %d, Cache-Control %q: %s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
}
