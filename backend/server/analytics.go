package server

import (
	"context"
	"time"

	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/redisstore"
)

// eventFlushEvery is how often the funnel rollup is added to the store: a
// crash loses at most this much of the loader's counts.
const eventFlushEvery = 5 * time.Second

// flushEvents adds the funnel rollup to the store every so often until
// ctx ends. A failed flush keeps its counts for the next one.
func (m *Main) flushEvents(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.events.Flush(ctx); err != nil {
				m.Logger.Error("flush funnel events", "err", err)
			}
		}
	}
}

// finalFlush adds what the rollup holds to the store on Close, once the
// server no longer takes requests.
func (m *Main) finalFlush() error {
	if m.events == nil || m.DB == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return m.events.Flush(ctx)
}

// FlushEvents adds the funnel rollup to the store now, as the periodic
// flush would; for tests and the benchmark harness.
func (m *Main) FlushEvents(ctx context.Context) error {
	return m.events.Flush(ctx)
}

// analyticsOptions share the funnel's event bounds and de-duplication
// through BUYCARD_REDIS_URL's Redis when it is set.
func (m *Main) analyticsOptions() analytics.Options {
	opts := analytics.Options{Logger: m.Logger}
	if m.redis != nil {
		opts.Shared = redisstore.NewCounters(m.redis.Conn())
	}
	return opts
}
