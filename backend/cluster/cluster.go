// Package cluster runs Buycard as a cluster on one machine: nodes (each
// a `buycard serve` process, or a test's stand-in for one) sharing one
// PostgreSQL database, one Redis and one blob bucket, behind Caddy, which
// balances requests across them, retries a request that could not reach
// a node on another, and stops sending to a node whose /readyz fails.
// `make cluster` (backend/cmd/cluster) and the cluster tests
// (backend/faulttest) start it the same way.
//
// Caddy is the proxy operators are told to run (README, "Operating a
// cluster"): the configuration it is given here is the one the README
// shows, with the listen address and the nodes filled in.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/template"
	"time"
)

// CaddyModule is the Caddy build the cluster runs, installed from its Go
// module (backend/testenv.Install) rather than built into the binary.
const CaddyModule = "github.com/caddyserver/caddy/v2/cmd/caddy@v2.11.9"

// Config says what cluster Start runs.
type Config struct {
	// Nodes is how many nodes to run; 0 is three.
	Nodes int
	// Addr is the address Caddy listens on; empty is a free loopback
	// port.
	Addr string
	// NodeAddrs are the addresses the nodes listen on, one each; empty
	// is free loopback ports.
	NodeAddrs []string
	// Env is every node's configuration (BUYCARD_DATABASE_URL,
	// BUYCARD_REDIS_URL, BUYCARD_BLOB_URL, the secrets…), over the
	// environment of this process. Start adds each node's BUYCARD_ADDR,
	// and BUYCARD_PUBLIC_URL (Caddy's URL) and BUYCARD_TRUSTED_PROXIES
	// (Caddy's address) unless Env sets them.
	Env map[string]string
	// Command is the command that runs a node, without its environment:
	// `buycard serve`, or a test binary's node.
	Command func() *exec.Cmd
	// Caddy is the path of the caddy program.
	Caddy string
	// Dir holds Caddy's configuration and state.
	Dir string
	// HealthInterval is how often Caddy asks each node's /readyz; 0 is a
	// second.
	HealthInterval time.Duration
	// Output receives what the nodes and Caddy print, each line after
	// its name; nil drops it.
	Output io.Writer
}

// Cluster is a running cluster.
type Cluster struct {
	// URL is Caddy's: the cluster's public URL.
	URL   string
	Nodes []*Node
	caddy *process
}

// Start starts the nodes and then Caddy in front of them, and returns
// once each node and Caddy answer. The first node starts alone, so that
// it migrates the database (and seeds the demo, when the nodes do) before
// the others start on it. On failure it stops what it started.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	if cfg.Nodes == 0 {
		cfg.Nodes = 3
	}
	addrs, err := addresses(cfg)
	if err != nil {
		return nil, err
	}
	c := &Cluster{URL: "http://" + addrs[0]}
	env := nodeEnv(cfg, c.URL)
	out := newOutput(cfg.Output)
	for i, addr := range addrs[1:] {
		name := fmt.Sprintf("node%d", i+1)
		c.Nodes = append(c.Nodes, &Node{Name: name, URL: "http://" + addr, command: cfg.Command,
			env: append(slices.Clone(env), "BUYCARD_ADDR="+addr), out: out.named(name)})
	}
	if err := c.startNodes(ctx); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	if err := c.startCaddy(ctx, cfg, addrs[0], out.named("caddy")); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	return c, nil
}

// addresses returns Caddy's address and then each node's.
func addresses(cfg Config) ([]string, error) {
	if len(cfg.NodeAddrs) > 0 && len(cfg.NodeAddrs) != cfg.Nodes {
		return nil, fmt.Errorf("cluster: %d node addresses for %d nodes", len(cfg.NodeAddrs), cfg.Nodes)
	}
	addrs := append([]string{cfg.Addr}, cfg.NodeAddrs...)
	addrs = append(addrs, make([]string, cfg.Nodes+1-len(addrs))...)
	ports, err := freePorts(len(addrs))
	if err != nil {
		return nil, err
	}
	for i, a := range addrs {
		if a == "" {
			addrs[i] = fmt.Sprintf("127.0.0.1:%d", ports[i])
		}
	}
	return addrs, nil
}

// nodeEnv is the environment every node starts with, before its address.
func nodeEnv(cfg Config, publicURL string) []string {
	env := map[string]string{
		"BUYCARD_PUBLIC_URL": publicURL,
		// Caddy reaches the nodes from the loopback address.
		"BUYCARD_TRUSTED_PROXIES": "127.0.0.1/32",
	}
	maps.Copy(env, cfg.Env)
	list := os.Environ()
	for _, k := range slices.Sorted(maps.Keys(env)) {
		list = append(list, k+"="+env[k])
	}
	return list
}

// startNodes starts the first node, waits for it to be ready, and then
// the others at once.
func (c *Cluster) startNodes(ctx context.Context) error {
	if err := c.Nodes[0].Start(ctx); err != nil {
		return err
	}
	errs := make(chan error, len(c.Nodes))
	for _, n := range c.Nodes[1:] {
		go func() { errs <- n.Start(ctx) }()
	}
	var all []error
	for range c.Nodes[1:] {
		all = append(all, <-errs)
	}
	return errors.Join(all...)
}

// caddyfile is Caddy's configuration: the nodes behind one site, round
// robin, each asked for /readyz every HealthInterval (a node answering
// 503, or not at all, gets no requests until it answers 200 again). A
// request that could not reach a node is tried on the next one, and the
// node is left out for FailDuration; a request the node received is not
// retried, unless it is a GET. /readyz is the load balancer's: it is not
// served to the public.
var caddyfile = template.Must(template.New("Caddyfile").Parse(`{
	admin off
	auto_https off
	persist_config off
	log {
		level WARN
	}
}

http://:{{.Port}} {
	bind {{.Host}}
	respond /readyz 404
	reverse_proxy {{range .Nodes}}{{.}} {{end}}{
		lb_policy round_robin
		lb_retries 2
		fail_duration 10s
		health_uri /readyz
		health_interval {{.HealthInterval}}
		health_timeout 3s
	}
}
`))

// startCaddy writes Caddy's configuration into cfg.Dir and starts it on
// addr, in front of the nodes; it returns once Caddy answers.
func (c *Cluster) startCaddy(ctx context.Context, cfg Config, addr string, out io.Writer) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("cluster: Caddy's address: %w", err)
	}
	interval := cfg.HealthInterval
	if interval == 0 {
		interval = time.Second
	}
	var nodes []string
	for _, n := range c.Nodes {
		nodes = append(nodes, strings.TrimPrefix(n.URL, "http://"))
	}
	var b strings.Builder
	if err := caddyfile.Execute(&b, map[string]any{"Host": host, "Port": port, "Nodes": nodes, "HealthInterval": interval}); err != nil {
		return err
	}
	path := filepath.Join(cfg.Dir, "Caddyfile")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	cmd := exec.Command(cfg.Caddy, "run", "--config", path, "--adapter", "caddyfile")
	// Caddy keeps its state under XDG_DATA_HOME and XDG_CONFIG_HOME:
	// the cluster's folder, not the user's home.
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+cfg.Dir, "XDG_CONFIG_HOME="+cfg.Dir)
	c.caddy = &process{name: "caddy", cmd: cmd, out: out}
	if err := c.caddy.start(); err != nil {
		return err
	}
	return waitOK(ctx, c.caddy, c.URL+"/healthz")
}

// Close stops Caddy and then the nodes, gracefully (SIGTERM), and waits
// for them to end.
func (c *Cluster) Close() error {
	var errs []error
	if c.caddy != nil {
		errs = append(errs, c.caddy.stop())
	}
	for _, n := range c.Nodes {
		errs = append(errs, n.Stop())
	}
	return errors.Join(errs...)
}

// Exited names Caddy or a node when it ends on its own, as it does (one
// that Kill, Stop or Close ended does not count).
func (c *Cluster) Exited() <-chan string {
	ch := make(chan string, len(c.Nodes)+1)
	for _, p := range append([]*process{c.caddy}, c.processes()...) {
		go func() {
			<-p.done
			if !p.stopped.Load() {
				ch <- p.name
			}
		}()
	}
	return ch
}

func (c *Cluster) processes() []*process {
	var ps []*process
	for _, n := range c.Nodes {
		ps = append(ps, n.proc)
	}
	return ps
}

// Node is one node of a cluster.
type Node struct {
	Name string
	// URL is the node's own address, around Caddy.
	URL     string
	command func() *exec.Cmd
	env     []string
	out     io.Writer
	proc    *process
}

// Start starts the node and returns once its /readyz answers 200.
// A node that Kill or Stop ended can start again.
func (n *Node) Start(ctx context.Context) error {
	cmd := n.command()
	cmd.Env = n.env
	n.proc = &process{name: n.Name, cmd: cmd, out: n.out}
	if err := n.proc.start(); err != nil {
		return err
	}
	return waitOK(ctx, n.proc, n.URL+"/readyz")
}

// Kill kills the node with SIGKILL, as a crash does, and waits for it to
// end.
func (n *Node) Kill() error { return n.proc.signal(syscall.SIGKILL) }

// Stop stops the node gracefully (SIGTERM) and waits for it to end.
func (n *Node) Stop() error {
	if n.proc == nil {
		return nil
	}
	return n.proc.stop()
}

// waitOK waits until url answers 200, p ends or ctx does.
func waitOK(ctx context.Context, p *process, url string) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	client := &http.Client{Timeout: time.Second}
	for {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: %s did not answer at %s: %w", p.name, url, ctx.Err())
		case <-p.done:
			return fmt.Errorf("cluster: %s ended before it answered: %v", p.name, p.err)
		case <-tick.C:
		}
	}
}
