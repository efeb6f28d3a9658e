package redisstore_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/redisstore"
	"github.com/buycard/buycard/backend/redisstore/redistest"
)

// TestCountersIncr counts keys in the machine's Redis: repeated keys count
// in order, every counter expires, and a second client sees the counts.
func TestCountersIncr(t *testing.T) {
	t.Parallel()
	a, b := redisstore.NewCounters(redistest.Open(t).Conn()), redisstore.NewCounters(redistest.Open(t).Conn())
	run := fmt.Sprintf("buycard:test:%x:", rand.Uint64())
	x, y := run+"x", run+"y"
	got, err := a.Incr(t.Context(), time.Minute, []string{x, y, x})
	if err != nil || !slices.Equal(got, []int64{1, 1, 2}) {
		t.Fatalf("first Incr = %v, %v; want [1 1 2]", got, err)
	}
	got, err = b.Incr(t.Context(), time.Minute, []string{x})
	if err != nil || !slices.Equal(got, []int64{3}) {
		t.Fatalf("another client's Incr = %v, %v; want [3]", got, err)
	}
	conn := redistest.Open(t).Conn()
	for _, k := range []string{x, y} {
		if ttl := conn.TTL(t.Context(), k).Val(); ttl <= 0 || ttl > time.Minute {
			t.Errorf("TTL of %s = %v, want up to a minute", k, ttl)
		}
	}
}

// TestCountersUnreachable: an unreachable Redis is an error, never a
// count.
func TestCountersUnreachable(t *testing.T) {
	t.Parallel()
	store, err := redisstore.Open("redis://127.0.0.1:1/0") // nothing listens on port 1
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	got, err := redisstore.NewCounters(store.Conn()).Incr(t.Context(), time.Minute, []string{"k"})
	if err == nil || got != nil {
		t.Fatalf("Incr = %v, %v; want an error", got, err)
	}
}
