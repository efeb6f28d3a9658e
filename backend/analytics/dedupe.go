package analytics

import (
	"hash/maphash"
	"sync"
	"time"
)

// seenShards spreads the set over locks so that concurrent batches rarely
// wait for each other.
const seenShards = 64

// seenSet remembers which (page view, type, widget, placement) were
// counted, for between window/2 and window, in bounded memory. It keeps a
// 64-bit hash of each, not the strings: no allocation per event, and a
// false "seen" needs a hash collision among at most a few million entries.
//
// Each shard has two generations: new entries go into the current one, a
// lookup checks both, and when the current one is window/2 old or full it
// becomes the previous one and the previous one is dropped.
type seenSet struct {
	seed   maphash.Seed
	half   time.Duration
	limit  int // entries per generation per shard
	shards [seenShards]seenShard
}

type seenShard struct {
	mu        sync.Mutex
	cur, prev map[uint64]struct{}
	since     time.Time // when cur started
}

// newSeenSet returns a set that remembers for window, holding at most
// about 2×capacity entries.
func newSeenSet(window time.Duration, capacity int) *seenSet {
	s := &seenSet{seed: maphash.MakeSeed(), half: window / 2, limit: max(capacity/seenShards, 1)}
	for i := range s.shards {
		s.shards[i].cur = map[uint64]struct{}{}
	}
	return s
}

// seen records the key of parts at now and reports whether it was
// already there.
func (s *seenSet) seen(now time.Time, parts ...string) bool {
	var h maphash.Hash
	h.SetSeed(s.seed)
	for _, p := range parts {
		h.WriteString(p)
		h.WriteByte(0)
	}
	key := h.Sum64()
	sh := &s.shards[key%seenShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if age := now.Sub(sh.since); age >= s.half || len(sh.cur) >= s.limit {
		sh.prev, sh.cur, sh.since = sh.cur, make(map[uint64]struct{}, len(sh.cur)), now
		if age >= 2*s.half {
			sh.prev = nil // all of it is older than the window
		}
	}
	if _, ok := sh.cur[key]; ok {
		return true
	}
	if _, ok := sh.prev[key]; ok {
		return true
	}
	sh.cur[key] = struct{}{}
	return false
}
