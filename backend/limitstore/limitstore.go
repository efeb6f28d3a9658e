// Package limitstore is the storage that every rate limit and sign-in
// throttle of a node counts in: the checkout limits (Fiber's limiter
// middleware) and the failed sign-in throttles (backend/auth) alike.
//
// With a shared storage (Redis, when BUYCARD_REDIS_URL is set) the nodes
// count together; without one, each node counts in its own memory. Limits
// are a brake on abuse, so trouble with Redis must neither refuse requests
// nor release the brake: an operation the shared storage fails is done in
// this node's memory instead, and so is every operation after it until the
// shared storage answers again. Callers never see an error. Each node then
// limits on its own, which is looser than a shared limit by the number of
// nodes, but still a limit.
//
// The operator sees one warning when the shared storage stops answering
// and one info line when it answers again, not a line per request
// (backend/failover, which the analytics counters use too).
package limitstore

import (
	"log/slog"
	"time"

	"github.com/buycard/buycard/backend/failover"
)

// Operations are what limiters do with a storage.
type Operations interface {
	// Get returns the value of key, nil when there is none.
	Get(key string) ([]byte, error)
	// Set stores val under key for exp (0: without expiry).
	Set(key string, val []byte, exp time.Duration) error
	// Delete removes key.
	Delete(key string) error
	// Reset removes every key.
	Reset() error
}

// Storage is a shared key-value storage with expiry: fiber.Storage, which
// gofiber/storage/redis implements (backend/redisstore opens it).
type Storage interface {
	Operations
	Close() error
}

// Store is a Storage whose operations never fail: they go to the shared
// storage while it answers and to this node's memory while it does not
// (failover.Switch decides). It is safe for concurrent use.
type Store struct {
	shared Storage // nil: memory only
	memory *memory
	route  *failover.Switch
}

// New returns a store counting in shared, or in memory only when shared is
// nil. It logs outages to log and reads the time from now.
func New(shared Storage, log *slog.Logger, now func() time.Time) *Store {
	return &Store{shared: shared, memory: newMemory(now), route: failover.New("rate limits and sign-in throttles", log, now)}
}

// Get returns the value of key, nil when there is none. The error is
// always nil.
func (s *Store) Get(key string) ([]byte, error) {
	var val []byte
	s.do(func(st Operations) (err error) {
		val, err = st.Get(key)
		return err
	})
	return val, nil
}

// Set stores val under key for exp. The error is always nil.
func (s *Store) Set(key string, val []byte, exp time.Duration) error {
	s.do(func(st Operations) error { return st.Set(key, val, exp) })
	return nil
}

// Delete removes key. The error is always nil.
func (s *Store) Delete(key string) error {
	s.do(func(st Operations) error { return st.Delete(key) })
	return nil
}

// Reset removes every key of the storage in use: with Redis, every key of
// its database. Nothing in Buycard calls it; fiber.Storage has it.
func (s *Store) Reset() error {
	s.do(func(st Operations) error { return st.Reset() })
	return nil
}

// Close empties this node's memory. The shared storage is closed by
// whoever opened it.
func (s *Store) Close() error {
	return s.memory.Reset()
}

// do runs op on the shared storage when it answers, and on this node's
// memory when there is none, when it is down, or when op fails on it now.
func (s *Store) do(op func(Operations) error) {
	if s.shared != nil {
		if shared, probe := s.route.Shared(); shared {
			err := op(s.shared)
			if err == nil {
				s.route.Answered(probe)
				return
			}
			s.route.Failed(err)
		}
	}
	_ = op(s.memory) // memory does not fail
}
