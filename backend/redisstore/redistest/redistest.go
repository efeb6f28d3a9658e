// Package redistest gives tests the machine's Redis, named by
// BUYCARD_TEST_REDIS_URL (CI sets it).
package redistest

import (
	"os"
	"testing"

	fiberredis "github.com/gofiber/storage/redis/v3"

	"github.com/buycard/buycard/backend/redisstore"
)

// Open returns the storage of BUYCARD_TEST_REDIS_URL, closed when t ends,
// after checking that Redis answers. Without the variable the test is
// skipped, except with CI=true, which fails it.
func Open(t testing.TB) *fiberredis.Storage {
	t.Helper()
	url := os.Getenv("BUYCARD_TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("BUYCARD_TEST_REDIS_URL is required in CI")
		}
		t.Skip("BUYCARD_TEST_REDIS_URL is not set")
	}
	store, err := redisstore.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Conn().Ping(t.Context()).Err(); err != nil {
		t.Fatalf("redis at BUYCARD_TEST_REDIS_URL: %v", err)
	}
	return store
}
