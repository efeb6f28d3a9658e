package faulttest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// faultProxy is a TCP proxy between a node and its database that fails the
// way networks and database failovers do: it can slow every chunk of data
// down, reset every open connection, and go down (resetting connections as
// they come) until it is brought up again.
type faultProxy struct {
	ln     net.Listener
	target string // host:port of the database

	mu      sync.Mutex
	latency time.Duration
	down    bool
	conns   map[net.Conn]bool // both ends of every proxied connection

	wg sync.WaitGroup // the connections' goroutines
}

// startProxy proxies connections to target until the test ends.
func startProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, target: target, conns: make(map[net.Conn]bool)}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

// Addr is the address nodes connect to instead of the database.
func (p *faultProxy) Addr() string { return p.ln.Addr().String() }

// SetLatency delays every chunk of data by d, each way; 0 restores the
// pace.
func (p *faultProxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

// Reset resets every open connection: the node sees its connections fail
// mid-query and the database sees its sessions end, rolling back what was
// not committed.
func (p *faultProxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		reset(c)
	}
}

// SetDown takes the database away, resetting every open connection and
// every new one until SetDown(false).
func (p *faultProxy) SetDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
	if down {
		p.Reset()
	}
}

func (p *faultProxy) close() {
	p.ln.Close()
	p.Reset()
	p.wg.Wait()
}

func (p *faultProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.wg.Go(func() { p.serve(c) })
	}
}

// serve proxies one connection until either side ends it or a fault
// resets it.
func (p *faultProxy) serve(client net.Conn) {
	if p.isDown() { // refuse without bothering the database
		reset(client)
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		reset(client)
		return
	}
	if !p.track(client, server) { // it went down meanwhile
		reset(client)
		reset(server)
		return
	}
	done := make(chan struct{}, 2)
	go p.copy(server, client, done)
	go p.copy(client, server, done)
	<-done
	p.untrack(client, server) // resets both: the other copy ends too
	<-done
}

func (p *faultProxy) isDown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.down
}

// track records a new connection's ends, unless the proxy is down.
func (p *faultProxy) track(ends ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return false
	}
	for _, c := range ends {
		p.conns[c] = true
	}
	return true
}

func (p *faultProxy) untrack(ends ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range ends {
		delete(p.conns, c)
		reset(c)
	}
}

// copy copies from src to dst, each chunk after the latency of the moment,
// until either fails.
func (p *faultProxy) copy(dst, src net.Conn, done chan<- struct{}) {
	defer func() { done <- struct{}{} }()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			d := p.latency
			p.mu.Unlock()
			time.Sleep(d) // the fault itself, not a wait
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// reset closes c with a TCP reset (SO_LINGER 0) rather than a graceful
// FIN, as a failing network or a killed server does.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}
