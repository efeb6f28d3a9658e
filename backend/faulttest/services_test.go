package faulttest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/buycard/buycard/backend/testenv"
)

// The chaos scenario stops and starts PostgreSQL and Redis under a
// cluster. Other packages' tests use the machine's servers at the same
// time, so it runs servers of its own: a PostgreSQL cluster made with
// initdb in a temporary folder, and a redis-server, each on a free port.

// service is a server program the scenario stops and starts again, on
// the same port and data.
type service struct {
	name  string
	cmd   func() *exec.Cmd
	ready func(ctx context.Context) error
	out   *output
	proc  *exec.Cmd
	done  chan struct{}
}

// start starts the service and waits until ready says it serves.
func (s *service) start(t *testing.T) {
	t.Helper()
	s.proc, s.done = s.cmd(), make(chan struct{})
	s.proc.Stdout, s.proc.Stderr = s.out, s.out
	if err := s.proc.Start(); err != nil {
		t.Fatalf("start %s: %v", s.name, err)
	}
	go func() {
		s.proc.Wait()
		close(s.done)
	}()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for s.ready(ctx) != nil {
		select {
		case <-ctx.Done():
			t.Fatalf("%s did not start:\n%s", s.name, s.out)
		case <-s.done:
			t.Fatalf("%s ended as it started:\n%s", s.name, s.out)
		case <-tick.C:
		}
	}
}

// stop sends sig and waits for the service to end.
func (s *service) stop(sig syscall.Signal) {
	s.proc.Process.Signal(sig)
	<-s.done
}

// startPostgres runs a PostgreSQL server of the test's own until it ends,
// and returns it with the URL of its database.
func startPostgres(t *testing.T) (*service, string) {
	t.Helper()
	bin := postgresBin(t)
	dir, cred := postgresDir(t)
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", dir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := freePort(t)
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	s := &service{name: "postgres", out: new(output),
		cmd: func() *exec.Cmd {
			cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", dir, "-p", strconv.Itoa(port), "-k", dir,
				"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=300")
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
			return cmd
		},
		ready: func(ctx context.Context) error {
			conn, err := pgx.Connect(ctx, url)
			if err == nil {
				conn.Close(ctx)
			}
			return err
		},
	}
	s.start(t)
	t.Cleanup(func() { s.stop(syscall.SIGQUIT) })
	return s, url
}

// postgresBin is the folder of the newest PostgreSQL's programs.
func postgresBin(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if p, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(p)
		}
	}
	testenv.Missing(t, "no PostgreSQL server programs (initdb) in /usr/lib/postgresql/*/bin or on PATH")
	return ""
}

// versionOf is the major version of /usr/lib/postgresql/VERSION/bin.
func versionOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// postgresDir is an empty folder for a PostgreSQL cluster, removed when
// the test ends, and the user PostgreSQL runs as: this process's, or, as
// PostgreSQL refuses to run as root, the postgres user's, who owns the
// folder.
func postgresDir(t *testing.T) (string, *syscall.Credential) {
	t.Helper()
	dir, err := os.MkdirTemp("", "faulttest-postgres-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() != 0 {
		return dir, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		testenv.Missing(t, "running as root, and no postgres user to run PostgreSQL as")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	return dir, &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

// startRedis runs a redis-server of the test's own, keeping nothing on
// disk, until the test ends, and returns it with its URL.
func startRedis(t *testing.T) (*service, string) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		testenv.Missing(t, "no redis-server on PATH")
	}
	port := freePort(t)
	url := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	s := &service{name: "redis", out: new(output),
		cmd: func() *exec.Cmd {
			return exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
		},
		ready: func(ctx context.Context) error {
			c := redis.NewClient(opts)
			defer c.Close()
			return c.Ping(ctx).Err()
		},
	}
	s.start(t)
	t.Cleanup(func() { s.stop(syscall.SIGKILL) })
	return s, url
}

// freePort is a loopback port no one listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	_, port, err := net.SplitHostPort(freeAddr(t))
	n, _ := strconv.Atoi(port)
	if err != nil || n == 0 {
		t.Fatalf("free port: %v", err)
	}
	return n
}
