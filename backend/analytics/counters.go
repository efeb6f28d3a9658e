package analytics

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/buycard/buycard/backend/failover"
)

// Counters count keys for a while. The Ingestor keeps its per-network
// bounds and its de-duplication in them, so that nodes sharing Counters
// (redisstore.Counters, when BUYCARD_REDIS_URL is set) share both.
type Counters interface {
	// Incr adds one to the count of each key, in order (a key given
	// twice counts twice), and returns the counts after. A count lives
	// for ttl after its key's first Incr; memory-bound implementations
	// may forget it sooner, after ttl/2 at the least.
	Incr(ctx context.Context, ttl time.Duration, keys []string) ([]int64, error)
}

// countKey is the key of parts under prefix: a hash, so that keys are
// short and no page id or client address is stored as it came.
func countKey(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// tally counts in the shared Counters when there are some and they
// answer, else in this node's memory (failover.Switch decides). Shared
// counters fail open: while they fail, the bounds and the de-duplication
// hold per node, never turning a Redis outage into an error or a slow
// beacon.
type tally struct {
	shared Counters // nil: memory only
	local  *memoryCounters
	route  *failover.Switch
}

// incr is Counters.Incr that never fails.
func (t *tally) incr(ctx context.Context, ttl time.Duration, keys []string) []int64 {
	if t.shared != nil {
		if shared, probe := t.route.Shared(); shared {
			counts, err := t.shared.Incr(ctx, ttl, keys)
			if err == nil {
				t.route.Answered(probe)
				return counts
			}
			t.route.Failed(err)
		}
	}
	counts, _ := t.local.Incr(ctx, ttl, keys)
	return counts
}
