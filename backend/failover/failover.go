// Package failover decides, on one node, whether an operation goes to a
// storage all nodes share (Redis) or to the node's own memory. Buycard's
// limits, throttles and analytics counters keep their counts in the shared
// storage so that nodes count together; when it fails they must neither
// fail requests nor stop counting, so they fall back to memory and count
// per node until it answers again (backend/limitstore, backend/analytics).
//
// A Switch holds that decision for one shared storage. After a failure the
// shared storage is tried again once per RetryEvery: an outage then costs
// one timeout now and then, not one per request. The operator reads one
// warning when an outage starts and one info line when it ends.
package failover

import (
	"log/slog"
	"sync"
	"time"
)

// RetryEvery is how long a node keeps to memory after the shared storage
// failed before it tries the shared storage again.
const RetryEvery = 5 * time.Second

// Switch routes the operations on one shared storage. It is safe for
// concurrent use.
type Switch struct {
	what string // the counts this storage holds, for the log lines
	log  *slog.Logger
	now  func() time.Time

	mu      sync.Mutex
	down    bool      // the shared storage failed and has not answered since
	retryAt time.Time // while down, when to try it again
}

// New returns a Switch for a shared storage holding what (such as "rate
// limits and sign-in throttles"), logging to log and reading the time
// from now.
func New(what string, log *slog.Logger, now func() time.Time) *Switch {
	return &Switch{what: what, log: log, now: now}
}

// Shared tells whether the next operation goes to the shared storage, and
// whether it probes a shared storage that was down. One operation probes
// per RetryEvery; the others keep to memory meanwhile.
func (s *Switch) Shared() (shared, probe bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.down {
		return true, false
	}
	now := s.now()
	if now.Before(s.retryAt) {
		return false, false
	}
	s.retryAt = now.Add(RetryEvery)
	return true, true
}

// Failed marks the shared storage down, warning once per outage.
func (s *Switch) Failed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAt = s.now().Add(RetryEvery)
	if !s.down {
		s.down = true
		s.log.Warn("shared storage failed: "+s.what+" count in this node's memory until it answers", "err", err)
	}
}

// Answered ends an outage after a probe succeeded. Only a probe does: an
// operation begun before the outage may still succeed after it began.
func (s *Switch) Answered(probe bool) {
	if !probe {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		s.down = false
		s.log.Info("shared storage answers again: " + s.what + " are shared again")
	}
}
