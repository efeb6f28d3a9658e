package analytics

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// memoryCounters are Counters in this node's memory: one countSet per
// TTL asked for (the Ingestor asks for two), each bounded.
type memoryCounters struct {
	capacity int // entries per set, about

	mu   sync.Mutex
	sets map[time.Duration]*countSet
}

func newMemoryCounters(capacity int) *memoryCounters {
	return &memoryCounters{capacity: capacity, sets: map[time.Duration]*countSet{}}
}

// Incr implements Counters; it never fails.
func (m *memoryCounters) Incr(_ context.Context, ttl time.Duration, keys []string) ([]int64, error) {
	set, now := m.set(ttl), time.Now()
	counts := make([]int64, len(keys))
	for i, k := range keys {
		counts[i] = set.add(now, k)
	}
	return counts, nil
}

func (m *memoryCounters) set(ttl time.Duration) *countSet {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sets[ttl] == nil {
		m.sets[ttl] = newCountSet(ttl, m.capacity)
	}
	return m.sets[ttl]
}

// countShards spreads a set over locks so that concurrent batches rarely
// wait for each other.
const countShards = 64

// countSet counts keys for between window/2 and window after their first
// add, in bounded memory. It keeps a 64-bit hash of each key, not the
// string: a false count needs a hash collision among at most a few
// million entries.
//
// Each shard has two generations: new keys go into the current one, an
// add finds a key in either, and when the current one is window/2 old or
// full it becomes the previous one and the previous one is dropped.
type countSet struct {
	seed   maphash.Seed
	half   time.Duration
	limit  int // entries per generation per shard
	shards [countShards]countShard
}

type countShard struct {
	mu        sync.Mutex
	cur, prev map[uint64]int64
	since     time.Time // when cur started
}

// newCountSet returns a set that counts for window, holding at most
// about 2×capacity entries.
func newCountSet(window time.Duration, capacity int) *countSet {
	s := &countSet{seed: maphash.MakeSeed(), half: window / 2, limit: max(capacity/countShards, 1)}
	for i := range s.shards {
		s.shards[i].cur = map[uint64]int64{}
	}
	return s
}

// add adds one to key's count at now and returns the count.
func (s *countSet) add(now time.Time, key string) int64 {
	h := maphash.String(s.seed, key)
	sh := &s.shards[h%countShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.rotate(now, s.half, s.limit)
	gen := sh.cur
	if _, ok := sh.prev[h]; ok {
		gen = sh.prev // counted since its first add, not refreshed
	}
	gen[h]++
	return gen[h]
}

// rotate starts a new generation when the current one is half a window
// old or full.
func (sh *countShard) rotate(now time.Time, half time.Duration, limit int) {
	age := now.Sub(sh.since)
	if age < half && len(sh.cur) < limit {
		return
	}
	sh.prev, sh.cur, sh.since = sh.cur, make(map[uint64]int64, len(sh.cur)), now
	if age >= 2*half {
		sh.prev = nil // all of it is older than the window
	}
}
