package faulttest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/cluster"
	"github.com/buycard/buycard/backend/testenv"
)

// buycardBinary builds the buycard binary, which the cluster scenarios run as
// their nodes, once per test process, into a folder TestMain removes.
// The nodes are the binary as operators run it, and not this test binary
// started again: under -race a node takes ten times as long to start
// (its assets' brotli compression above all), and the scenarios start
// seven. `make test` builds the binary first, so this build finds every
// package in Go's cache.
var buycardBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "faulttest-buycard-")
	if err != nil {
		return "", err
	}
	builtDir = dir
	bin := filepath.Join(dir, "buycard")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "github.com/buycard/buycard/backend/cmd/buycard")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build buycard: %v\n%s", err, out)
	}
	return bin, nil
})

// builtDir is the folder buycardBinary built into, if it did.
var builtDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// startCluster runs three nodes (`buycard serve`) configured by env
// behind Caddy (package cluster) until the test ends. What they print is
// logged if the test fails.
func startCluster(t *testing.T, env map[string]string) *cluster.Cluster {
	t.Helper()
	caddy := testenv.Tool(t, "caddy", cluster.CaddyModule)
	bin, err := buycardBinary()
	if err != nil {
		t.Fatal(err)
	}
	env = maps.Clone(env)
	delete(env, "BUYCARD_ADDR")
	env["BUYCARD_WEB_DIR"] = webDir(t)
	out := new(output)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := cluster.Start(ctx, cluster.Config{
		Env:     env,
		Command: func() *exec.Cmd { return exec.Command(bin, "serve") },
		Caddy:   caddy, Dir: t.TempDir(), Output: out,
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
