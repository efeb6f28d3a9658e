package limitstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/failover"
)

// shared is a Storage that fails while down, as an unreachable Redis does,
// and counts the calls it gets.
type shared struct {
	mu    sync.Mutex
	data  *memory
	down  bool
	calls int
}

var errDown = errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")

func newShared(now func() time.Time) *shared { return &shared{data: newMemory(now)} }

func (s *shared) setDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

func (s *shared) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// call counts a call and fails it while down.
func (s *shared) call() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.down {
		return errDown
	}
	return nil
}

func (s *shared) Get(key string) ([]byte, error) {
	if err := s.call(); err != nil {
		return nil, err
	}
	return s.data.Get(key)
}

func (s *shared) Set(key string, val []byte, exp time.Duration) error {
	if err := s.call(); err != nil {
		return err
	}
	return s.data.Set(key, val, exp)
}

func (s *shared) Delete(key string) error {
	if err := s.call(); err != nil {
		return err
	}
	return s.data.Delete(key)
}

func (s *shared) Reset() error {
	if err := s.call(); err != nil {
		return err
	}
	return s.data.Reset()
}

func (s *shared) Close() error { return nil }

// logs is a slog.Handler that counts the records of each level.
type logs struct {
	mu sync.Mutex
	n  map[slog.Level]int
}

func (l *logs) Enabled(context.Context, slog.Level) bool { return true }
func (l *logs) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logs) WithGroup(string) slog.Handler            { return l }

func (l *logs) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n[r.Level]++
	return nil
}

// count is how many records of level were logged.
func (l *logs) count(level slog.Level) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n[level]
}

// clock is a test clock safe for concurrent readers.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a store over a shared storage, with its clock and logs.
type fixture struct {
	store  *Store
	shared *shared
	clock  *clock
	logs   *logs
}

func newFixture() *fixture {
	f := &fixture{clock: &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}, logs: &logs{n: map[slog.Level]int{}}}
	f.shared = newShared(f.clock.now)
	f.store = New(f.shared, slog.New(f.logs), f.clock.now)
	return f
}

// wantLines checks how many warnings and info lines were logged.
func (f *fixture) wantLines(t *testing.T, warnings, infos int) {
	t.Helper()
	if w, i := f.logs.count(slog.LevelWarn), f.logs.count(slog.LevelInfo); w != warnings || i != infos {
		t.Errorf("%d warnings and %d info lines, want %d and %d", w, i, warnings, infos)
	}
}

func (f *fixture) get(t *testing.T, key string) string {
	t.Helper()
	v, err := f.store.Get(key)
	if err != nil {
		t.Fatalf("Get(%q) = %v, want no error ever", key, err)
	}
	return string(v)
}

func (f *fixture) set(t *testing.T, key, val string) {
	t.Helper()
	if err := f.store.Set(key, []byte(val), time.Minute); err != nil {
		t.Fatalf("Set(%q) = %v, want no error ever", key, err)
	}
}

// TestEveryOperationFailsOpen runs each operation as the first one of an
// outage: none returns an error, each does its work in memory, and the
// outage is logged once.
func TestEveryOperationFailsOpen(t *testing.T) {
	tests := []struct {
		name string
		op   func(t *testing.T, f *fixture)
		want string // what "k" holds afterwards
	}{
		{"get", func(t *testing.T, f *fixture) { f.get(t, "k") }, ""},
		{"set", func(t *testing.T, f *fixture) { f.set(t, "k", "memory") }, "memory"},
		{"delete", func(t *testing.T, f *fixture) {
			if err := f.store.Delete("k"); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"reset", func(t *testing.T, f *fixture) {
			if err := f.store.Reset(); err != nil {
				t.Fatal(err)
			}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture()
			f.set(t, "k", "shared")
			f.shared.setDown(true)
			tt.op(t, f)
			if got := f.get(t, "k"); got != tt.want {
				t.Errorf("k = %q during the outage, want %q", got, tt.want)
			}
			for range 10 {
				f.set(t, "k", "memory")
			}
			f.wantLines(t, 1, 0)
		})
	}
}

// TestOutageWaitsForTheRetry checks that during an outage the shared
// storage is tried once per failover.RetryEvery, not once per operation.
func TestOutageWaitsForTheRetry(t *testing.T) {
	t.Parallel()
	f := newFixture()
	f.shared.setDown(true)
	f.get(t, "k") // fails over
	calls := f.shared.callCount()
	for range 100 {
		f.set(t, "k", "v")
		f.clock.add(failover.RetryEvery / 200)
	}
	if got := f.shared.callCount() - calls; got != 0 {
		t.Errorf("the shared storage was tried %d times within failover.RetryEvery, want 0", got)
	}
	f.clock.add(failover.RetryEvery)
	f.get(t, "k")
	f.get(t, "k")
	if got := f.shared.callCount() - calls; got != 1 {
		t.Errorf("the shared storage was tried %d times after failover.RetryEvery, want once", got)
	}
	f.wantLines(t, 1, 0)
}

// TestBackToSharedWhenItAnswers counts in memory during an outage and in
// the shared storage again once it answers, with one line each way.
func TestBackToSharedWhenItAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture()
	f.set(t, "k", "before")
	f.shared.setDown(true)
	f.set(t, "k", "during")
	if got := f.get(t, "k"); got != "during" {
		t.Fatalf("k = %q during the outage, want this node's count", got)
	}
	f.shared.setDown(false)
	if got := f.get(t, "k"); got != "during" {
		t.Errorf("k = %q before the retry, want this node's count", got)
	}
	f.clock.add(failover.RetryEvery)
	if got := f.get(t, "k"); got != "before" {
		t.Errorf("k = %q after the retry, want the shared count", got)
	}
	f.set(t, "k", "after")
	if got, _ := f.shared.data.Get("k"); string(got) != "after" {
		t.Errorf("shared k = %q, want the write to go there again", got)
	}
	f.wantLines(t, 1, 1)
	// A second outage is a second warning.
	f.shared.setDown(true)
	f.get(t, "k")
	f.wantLines(t, 2, 1)
}

// TestOneWarningUnderConcurrency runs many operations at once through an
// outage and a recovery (run it with -race).
func TestOneWarningUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := newFixture()
	f.shared.setDown(true)
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			for j := range 50 {
				key := fmt.Sprint("k", i%4)
				f.set(t, key, fmt.Sprint(j))
				f.get(t, key)
			}
		})
	}
	wg.Wait()
	f.shared.setDown(false)
	f.clock.add(failover.RetryEvery)
	for i := range 32 {
		wg.Go(func() { f.get(t, fmt.Sprint("k", i%4)) })
	}
	wg.Wait()
	f.wantLines(t, 1, 1)
}

// TestMemoryOnly is a store without a shared storage.
func TestMemoryOnly(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := New(nil, slog.New(slog.DiscardHandler), c.now)
	if err := s.Set("k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("forever", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		after time.Duration
		key   string
		want  string
	}{
		{"live", 59 * time.Second, "k", "v"},
		{"expired", time.Second, "k", ""},
		{"no expiry", 24 * time.Hour, "forever", "v"},
	}
	for _, tt := range tests {
		c.add(tt.after)
		if got, err := s.Get(tt.key); string(got) != tt.want || err != nil {
			t.Errorf("%s: Get(%q) = %q, %v, want %q", tt.name, tt.key, got, err, tt.want)
		}
	}
}

// TestMemorySweepsExpiredKeys floods memory with short-lived keys: it
// keeps about the live ones, not all it was ever given.
func TestMemorySweepsExpiredKeys(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	m := newMemory(c.now)
	for i := range 10 * minSweep {
		m.Set(fmt.Sprint("flood", i), []byte("v"), time.Second)
		if i%1000 == 0 {
			c.add(time.Second)
		}
	}
	if n := len(m.m); n > 2*minSweep {
		t.Errorf("memory holds %d entries after a flood of expiring keys, want at most %d", n, 2*minSweep)
	}
	val := []byte("v")
	m.Set("copy", val, time.Minute)
	val[0] = 'x'
	if got, _ := m.Get("copy"); string(got) != "v" {
		t.Errorf("stored value changed with the caller's slice: %q", got)
	}
}
