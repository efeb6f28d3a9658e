package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/redisstore"
	"github.com/buycard/buycard/backend/redisstore/redistest"
)

// loginFrom signs in as email with pw from the client network ip.
func loginFrom(ts *testServer, t *testing.T, email, pw, ip string) (*http.Response, string) {
	t.Helper()
	return ts.do(t, "POST", "/v1/auth/login", "application/json",
		jsonBody(map[string]string{"email": email, "password": pw}), xff(ip)...)
}

const wrongPassword = "not the password, surely"

// wantThrottled checks a throttled sign-in: 429, our JSON error, and a
// Retry-After of wait that the message repeats. It returns the wait.
func wantThrottled(t *testing.T, resp *http.Response, body string, wait time.Duration) time.Duration {
	t.Helper()
	wantError(t, resp, body, http.StatusTooManyRequests, buycard.ERATELIMIT, "")
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || (wait > 0 && time.Duration(secs)*time.Second != wait) {
		t.Errorf("Retry-After = %q, want %v", resp.Header.Get("Retry-After"), wait)
	}
	if !strings.HasPrefix(jsonMessage(body), "Too many failed sign-ins. Try again in ") {
		t.Errorf("message = %q", jsonMessage(body))
	}
	return time.Duration(secs) * time.Second
}

// TestLoginThrottling fails ann's password from one network: five
// failures cost nothing, then each one doubles the wait, and a success
// starts afresh.
func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	signup(t, ts, "ann@example.com", "merchant")
	const home = "198.51.100.7"
	for range 5 {
		resp, body := loginFrom(ts, t, "ann@example.com", wrongPassword, home)
		wantError(t, resp, body, http.StatusUnauthorized, buycard.EUNAUTHORIZED, "Wrong email or password.")
	}
	for _, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		resp, body := loginFrom(ts, t, "Ann@Example.com", password, home)
		wantThrottled(t, resp, body, wait)
		if jsonMessage(body) != fmt.Sprintf("Too many failed sign-ins. Try again in %s.", seconds(wait)) {
			t.Errorf("message = %q", jsonMessage(body))
		}
		ts.now = ts.now.Add(wait)
		resp, body = loginFrom(ts, t, "ann@example.com", wrongPassword, home)
		wantError(t, resp, body, http.StatusUnauthorized, buycard.EUNAUTHORIZED, "")
	}
	resp, body := loginFrom(ts, t, "ann@example.com", password, home)
	wantThrottled(t, resp, body, 8*time.Second)
	ts.now = ts.now.Add(8 * time.Second)
	if resp, body := loginFrom(ts, t, "ann@example.com", password, home); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the wait = %d %s", resp.StatusCode, body)
	}
	// The success forgot the failures: five are free again.
	for range 5 {
		resp, body := loginFrom(ts, t, "ann@example.com", wrongPassword, home)
		wantError(t, resp, body, http.StatusUnauthorized, buycard.EUNAUTHORIZED, "")
	}
}

func seconds(d time.Duration) string {
	if d == time.Second {
		return "1 second"
	}
	return fmt.Sprintf("%d seconds", d/time.Second)
}

// TestLoginThrottleCannotLockOutTheOwner is the attack of issue 12,
// finding 5: wrong passwords for ann from rotating networks, then ann from
// her own network signs in at once.
func TestLoginThrottleCannotLockOutTheOwner(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	signup(t, ts, "ann@example.com", "merchant")
	for i := range 8 {
		attacker := fmt.Sprintf("203.0.113.%d", i+1)
		for range 6 {
			loginFrom(ts, t, "ann@example.com", wrongPassword, attacker)
		}
		resp, body := loginFrom(ts, t, "ann@example.com", wrongPassword, attacker)
		wantThrottled(t, resp, body, 0)
	}
	for _, tt := range []struct{ name, ip string }{
		{"ipv4", "198.51.100.7"},
		{"ipv6", "2001:db8:1:2::1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if resp, body := loginFrom(ts, t, "ann@example.com", password, tt.ip); resp.StatusCode != http.StatusOK {
				t.Errorf("the owner's sign-in = %d %s, want 200 at once", resp.StatusCode, body)
			}
		})
	}
}

// TestLoginThrottlePerNetwork sprays one password at many accounts from
// one network: past the network's free failures it waits, whatever the
// account, while other networks do not.
func TestLoginThrottlePerNetwork(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		authConfig(cfg, svc)
		cfg.LoginFailuresPerIP = 10
	})
	signup(t, ts, "ann@example.com", "merchant")
	const sprayer = "203.0.113.9"
	for i := range 10 {
		resp, body := loginFrom(ts, t, fmt.Sprintf("user%d@example.com", i), wrongPassword, sprayer)
		wantError(t, resp, body, http.StatusUnauthorized, buycard.EUNAUTHORIZED, "")
	}
	tests := []struct {
		name, email, ip string
		status          int
	}{
		{"another account from the network", "user10@example.com", sprayer, http.StatusTooManyRequests},
		{"a real account from the network", "ann@example.com", sprayer, http.StatusTooManyRequests},
		{"an ipv6 network", "user11@example.com", "2001:db8:9::1", http.StatusUnauthorized},
		{"another network", "ann@example.com", "198.51.100.7", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pw := wrongPassword
			if tt.status == http.StatusOK {
				pw = password
			}
			if resp, body := loginFrom(ts, t, tt.email, pw, tt.ip); resp.StatusCode != tt.status {
				t.Errorf("= %d %s, want %d", resp.StatusCode, body, tt.status)
			}
		})
	}
}

// authNode is one node of a cluster: a test server with accounts on whose
// limits count in the Redis at redisURL, logging to logs, on clock.
func authNode(t *testing.T, redisURL string, logs io.Writer, clock func() time.Time) *testServer {
	t.Helper()
	store, err := redisstore.Open(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		authConfig(cfg, svc)
		svc.RateLimits, svc.Now = store, clock
		svc.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
}

// randomNetwork is a client network of its own, so that runs against
// one Redis do not meet.
func randomNetwork() string {
	return netip.AddrFrom4([4]byte{10, byte(rand.IntN(256)), byte(rand.IntN(256)), byte(rand.IntN(256))}).String()
}

const outageWarning = "level=WARN msg=\"shared storage failed: rate limits"

// signupOnBoth signs up one account of an address of its own on each
// node, from network ip, and returns the address. The nodes' Redis
// outlives the test and counts the mail a sign-up sends per address and
// network (auth.Mailings), so each run has its own.
func signupOnBoth(t *testing.T, ip string, nodes ...*testServer) string {
	t.Helper()
	email := fmt.Sprintf("ann-%d@example.com", rand.Int64())
	for _, ts := range nodes {
		signup(t, ts, email, "merchant", xff(ip)...)
	}
	return email
}

// TestLoginThrottleWithRedisDownOrUp is issue 12, finding 2: with the
// shared storage unreachable, 30 wrong passwords are throttled after the
// free ones on each node, the right password is throttled, not a 500,
// and then signs in; one warning tells of the outage. With Redis up, the
// same runs shared by two nodes.
func TestLoginThrottleWithRedisDownOrUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		redisURL func(*testing.T) string
		shared   bool // the second node sees the first one's failures
		warnings int
	}{
		{"redis unreachable", func(*testing.T) string { return "redis://127.0.0.1:1/0" }, false, 1},
		{"redis up", func(t *testing.T) string { return redistest.URL(t) }, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Now()
			clock := func() time.Time { return now }
			var logsA, logsB syncBuffer
			url, ip := tt.redisURL(t), randomNetwork()
			a, b := authNode(t, url, &logsA, clock), authNode(t, url, &logsB, clock)
			ann := signupOnBoth(t, ip, a, b)
			for i := range 30 {
				resp, body := loginFrom(a, t, ann, wrongPassword, ip)
				if i < 5 {
					wantError(t, resp, body, http.StatusUnauthorized, buycard.EUNAUTHORIZED, "")
				} else {
					wantThrottled(t, resp, body, time.Second)
				}
			}
			resp, body := loginFrom(a, t, ann, password, ip)
			wantThrottled(t, resp, body, time.Second)
			resp, body = loginFrom(b, t, ann, wrongPassword, ip)
			if shared := resp.StatusCode == http.StatusTooManyRequests; shared != tt.shared {
				t.Errorf("the other node answered %d %s; shared = %v, want %v", resp.StatusCode, body, shared, tt.shared)
			}
			now = now.Add(10 * time.Second) // past the wait, and past a retry of Redis
			if resp, body := loginFrom(a, t, ann, password, ip); resp.StatusCode != http.StatusOK {
				t.Errorf("the right password after the wait = %d %s", resp.StatusCode, body)
			}
			for node, logs := range map[string]*syncBuffer{"first": &logsA, "second": &logsB} {
				if n := strings.Count(logs.String(), outageWarning); n != tt.warnings {
					t.Errorf("the %s node logged %d outage warnings, want %d:\n%s", node, n, tt.warnings, logs.String())
				}
			}
		})
	}
}

// TestLoginThrottleBackToRedis cuts two nodes off the Redis they share,
// and heals it: during the cut each node throttles on its own, after it
// they share again, and each node logs the cut once and the healing once.
func TestLoginThrottleBackToRedis(t *testing.T) {
	t.Parallel()
	proxy := newTCPProxy(t, redistest.URL(t))
	now := time.Now()
	clock := func() time.Time { return now }
	var logsA, logsB syncBuffer
	a, b := authNode(t, proxy.url, &logsA, clock), authNode(t, proxy.url, &logsB, clock)
	ip := randomNetwork()
	ann := signupOnBoth(t, ip, a, b)
	failOn := func(nodes ...*testServer) (*http.Response, string) {
		var resp *http.Response
		var body string
		for _, ts := range nodes {
			resp, body = loginFrom(ts, t, ann, wrongPassword, ip)
		}
		return resp, body
	}
	step := func(name string, status int, resp *http.Response, body string) {
		t.Helper()
		if resp.StatusCode != status {
			t.Fatalf("%s = %d %s, want %d", name, resp.StatusCode, body, status)
		}
	}

	resp, body := failOn(a, b, a, b, a, b)
	step("the sixth failure, shared by the nodes", http.StatusTooManyRequests, resp, body)
	now = now.Add(time.Second)
	resp, body = loginFrom(b, t, ann, password, ip)
	step("the right password after the wait", http.StatusOK, resp, body)

	proxy.cut(true)
	resp, body = failOn(a, a, a, a, a, a)
	step("the sixth failure on one node during the cut", http.StatusTooManyRequests, resp, body)
	resp, body = failOn(b)
	step("a failure on the other node during the cut", http.StatusUnauthorized, resp, body)

	proxy.cut(false)
	now = now.Add(10 * time.Second) // past the wait, and past a retry of Redis
	resp, body = loginFrom(a, t, ann, password, ip)
	step("the right password after the cut", http.StatusOK, resp, body)
	resp, body = failOn(b, a, b, a, b, a)
	step("the sixth failure, shared again", http.StatusTooManyRequests, resp, body)
	for node, logs := range map[string]*syncBuffer{"first": &logsA, "second": &logsB} {
		text := logs.String()
		if w, i := strings.Count(text, outageWarning), strings.Count(text, "shared storage answers again: rate limits"); w != 1 || i != 1 {
			t.Errorf("the %s node logged %d outage warnings and %d recoveries, want one each:\n%s", node, w, i, text)
		}
	}
}

// tcpProxy forwards connections to a Redis until cut: then it drops the
// connections it holds and every new one, as a network partition would,
// until healed.
type tcpProxy struct {
	url    string // redis:// of the proxy, with the target's database
	target string

	mu    sync.Mutex
	down  bool
	conns []net.Conn
}

func newTCPProxy(t *testing.T, redisURL string) *tcpProxy {
	t.Helper()
	u, err := url.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	p := &tcpProxy{target: u.Host}
	u.Host = ln.Addr().String()
	p.url = u.String()
	go p.serve(ln)
	t.Cleanup(func() { p.cut(true) })
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go p.forward(conn)
	}
}

// forward pipes conn to the target both ways while the proxy is up.
func (p *tcpProxy) forward(conn net.Conn) {
	upstream, err := net.Dial("tcp", p.target)
	if err != nil || !p.track(conn, upstream) {
		conn.Close()
		if upstream != nil {
			upstream.Close()
		}
		return
	}
	go func() { io.Copy(upstream, conn); upstream.Close() }()
	io.Copy(conn, upstream)
	conn.Close()
}

// track records a forwarded pair, or refuses it while cut.
func (p *tcpProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return false
	}
	p.conns = append(p.conns, conns...)
	return true
}

// cut drops every connection and refuses new ones; cut(false) heals.
func (p *tcpProxy) cut(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for _, c := range p.conns {
			c.Close()
		}
		p.conns = nil
	}
}

// TestSignupDoesNotTellWhichEmailsHaveAccounts is issue 12, finding 5:
// signing up with an email that has an account answers exactly as with
// one that has none, after the same work (an event each, which emails the
// address), and changes nothing of the account; the new address gets no
// account until its link is followed.
func TestSignupDoesNotTellWhichEmailsHaveAccounts(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	signup(t, ts, "ann@example.com", "merchant")
	answers := map[string]*http.Response{}
	bodies := map[string]string{}
	for _, email := range []string{"ANN@example.com", "new@example.com"} {
		resp, body := ts.do(t, "POST", "/v1/auth/signup", "application/json",
			jsonBody(map[string]string{"email": email, "password": "another long password", "role": "publisher", "name": "Squatter"}))
		answers[email], bodies[email] = resp, body
	}
	taken, free := answers["ANN@example.com"], answers["new@example.com"]
	wantSameAnswers(t, taken, bodies["ANN@example.com"], free, bodies["new@example.com"])
	if jsonField(bodies["new@example.com"], "message") != "Check your email to finish signing up." {
		t.Errorf("body = %s", bodies["new@example.com"])
	}
	ann, err := ts.db.FindUserByEmail(t.Context(), "ann@example.com")
	must(t, err)
	if n := countRows(t, ts, `SELECT count(*) FROM events WHERE type = 'user.sign_up' AND user_id = ?`, ann.ID); n != 1 {
		t.Errorf("%d sign-up events of ann's account, want 1 (the attempt, told to her)", n)
	}
	if n := countRows(t, ts, `SELECT count(*) FROM sign_ups WHERE email = 'ann@example.com'`); n != 0 {
		t.Errorf("a sign-up of ann's address waits for a link (%d)", n)
	}
	// Ann's account is unchanged; the new one signs in once confirmed.
	tests := []struct {
		name, email, pw string
		status          int
	}{
		{"ann's password", "ann@example.com", password, http.StatusOK},
		{"the squatter's password on ann's account", "ann@example.com", "another long password", http.StatusUnauthorized},
		{"the new account before its link", "new@example.com", "another long password", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		if resp, body := login(ts, t, tt.email, tt.pw); resp.StatusCode != tt.status {
			t.Errorf("%s: sign-in = %d %s, want %d", tt.name, resp.StatusCode, body, tt.status)
		}
	}
	if resp, body := verify(ts, t, confirmationToken(t, ts, "new@example.com")); resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 1 {
		t.Fatalf("confirmation = %d %s", resp.StatusCode, body)
	}
	if resp, body := login(ts, t, "new@example.com", "another long password"); resp.StatusCode != http.StatusOK {
		t.Errorf("the new account after its link: sign-in = %d %s", resp.StatusCode, body)
	}
	if u, err := ts.db.FindUserByEmail(t.Context(), "ann@example.com"); err != nil || u.Role != buycard.RoleMerchant {
		t.Errorf("ann = %+v, %v; want the merchant she was", u, err)
	}
}

// wantSameAnswers checks that two answers tell nothing apart: 202 both,
// the same body, the same headers but for the date and request id, and
// no session cookie.
func wantSameAnswers(t *testing.T, a *http.Response, aBody string, b *http.Response, bBody string) {
	t.Helper()
	if a.StatusCode != http.StatusAccepted || b.StatusCode != http.StatusAccepted {
		t.Errorf("status = %d and %d; want 202 for both", a.StatusCode, b.StatusCode)
	}
	if aBody != bBody {
		t.Errorf("bodies differ: %s / %s", aBody, bBody)
	}
	headers := func(resp *http.Response) http.Header {
		h := resp.Header.Clone()
		h.Del("Date")
		h.Del("X-Request-Id")
		return h
	}
	if ha, hb := headers(a), headers(b); fmt.Sprint(ha) != fmt.Sprint(hb) {
		t.Errorf("headers differ:\n%v\n%v", ha, hb)
	}
	if len(a.Cookies()) != 0 || len(b.Cookies()) != 0 {
		t.Error("the answer sets a session cookie")
	}
}

// jsonField is a string field of a JSON object body.
func jsonField(body, name string) string {
	var m map[string]any
	_ = json.Unmarshal([]byte(body), &m)
	s, _ := m[name].(string)
	return s
}
