// Command cluster runs Buycard as a cluster on this machine (`make
// cluster`): three `buycard serve` nodes on the local PostgreSQL and
// Redis, sharing an S3 bucket (SeaweedFS) for files, behind Caddy. It
// prints the URLs and stops everything on Ctrl-C.
//
//	cluster -buycard bin/buycard
//
// Settings, from the environment:
//
//	BUYCARD_CLUSTER_DATABASE_URL  postgres://postgres@127.0.0.1:5432/buycard_cluster?sslmode=disable
//	                              (created if missing)
//	BUYCARD_CLUSTER_REDIS_URL     redis://127.0.0.1:6379/0
//	BUYCARD_CLUSTER_BLOB_URL      the nodes' BUYCARD_BLOB_URL; unset, a SeaweedFS
//	                              S3 server is started with its data in the state
//	                              folder
//	BUYCARD_CLUSTER_PORT          Caddy's port, 8080; the nodes take the next ones
//	BUYCARD_CLUSTER_DIR           the state folder, ./data/cluster: Caddy's
//	                              configuration, the shared secrets, SeaweedFS's data
//
// Every other BUYCARD_* and STRIPE_* variable is passed to the nodes as it
// is (STRIPE_SECRET_KEY for Stripe instead of the sandbox, say).
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/buycard/buycard/backend/cluster"
	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/backend/testenv"
)

// nodes is how many nodes the cluster runs.
const nodes = 3

func main() {
	buycard := flag.String("buycard", "bin/buycard", "the buycard binary the nodes run")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *buycard); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// settings are the cluster's, from the environment.
type settings struct {
	databaseURL, redisURL, blobURL, dir string
	port                                int
	s3                                  string // SeaweedFS's S3 API, when the cluster runs it
}

func readSettings() (settings, error) {
	s := settings{
		databaseURL: or(os.Getenv("BUYCARD_CLUSTER_DATABASE_URL"), "postgres://postgres@127.0.0.1:5432/buycard_cluster?sslmode=disable"),
		redisURL:    or(os.Getenv("BUYCARD_CLUSTER_REDIS_URL"), "redis://127.0.0.1:6379/0"),
		blobURL:     os.Getenv("BUYCARD_CLUSTER_BLOB_URL"),
		dir:         or(os.Getenv("BUYCARD_CLUSTER_DIR"), filepath.Join("data", "cluster")),
	}
	port, err := strconv.Atoi(or(os.Getenv("BUYCARD_CLUSTER_PORT"), "8080"))
	if err != nil || port <= 0 || port+nodes > 65535 {
		return s, fmt.Errorf("BUYCARD_CLUSTER_PORT must be a port number, not %q", os.Getenv("BUYCARD_CLUSTER_PORT"))
	}
	s.port = port
	dir, err := filepath.Abs(s.dir)
	s.dir = dir
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	return s, err
}

func run(ctx context.Context, buycard string) error {
	s, err := readSettings()
	if err != nil {
		return err
	}
	bin, err := filepath.Abs(buycard)
	if err != nil {
		return err
	}
	logf := func(msg string) { fmt.Fprintln(os.Stderr, "cluster:", msg) }
	caddy, err := testenv.Install("caddy", cluster.CaddyModule, logf)
	if err != nil {
		return err
	}
	if err := cluster.EnsureDatabase(ctx, s.databaseURL); err != nil {
		return err
	}
	if s.blobURL == "" {
		weed, err := testenv.InstallSource("weed", cluster.SeaweedModule, cluster.SeaweedPackage, logf)
		if err != nil {
			return err
		}
		// SeaweedFS logs much: into a file of the state folder.
		log, err := os.OpenFile(filepath.Join(s.dir, "seaweedfs.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer log.Close()
		bucket, err := cluster.StartS3(ctx, weed, filepath.Join(s.dir, "seaweedfs"), log)
		if err != nil {
			return err
		}
		defer bucket.Close()
		s.blobURL, s.s3 = bucket.URL, bucket.Endpoint
	}
	env, err := nodeEnv(s)
	if err != nil {
		return err
	}
	cfg := cluster.Config{
		Nodes: nodes, Addr: fmt.Sprintf("127.0.0.1:%d", s.port), Env: env,
		Command: func() *exec.Cmd { return exec.Command(bin, "serve") },
		Caddy:   caddy, Dir: s.dir, Output: os.Stderr,
	}
	for i := range nodes {
		cfg.NodeAddrs = append(cfg.NodeAddrs, fmt.Sprintf("127.0.0.1:%d", s.port+1+i))
	}
	c, err := cluster.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	printURLs(c, s)
	select {
	case <-ctx.Done():
		fmt.Fprintln(os.Stderr, "cluster: stopping")
		return nil
	case name := <-c.Exited():
		if ctx.Err() != nil { // Ctrl-C reached it too
			return nil
		}
		return fmt.Errorf("%s stopped", name)
	}
}

// nodeEnv is what the nodes share: the database, Redis, the bucket and
// the secrets, kept in the state folder so that tokens and the operator
// key outlive a restart.
func nodeEnv(s settings) (map[string]string, error) {
	secret, err := server.DevKey(s.dir, "secret.key")
	if err != nil {
		return nil, err
	}
	operatorKey, err := server.DevKey(s.dir, "operator.key")
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"BUYCARD_DATABASE_URL": s.databaseURL,
		"BUYCARD_REDIS_URL":    s.redisURL,
		"BUYCARD_BLOB_URL":     s.blobURL,
		"BUYCARD_SECRET":       secret,
		"BUYCARD_OPERATOR_KEY": operatorKey,
		"BUYCARD_PUBLIC_URL":   fmt.Sprintf("http://localhost:%d", s.port),
	}, nil
}

// printURLs says where everything is.
func printURLs(c *cluster.Cluster, s settings) {
	public := fmt.Sprintf("http://localhost:%d", s.port)
	fmt.Printf("Buycard cluster is running: %d nodes behind Caddy, PostgreSQL %s, Redis %s.\n",
		len(c.Nodes), redact(s.databaseURL), redact(s.redisURL))
	fmt.Printf("  shop (demo feed): http://127.0.0.1:%d/demo   (a publisher page on another origin)\n", s.port)
	fmt.Printf("  console:          %s/console/\n", public)
	fmt.Printf("  Caddy:            %s   (round robin; /readyz checked every second)\n", public)
	for _, n := range c.Nodes {
		fmt.Printf("  %s:            %s   (readiness %s/readyz)\n", n.Name, n.URL, n.URL)
	}
	fmt.Printf("  metrics:          %s/metrics with the operator key in %s\n", public, filepath.Join(s.dir, "operator.key"))
	if s.s3 != "" {
		fmt.Printf("  files (S3):       %s, bucket %s   (SeaweedFS; its log: %s)\n", s.s3, cluster.Bucket, filepath.Join(s.dir, "seaweedfs.log"))
	}
	fmt.Println("Ctrl-C stops it all.")
}

// redact hides the password of a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
