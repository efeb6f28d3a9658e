package api

import (
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

	"github.com/buycard/buycard/embed"
)

// responseCache keeps recently built public responses (card data, product
// pages) for a few seconds, compressed once, so that a busy page's repeated
// requests cost a map lookup instead of SQL, rendering and brotli. Entries
// are keyed by everything the response depends on; concurrent misses for
// one key build it once.
//
// The few seconds an entry lives are added to what browsers and CDNs may
// cache: handlers shorten their max-age by the entry's age, so the total
// staleness never exceeds the response's own TTL.
type responseCache struct {
	ttl     time.Duration
	now     func() time.Time
	entries *lru.Cache[string, cachedResponse]
	builds  singleflight.Group
}

// cachedResponse is a built response body with its compressed forms.
type cachedResponse struct {
	asset *embed.Asset
	built time.Time
}

// maxCachedResponses bounds memory: card data for 10 cards is about 10 KB
// raw, so a full cache holds tens of megabytes at most.
const maxCachedResponses = 4096

// newResponseCache returns a cache whose entries live for ttl; a ttl of 0
// disables it (every call builds).
func newResponseCache(ttl time.Duration, now func() time.Time) *responseCache {
	entries, _ := lru.New[string, cachedResponse](maxCachedResponses) // size > 0
	return &responseCache{ttl: ttl, now: now, entries: entries}
}

// get returns the response for key, building it with build when missing or
// older than the cache's TTL. Errors are not cached.
func (rc *responseCache) get(key string, build func() (*embed.Asset, error)) (cachedResponse, error) {
	if e, ok := rc.entries.Get(key); ok && rc.fresh(e) {
		return e, nil
	}
	v, err, _ := rc.builds.Do(key, func() (any, error) {
		a, err := build()
		if err != nil {
			return cachedResponse{}, err
		}
		e := cachedResponse{asset: a, built: rc.now()}
		if rc.ttl > 0 {
			rc.entries.Add(key, e)
		}
		return e, nil
	})
	return v.(cachedResponse), err
}

func (rc *responseCache) fresh(e cachedResponse) bool {
	return rc.now().Sub(e.built) < rc.ttl
}

// maxAge is how long a client may still cache a response of ttl whose
// entry was built at e.built, in whole seconds, never below 0.
func (rc *responseCache) maxAge(e cachedResponse, ttl time.Duration) int {
	left := ttl - rc.now().Sub(e.built)
	return max(0, int(left/time.Second))
}
