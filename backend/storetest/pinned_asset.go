package storetest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// newPinnedAsset is a build under a fresh name.
func newPinnedAsset() *buycard.PinnedAsset {
	return &buycard.PinnedAsset{
		Name:        "buycard." + hex.EncodeToString([]byte(rand.Text())[:8]) + ".js",
		ContentType: "text/javascript; charset=utf-8",
		Data:        []byte("(()=>{/* a loader build */})();\x00\xff" + rand.Text()),
		CreatedAt:   time.Now().UTC().Truncate(time.Microsecond),
	}
}

// testPinnedAssets records builds once: the same build again changes
// nothing, other content under a recorded name is refused.
func testPinnedAssets(t *testing.T, s Store) {
	ctx := t.Context()
	a := newPinnedAsset()
	_, err := s.FindPinnedAsset(ctx, a.Name)
	wantError(t, err, buycard.ENOTFOUND, "No pinned asset "+a.Name+".")

	must(t, s.PinAsset(ctx, a))
	again := *a
	again.Data = bytes.Clone(a.Data)
	again.CreatedAt = a.CreatedAt.Add(time.Hour)
	must(t, s.PinAsset(ctx, &again)) // a restart, or another node
	wantPinned(t, s, a)

	for _, tt := range []struct {
		name string
		edit func(*buycard.PinnedAsset)
	}{
		{"other bytes", func(b *buycard.PinnedAsset) { b.Data = append(bytes.Clone(b.Data), ';') }},
		{"other content type", func(b *buycard.PinnedAsset) { b.ContentType = "text/plain" }},
	} {
		other := *a
		tt.edit(&other)
		wantError(t, s.PinAsset(ctx, &other), buycard.ECONFLICT, a.Name+" is pinned with other content; a pinned URL never changes.")
	}
	wantPinned(t, s, a)
}

// wantPinned checks that a is stored as it was first recorded.
func wantPinned(t *testing.T, s Store, a *buycard.PinnedAsset) {
	t.Helper()
	got, err := s.FindPinnedAsset(t.Context(), a.Name)
	must(t, err)
	if got.Name != a.Name || got.ContentType != a.ContentType || !bytes.Equal(got.Data, a.Data) || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("pinned %s = %q %q %v, want %q %q %v", a.Name, got.ContentType, got.Data, got.CreatedAt, a.ContentType, a.Data, a.CreatedAt)
	}
}

// testPinnedAssetRejected refuses what a store would not keep, and stores
// none of it.
func testPinnedAssetRejected(t *testing.T, s Store) {
	for _, tt := range []struct {
		name string
		edit func(*buycard.PinnedAsset)
	}{
		{"path in the name", func(a *buycard.PinnedAsset) { a.Name = "../buycard.0123456789abcdef.js" }},
		{"upper-case hash", func(a *buycard.PinnedAsset) { a.Name = "buycard.0123456789ABCDEF.js" }},
		{"short hash", func(a *buycard.PinnedAsset) { a.Name = "buycard.0123.js" }},
		{"no extension", func(a *buycard.PinnedAsset) { a.Name = strings.TrimSuffix(a.Name, ".js") }},
		{"no content type", func(a *buycard.PinnedAsset) { a.ContentType = "" }},
		{"no bytes", func(a *buycard.PinnedAsset) { a.Data = nil }},
		{"too many bytes", func(a *buycard.PinnedAsset) { a.Data = make([]byte, buycard.MaxPinnedAssetBytes+1) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newPinnedAsset()
			tt.edit(a)
			wantCode(t, tt.name, s.PinAsset(t.Context(), a), buycard.EINVALID)
			_, err := s.FindPinnedAsset(t.Context(), a.Name)
			wantCode(t, tt.name+" stored", err, buycard.ENOTFOUND)
		})
	}
}

// testConcurrentPins is a deploy: many nodes start with the same build at
// once, and every one of them records it without an error.
func testConcurrentPins(t *testing.T, s Store) {
	a := newPinnedAsset()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			b := *a
			b.CreatedAt = a.CreatedAt.Add(time.Duration(i) * time.Second)
			errs[i] = s.PinAsset(t.Context(), &b)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: %v", i, err)
		}
	}
	got, err := s.FindPinnedAsset(t.Context(), a.Name)
	must(t, err)
	if !bytes.Equal(got.Data, a.Data) {
		t.Errorf("pinned bytes = %q, want %q", got.Data, a.Data)
	}
}
