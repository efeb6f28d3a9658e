package api

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/embed"
)

// fakeClock is a settable clock for the cache.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func countingBuild(builds *atomic.Int32) func() (*embed.Asset, error) {
	return func() (*embed.Asset, error) {
		n := builds.Add(1)
		return embed.NewResponseAsset("text/plain", []byte{byte('0' + n)}, ""), nil
	}
}

func TestResponseCacheReusesUntilTTL(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	rc := newResponseCache(5*time.Second, clock.now, nil)
	var builds atomic.Int32
	first, _ := rc.get("k", countingBuild(&builds))
	clock.t = clock.t.Add(4900 * time.Millisecond)
	again, _ := rc.get("k", countingBuild(&builds))
	if builds.Load() != 1 || again.asset != first.asset {
		t.Fatalf("within the TTL: %d builds, want 1 and the same body", builds.Load())
	}
	if got := rc.maxAge(again, time.Minute); got != 55 {
		t.Errorf("max-age after 4.9 s of a 60 s TTL = %d, want 55 (never staler than the TTL)", got)
	}
	other, _ := rc.get("other", countingBuild(&builds))
	if builds.Load() != 2 || other.asset == first.asset {
		t.Fatal("another key must build its own response")
	}
	clock.t = clock.t.Add(100 * time.Millisecond)
	if fresh, _ := rc.get("k", countingBuild(&builds)); builds.Load() != 3 || rc.maxAge(fresh, time.Minute) != 60 {
		t.Errorf("at the TTL the response must be built again (builds %d)", builds.Load())
	}
}

func TestResponseCacheDoesNotKeepErrors(t *testing.T) {
	t.Parallel()
	rc := newResponseCache(time.Minute, time.Now, nil)
	boom := errors.New("boom")
	if _, err := rc.get("k", func() (*embed.Asset, error) { return nil, boom }); err != boom {
		t.Fatalf("err = %v, want the build's error", err)
	}
	var builds atomic.Int32
	if _, err := rc.get("k", countingBuild(&builds)); err != nil || builds.Load() != 1 {
		t.Fatalf("after an error the next call must build (err %v, builds %d)", err, builds.Load())
	}
}

func TestResponseCacheDisabled(t *testing.T) {
	t.Parallel()
	rc := newResponseCache(0, time.Now, nil)
	var builds atomic.Int32
	rc.get("k", countingBuild(&builds))
	rc.get("k", countingBuild(&builds))
	if builds.Load() != 2 {
		t.Errorf("TTL 0: %d builds, want 2", builds.Load())
	}
}

func TestResponseCacheBuildsOnceForConcurrentMisses(t *testing.T) {
	t.Parallel()
	rc := newResponseCache(time.Minute, time.Now, nil)
	var builds atomic.Int32
	release := make(chan struct{})
	slowBuild := func() (*embed.Asset, error) {
		<-release
		return countingBuild(&builds)()
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { rc.get("k", slowBuild) })
	}
	time.Sleep(50 * time.Millisecond) // let the callers pile up on the miss
	close(release)
	wg.Wait()
	if n := builds.Load(); n < 1 || n > 2 {
		t.Errorf("50 concurrent misses made %d builds, want 1 (2 if one caller came after the first build)", n)
	}
}

// BenchmarkResponseCacheHit is what a cached response costs to find,
// its lookup counted.
func BenchmarkResponseCacheHit(b *testing.B) {
	rc := newResponseCache(time.Hour, time.Now, metrics.New())
	key := "cards\x00br\x00en\x00\x00wgt_notebook"
	var builds atomic.Int32
	if _, err := rc.get(key, countingBuild(&builds)); err != nil {
		b.Fatal(err)
	}
	build := countingBuild(&builds)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rc.get(key, build)
		}
	})
}
