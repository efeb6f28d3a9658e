package server

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// A node's /readyz: its database ready, and Redis away leaves it
// degraded but serving (200); with Redis there, ready. Its /metrics
// shows the store's pools.
func TestReadyAndMetrics(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, redis, status, redisCheck string
	}{
		{"redis away", "redis://127.0.0.1:1/0", "degraded", "unreachable: limits and de-duplication are this node's own"},
		{"redis there", os.Getenv("BUYCARD_TEST_REDIS_URL"), "ready", "ok"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.redis == "" {
				if os.Getenv("CI") == "true" {
					t.Fatal("BUYCARD_TEST_REDIS_URL is not set")
				}
				t.Skip("BUYCARD_TEST_REDIS_URL is not set")
			}
			m, _ := startStripeNodeOn(t, "", map[string]string{"BUYCARD_REDIS_URL": tt.redis})
			status, body := send(t, m, "GET", "/readyz", nil, nil)
			var reply struct {
				Status string
				Checks map[string]string
			}
			if status != 200 || json.Unmarshal(body, &reply) != nil || reply.Status != tt.status ||
				reply.Checks["database"] != "ok" || reply.Checks["redis"] != tt.redisCheck {
				t.Errorf("/readyz = %d %s", status, body)
			}
			status, body = send(t, m, "GET", "/metrics", nil, map[string]string{"Authorization": "Bearer " + testOperatorKey})
			if status != 200 || !strings.Contains(string(body), `buycard_db_pool_max_connections{pool="write"} 1`) {
				t.Errorf("/metrics = %d %.300s", status, body)
			}
		})
	}
}
