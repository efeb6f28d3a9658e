package api

import (
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

	"github.com/buycard/buycard/backend/metrics"
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
//
// A key starts with its kind of response and a NUL ("cards\x00…"); the
// metrics count each kind's hits (a fresh entry, or a build another
// request was making) and misses (built) as a cache of that name.
type responseCache struct {
	ttl     time.Duration
	now     func() time.Time
	entries *lru.Cache[string, cachedResponse]
	builds  singleflight.Group
	lookups map[string]*metrics.Cache // by kind
}

// responseKinds are the kinds of response the cache keeps, as their keys
// start.
var responseKinds = []string{"cards", "page", "oembed", "feed"}

// cachedResponse is a built response body with its compressed forms.
type cachedResponse struct {
	asset *embed.Asset
	built time.Time
}

// maxCachedResponses bounds memory: card data for 10 cards is about 10 KB
// raw, so a full cache holds tens of megabytes at most.
const maxCachedResponses = 4096

// newResponseCache returns a cache whose entries live for ttl, its
// lookups counted in m; a ttl of 0 disables it (every call builds).
func newResponseCache(ttl time.Duration, now func() time.Time, m *metrics.Metrics) *responseCache {
	entries, _ := lru.New[string, cachedResponse](maxCachedResponses) // size > 0
	lookups := map[string]*metrics.Cache{}
	for _, kind := range responseKinds {
		lookups[kind] = m.Cache(kind)
	}
	return &responseCache{ttl: ttl, now: now, entries: entries, lookups: lookups}
}

// get returns the response for key, building it with build when missing or
// older than the cache's TTL. Errors are not cached.
func (rc *responseCache) get(key string, build func() (*embed.Asset, error)) (cachedResponse, error) {
	kind, _, _ := strings.Cut(key, "\x00")
	lookups := rc.lookups[kind]
	if e, ok := rc.entries.Get(key); ok && rc.fresh(e) {
		lookups.Lookup(true)
		return e, nil
	}
	built := false
	v, err, _ := rc.builds.Do(key, func() (any, error) {
		built = true
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
	lookups.Lookup(!built)
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
