// Package redistest gives tests the machine's Redis, named by
// BUYCARD_TEST_REDIS_URL (CI sets it).
package redistest

import (
	"testing"

	fiberredis "github.com/gofiber/storage/redis/v3"

	"github.com/buycard/buycard/backend/redisstore"
	"github.com/buycard/buycard/backend/testenv"
)

// URL returns BUYCARD_TEST_REDIS_URL. Without it the test is skipped,
// except with CI=true, which fails it.
func URL(t testing.TB) string {
	t.Helper()
	return testenv.URL(t, "BUYCARD_TEST_REDIS_URL")
}

// Open returns the storage of BUYCARD_TEST_REDIS_URL (URL), closed when t
// ends, after checking that Redis answers.
func Open(t testing.TB) *fiberredis.Storage {
	t.Helper()
	store, err := redisstore.Open(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Conn().Ping(t.Context()).Err(); err != nil {
		t.Fatalf("redis at BUYCARD_TEST_REDIS_URL: %v", err)
	}
	return store
}
