package api

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
)

// pinnedAssets are this node's builds of the files publishers pin with
// SRI at /buycard.HASH.EXT, by EXT. Every build a node serves is recorded
// (PinAssets), and any node serves any recorded build (servePinned), so a
// pinned snippet keeps working after every deploy.
func (s *Server) pinnedAssets() map[string]*embed.Asset {
	out := make(map[string]*embed.Asset)
	for _, f := range s.Loader.Files() {
		out[strings.TrimPrefix(path.Ext(f.LatestPath()), ".")] = f.Asset()
	}
	return out
}

// pinnedName is the name of a pinned asset's build: its URL path without
// the slash.
func pinnedName(hash, ext string) string { return "buycard." + hash + "." + ext }

// PinAssets records this node's builds of the pinned assets in the store
// the nodes share. Main calls it before the node serves, so that by the
// time a snippet names a build every node of the fleet can serve it, the
// nodes a rolling deploy has not replaced yet included.
func (s *Server) PinAssets(ctx context.Context) error {
	if s.Pinned == nil {
		return nil
	}
	for ext, a := range s.pinnedAssets() {
		err := s.Pinned.PinAsset(ctx, &buycard.PinnedAsset{Name: pinnedName(a.Hash, ext), ContentType: a.ContentType, Data: a.Raw})
		if err != nil {
			return err
		}
	}
	return nil
}

// servePinned serves a build of a pinned asset that is not this node's,
// as recorded by the node that built it. An unknown build is not cached:
// a node of a rolling deploy may record it a moment later.
func (s *Server) servePinned(ext string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		a, err := s.pinned.get(c.UserContext(), pinnedName(c.Params("hash"), ext))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
		return sendAsset(c, a, cacheImmutable)
	}
}

// maxPinnedBuilds bounds the builds a node keeps in memory; a loader
// build is about 15 KB with its compressed forms.
const maxPinnedBuilds = 64

// pinnedBuilds holds the recorded builds this node served, compressed
// once: a popular old build costs a map lookup, not a database read and
// brotli, per request. Builds never change, so entries never go stale.
type pinnedBuilds struct {
	store   buycard.PinnedAssetService // nil: no build but this node's
	entries *lru.Cache[string, *embed.Asset]
	loads   singleflight.Group
}

func newPinnedBuilds(store buycard.PinnedAssetService) *pinnedBuilds {
	entries, _ := lru.New[string, *embed.Asset](maxPinnedBuilds) // size > 0
	return &pinnedBuilds{store: store, entries: entries}
}

// get returns the build recorded under name; concurrent misses read it
// once. name holds client text: its shape is checked before any lookup.
func (pb *pinnedBuilds) get(ctx context.Context, name string) (*embed.Asset, error) {
	if pb.store == nil || !buycard.ValidPinnedAssetName(name) {
		return nil, noSuchBuild()
	}
	if a, ok := pb.entries.Get(name); ok {
		return a, nil
	}
	v, err, _ := pb.loads.Do(name, func() (any, error) {
		a, err := pb.load(ctx, name)
		if err == nil {
			pb.entries.Add(name, a)
		}
		return a, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*embed.Asset), nil
}

// load reads a build and checks that its bytes are what its name says,
// so that a URL never serves other bytes than it names (nor fails its
// SRI in every browser).
func (pb *pinnedBuilds) load(ctx context.Context, name string) (*embed.Asset, error) {
	p, err := pb.store.FindPinnedAsset(ctx, name)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND {
		return nil, noSuchBuild()
	}
	if err != nil {
		return nil, err
	}
	a := embed.NewAsset(p.ContentType, p.Data)
	if _, hash, _ := strings.Cut(name, "."); !strings.HasPrefix(hash, a.Hash+".") {
		return nil, fmt.Errorf("pinned asset %s: its stored bytes hash to %s", name, a.Hash)
	}
	return a, nil
}

func noSuchBuild() error {
	return buycard.Errorf(buycard.ENOTFOUND, "No such version; /buycard.js and /buycard.css are always the latest.")
}
