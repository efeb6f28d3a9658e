package redisstore

import (
	"testing"
	"time"
)

// TestUnreachableRedisFailsFast checks that a Redis nothing listens at
// costs one refused dial, not go-redis's five with pauses between: the
// request that finds Redis down waits for that.
func TestUnreachableRedisFailsFast(t *testing.T) {
	store, err := Open("redis://127.0.0.1:1/0") // nothing listens on port 1
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	start := time.Now()
	if _, err := store.Get("buycard:test"); err == nil {
		t.Fatal("a Get from an unreachable Redis succeeded")
	}
	if d := time.Since(start); d > 300*time.Millisecond {
		t.Errorf("a Get from an unreachable Redis took %v, want one refused dial", d)
	}
}
