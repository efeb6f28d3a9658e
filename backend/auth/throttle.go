package auth

import (
	"encoding/json"
	"sync"
	"time"
)

// Storage is the key-value storage the throttle counts in: fiber.Storage
// (Redis, shared by the nodes) fits, and MemoryStorage keeps counts in
// this process.
type Storage interface {
	Get(key string) ([]byte, error)
	Set(key string, val []byte, exp time.Duration) error
	Delete(key string) error
}

// Throttle counts failed attempts per key (an email, a client IP) in a
// fixed window: after Max failures, the key is refused until the window
// that began with its first failure ends. A success does not reset the
// count of an IP, so that one valid account does not launder guesses at
// others; callers reset an email's count on its successful login.
//
// Counts are read and written back, not incremented atomically, so nodes
// racing on one key may each miss the other's failure: the limit is
// approximate across nodes, which is enough to make guessing slow.
type Throttle struct {
	Storage Storage
	Max     int
	Window  time.Duration
	Now     func() time.Time
}

// count is a key's failures and when its window ends.
type count struct {
	N     int       `json:"n"`
	Until time.Time `json:"u"`
}

// RetryAfter returns how long key is refused, 0 when it is not.
func (t *Throttle) RetryAfter(key string) time.Duration {
	c := t.get(key)
	if c.N < t.Max {
		return 0
	}
	return max(c.Until.Sub(t.Now()), time.Second)
}

// Fail counts a failed attempt of key.
func (t *Throttle) Fail(key string) error {
	c, now := t.get(key), t.Now()
	if c.N == 0 {
		c.Until = now.Add(t.Window)
	}
	c.N++
	b, _ := json.Marshal(c) // a plain struct always encodes
	return t.Storage.Set(key, b, c.Until.Sub(now))
}

// Reset forgets key's failures.
func (t *Throttle) Reset(key string) error {
	return t.Storage.Delete(key)
}

// get reads key's count; an unreadable or past one is zero.
func (t *Throttle) get(key string) count {
	var c count
	b, err := t.Storage.Get(key)
	if err != nil || b == nil || json.Unmarshal(b, &c) != nil || !t.Now().Before(c.Until) {
		return count{}
	}
	return c
}

// MemoryStorage is a Storage in this process's memory.
type MemoryStorage struct {
	mu sync.Mutex
	m  map[string]memoryEntry
}

type memoryEntry struct {
	val   []byte
	until time.Time
}

// Get returns the value of key, nil when absent or expired.
func (s *MemoryStorage) Get(key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok || time.Now().After(e.until) {
		return nil, nil
	}
	return e.val, nil
}

// Set stores val under key for exp, dropping expired entries now and then
// so that the map does not grow without bound.
func (s *MemoryStorage) Set(key string, val []byte, exp time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]memoryEntry)
	}
	if len(s.m) >= 10000 {
		now := time.Now()
		for k, e := range s.m {
			if now.After(e.until) {
				delete(s.m, k)
			}
		}
	}
	s.m[key] = memoryEntry{val: val, until: time.Now().Add(exp)}
	return nil
}

// Delete removes key.
func (s *MemoryStorage) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}
