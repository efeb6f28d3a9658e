package postgres

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// TestLostDatabaseIsUnavailable runs a store through a TCP proxy, then
// cuts the proxy: every kind of call (a transaction, a query on the pool,
// a ledger read) answers EUNAVAILABLE, which the API turns into a 503,
// not an internal error.
func TestLostDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(migrated.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	u.Host = p.addr()
	db := openURL(t, u.String())
	calls := map[string]func(ctx context.Context) error{
		"transaction": func(ctx context.Context) error { _, err := db.FindProduct(ctx, "prd_nope"); return err },
		"pool query":  func(ctx context.Context) error { _, err := db.FindAPIKey(ctx, "nope"); return err },
		"ledger read": func(ctx context.Context) error { _, err := db.Balances(ctx, ledger.Merchant("mer_nope")); return err },
		"write":       func(ctx context.Context) error { return db.CreateMerchant(ctx, &buycard.Merchant{Name: "M"}) },
	}
	for name, call := range calls {
		if code := buycard.ErrorCode(call(t.Context())); code == buycard.EINTERNAL || code == buycard.EUNAVAILABLE {
			t.Fatalf("%s with the database up: %s", name, code)
		}
	}
	p.cut()
	for name, call := range calls {
		err := call(t.Context())
		if code := buycard.ErrorCode(err); code != buycard.EUNAVAILABLE {
			t.Errorf("%s with the database gone: code %q (%v), want %q", name, code, err, buycard.EUNAVAILABLE)
		}
	}
}

// proxy forwards connections to a PostgreSQL server until cut.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	t.Cleanup(p.cut)
	go p.serve(target)
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) serve(target string) {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		go pipe(client, server)
		go pipe(server, client)
	}
}

// pipe copies src to dst until either closes, then closes dst.
func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
}

// cut closes the listener and every connection: the database is gone.
func (p *proxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}
