package cluster

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard/backend/pgtest"
)

// The cluster itself is run by the scenarios of backend/faulttest
// (TestCluster, TestClusterChaos) and by backend/blob's tests (SeaweedFS).

// TestOutputLines checks that each process's lines reach the output
// whole, after its name, however its writes cut them.
func TestOutputLines(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	out := newOutput(&b)
	node, caddy := out.named("node1"), out.named("caddy")
	for _, w := range []struct {
		to   io.Writer
		text string
	}{{node, "start"}, {caddy, "up\n"}, {node, "ed\nready\n"}, {node, "half"}} {
		if _, err := w.to.Write([]byte(w.text)); err != nil {
			t.Fatal(err)
		}
	}
	want := "caddy | up\nnode1 | started\nnode1 | ready\n"
	if b.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestEnsureDatabase creates a database that is missing, and leaves one
// that exists alone.
func TestEnsureDatabase(t *testing.T) {
	t.Parallel()
	base := pgtest.URL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("cluster_ensure_%d", rand.Int64())
	u.Path = "/" + name
	for range 2 {
		if err := EnsureDatabase(t.Context(), u.String()); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err == nil {
			conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize())
			conn.Close(context.Background())
		}
	})
	conn, err := pgx.Connect(t.Context(), u.String())
	if err != nil {
		t.Fatalf("connect to the database made: %v", err)
	}
	conn.Close(t.Context())
	if err := EnsureDatabase(t.Context(), "sqlite:./x.db"); err == nil {
		t.Error("EnsureDatabase took a sqlite: URL")
	}
}
