package server

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// A node's /readyz: its database ready, and Redis away leaves it
// degraded but serving (200); with Redis there, ready. Its /metrics
// shows the store's pools, the job queue and the beacons.
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
			scraped := scrapeMetrics(t, m)
			for _, want := range []string{
				`buycard_db_pool_max_connections{pool="write"} 1`, // the store's pools
				`buycard_job_queue_up 1`,                          // its job queue
				`buycard_beacon_events_counted_total 0`,           // the ingestor's counts
				`buycard_checkouts_created_total 0`,
			} {
				if !strings.Contains(scraped, "\n"+want+"\n") {
					t.Errorf("/metrics lacks %s", want)
				}
			}
		})
	}
}

// scrapeMetrics is the node's /metrics, as the operator's Prometheus
// reads it.
func scrapeMetrics(t *testing.T, m *Main) string {
	t.Helper()
	status, body := send(t, m, "GET", "/metrics", nil, map[string]string{"Authorization": "Bearer " + testOperatorKey})
	if status != 200 {
		t.Fatalf("/metrics = %d %.300s", status, body)
	}
	return string(body)
}
