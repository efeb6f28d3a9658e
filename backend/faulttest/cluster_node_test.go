package faulttest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/cluster"
	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/backend/testenv"
)

// clusterNodeEnv marks a cluster scenario's node: this test binary run
// again as TestClusterNode.
const clusterNodeEnv = "BUYCARD_FAULTTEST_CLUSTER_NODE"

// TestClusterNode is a node of the cluster scenarios: a process of its
// own, which the scenarios kill, configured by its environment as the
// binary is, and serving until SIGTERM, as `buycard serve` does. Its job
// queue polls fast, so that jobs do not wait for a second.
func TestClusterNode(t *testing.T) {
	if os.Getenv(clusterNodeEnv) == "" {
		t.Skip("run by the cluster scenarios")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	m, err := server.NewMain(os.Getenv, logger)
	if err != nil {
		t.Fatal(err)
	}
	m.Config.Jobs = server.JobTiming{Poll: 50 * time.Millisecond}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case err := <-waitServer(m):
		t.Error(err)
	}
	if err := m.Close(); err != nil {
		t.Error(err)
	}
}

// waitServer brings the error the node's server stops with.
func waitServer(m *server.Main) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- m.Wait() }()
	return ch
}

// startCluster runs three nodes (TestClusterNode) configured by env
// behind Caddy (package cluster) until the test ends. What they print is
// logged if the test fails.
func startCluster(t *testing.T, env map[string]string) *cluster.Cluster {
	t.Helper()
	caddy := testenv.Tool(t, "caddy", cluster.CaddyModule)
	env = maps.Clone(env)
	delete(env, "BUYCARD_ADDR")
	env[clusterNodeEnv] = "1"
	env["BUYCARD_WEB_DIR"] = webDir(t)
	out := new(output)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := cluster.Start(ctx, cluster.Config{
		Env: env,
		Command: func() *exec.Cmd {
			return exec.Command(os.Args[0], "-test.run=^TestClusterNode$", "-test.count=1")
		},
		Caddy: caddy, Dir: t.TempDir(), Output: out,
		HealthInterval: 100 * time.Millisecond,
	})
	t.Cleanup(func() {
		if c != nil {
			c.Close()
		}
		if t.Failed() {
			t.Logf("what the cluster printed:\n%s", out)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// randomLoopback is a loopback address (127.0.0.0/8) of its own for a
// scenario: the client network a scenario's requests come from, through
// Caddy, which the limits shared in Redis count by. Scenarios that run at
// once, or again within the limits' minute, use different ones. (Linux
// answers on the whole of 127.0.0.0/8.)
func randomLoopback() string {
	return fmt.Sprintf("127.%d.%d.%d", 1+rand.IntN(254), 1+rand.IntN(254), 1+rand.IntN(254))
}

// requests reads from a node's /metrics how many requests of route it
// answered with each status.
func requests(t *testing.T, node *cluster.Node, method, route string) map[int]float64 {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, node.URL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+nodeEnv("")["BUYCARD_OPERATOR_KEY"])
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s/metrics: %d %s", node.URL, resp.StatusCode, body)
	}
	counts := make(map[int]float64)
	prefix := "buycard_http_requests_total{"
	want := fmt.Sprintf(`method=%q,route=%q,`, method, route)
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		labels, value, ok := strings.Cut(strings.TrimPrefix(lines.Text(), prefix), "} ")
		if !ok || !strings.HasPrefix(lines.Text(), prefix) || !strings.HasPrefix(labels, want) {
			continue
		}
		status, _ := strconv.Atoi(strings.Trim(strings.TrimPrefix(labels, want+"status="), `"`))
		n, _ := strconv.ParseFloat(value, 64)
		counts[status] += n
	}
	return counts
}
