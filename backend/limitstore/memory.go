package limitstore

import (
	"slices"
	"sync"
	"time"
)

// minSweep is the size below which memory does not bother sweeping.
const minSweep = 10_000

// memory is Operations in this process: a map whose entries expire. It
// drops expired entries whenever it has doubled since it last did, so that
// a flood of fresh keys (a client rotating addresses) costs constant time
// per Set on average and memory in proportion to the live entries.
type memory struct {
	now func() time.Time

	mu        sync.Mutex
	m         map[string]entry
	sweepSize int // the size at which to sweep next
}

type entry struct {
	val   []byte
	until time.Time // zero: never expires
}

func newMemory(now func() time.Time) *memory {
	return &memory{now: now, m: make(map[string]entry), sweepSize: minSweep}
}

func (e entry) expired(now time.Time) bool {
	return !e.until.IsZero() && !now.Before(e.until)
}

func (m *memory) Get(key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[key]
	if !ok || e.expired(m.now()) {
		return nil, nil
	}
	return e.val, nil
}

// Set keeps a copy of val, which the caller may reuse.
func (m *memory) Set(key string, val []byte, exp time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if len(m.m) >= m.sweepSize {
		m.sweep(now)
	}
	e := entry{val: slices.Clone(val)}
	if exp > 0 {
		e.until = now.Add(exp)
	}
	m.m[key] = e
	return nil
}

// sweep drops expired entries and sets the size of the next sweep.
func (m *memory) sweep(now time.Time) {
	for k, e := range m.m {
		if e.expired(now) {
			delete(m.m, k)
		}
	}
	m.sweepSize = max(minSweep, 2*len(m.m))
}

func (m *memory) Delete(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
	return nil
}

func (m *memory) Reset() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.m)
	m.sweepSize = minSweep
	return nil
}
