package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Counters are analytics.Counters in Redis, shared by every node that
// uses the same Redis: the funnel's per-network bounds and its
// de-duplication.
type Counters struct {
	client redis.UniversalClient
}

// NewCounters returns counters kept through client, usually the Conn of
// the storage Open returns.
func NewCounters(client redis.UniversalClient) *Counters {
	return &Counters{client: client}
}

// Incr implements analytics.Counters in one round trip: for each key, SET
// NX with the TTL (a new counter at 0 that expires) then INCR, in one
// MULTI, so a counter never lives without its expiry.
func (c *Counters) Incr(ctx context.Context, ttl time.Duration, keys []string) ([]int64, error) {
	cmds := make([]*redis.IntCmd, len(keys))
	_, err := c.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			p.SetNX(ctx, k, 0, ttl)
			cmds[i] = p.Incr(ctx, k)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count in redis: %w", err)
	}
	counts := make([]int64, len(keys))
	for i, cmd := range cmds {
		counts[i] = cmd.Val()
	}
	return counts, nil
}
