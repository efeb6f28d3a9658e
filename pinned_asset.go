package buycard

import (
	"context"
	"regexp"
	"time"
)

// PinnedAsset is one build of a file that publishers load from a
// content-hashed URL with Subresource Integrity, such as the loader at
// /buycard.HASH.js. Every build a node has served is kept where every node
// reads it (the database), so that a pinned URL answers with the same
// bytes for ever, whichever node answers and however many deploys later.
type PinnedAsset struct {
	// Name is the URL's path without its slash: "buycard.HASH.js", HASH
	// being 16 lower-case hex digits (the first 8 bytes of the SHA-256 of
	// Data, as embed.Asset names it).
	Name        string
	ContentType string
	Data        []byte
	CreatedAt   time.Time // when a node first recorded it
}

// MaxPinnedAssetBytes bounds a pinned asset: the loader is about 10 KB.
const MaxPinnedAssetBytes = 1 << 20

// pinnedAssetName is the shape of PinnedAsset.Name.
var pinnedAssetName = regexp.MustCompile(`^[a-z]+\.[0-9a-f]{16}\.[a-z]+$`)

// ValidPinnedAssetName reports whether name has the shape of a
// PinnedAsset's. A name built from a URL is client text: check it before
// any lookup.
func ValidPinnedAssetName(name string) bool { return pinnedAssetName.MatchString(name) }

// Validate reports an asset a store would not keep: a name of another
// shape, no content type, no bytes or too many.
func (a *PinnedAsset) Validate() error {
	switch {
	case !ValidPinnedAssetName(a.Name):
		return Errorf(EINVALID, "A pinned asset's name looks like buycard.0123456789abcdef.js.")
	case a.ContentType == "":
		return Errorf(EINVALID, "A pinned asset needs a content type.")
	case len(a.Data) == 0 || len(a.Data) > MaxPinnedAssetBytes:
		return Errorf(EINVALID, "A pinned asset has 1 to %d bytes.", MaxPinnedAssetBytes)
	}
	return nil
}

// PinnedAssetService keeps the builds of pinned assets.
type PinnedAssetService interface {
	// PinAsset records a build, once: recording the same name, content
	// type and bytes again (another node, a restart) changes nothing.
	// Errors: EINVALID (see Validate), ECONFLICT (the name is recorded
	// with other content; a pinned URL never changes what it serves).
	PinAsset(ctx context.Context, a *PinnedAsset) error
	// FindPinnedAsset returns the build recorded under name. Errors:
	// ENOTFOUND.
	FindPinnedAsset(ctx context.Context, name string) (*PinnedAsset, error)
}
