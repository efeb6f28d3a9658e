package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
)

// newProductionServer is the test server in production mode.
func newProductionServer(t *testing.T) *testServer {
	return newTestServerWith(t, func(cfg *api.Config, _ *api.Services) { cfg.Production = true })
}

// TestSecurityHeaders checks that every kind of response, JSON, error,
// script, stylesheet and page, is nosniff, and carries HSTS in production
// only.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	for _, production := range []bool{false, true} {
		ts := newTestServer(t)
		if production {
			ts = newProductionServer(t)
		}
		token := url.QueryEscape(ts.cardToken(t, "wgt_notebook"))
		for _, path := range []string{
			"/v1/cards?ids=wgt_notebook", "/v1/cards", "/v1/nope", "/v1/openapi.json",
			"/buycard.js", "/web/checkout.js", "/web/checkout.css", "/app.js", "/wasm_exec.js", "/app-worker.js",
			"/p/wgt_notebook", "/p/wgt_nope", "/checkout/wgt_notebook?t=" + token, "/demo", "/nope",
		} {
			t.Run(fmt.Sprintf("production=%v %s", production, path), func(t *testing.T) {
				resp, _ := ts.do(t, "GET", path, "", "")
				if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("%d %s: X-Content-Type-Options = %q", resp.StatusCode, resp.Header.Get("Content-Type"), got)
				}
				want := ""
				if production {
					want = "max-age=31536000; includeSubDomains"
				}
				if got := resp.Header.Get("Strict-Transport-Security"); got != want {
					t.Errorf("Strict-Transport-Security = %q, want %q", got, want)
				}
			})
		}
	}
}

// TestProductPagePolicy: the hosted product page runs under a CSP as
// strict as the checkout's and cannot be framed.
func TestProductPagePolicy(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, _ := ts.do(t, "GET", "/p/wgt_notebook?pl=plc_feednotebook", "", "")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "style-src 'self';", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
}

// TestCheckoutFramingIsHTTPSOnly: an allowed domain frames the checkout
// over https only; http://localhost stays allowed in development only.
func TestCheckoutFramingIsHTTPSOnly(t *testing.T) {
	t.Parallel()
	const https = "'self' https://news.example https://news.example:* https://localhost https://localhost:*"
	for _, tt := range []struct {
		name       string
		production bool
		want       string
	}{
		{"development", false, https + " http://localhost:*"},
		{"production", true, https},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServerWith(t, func(cfg *api.Config, _ *api.Services) { cfg.Production = tt.production })
			w, err := ts.db.FindWidget(t.Context(), "wgt_notebook")
			must(t, err)
			w.AllowedDomains = []string{"news.example", "localhost"}
			must(t, ts.db.UpdateWidget(t.Context(), w))
			resp, body := ts.do(t, "GET", "/checkout/wgt_notebook?t="+url.QueryEscape(ts.cardToken(t, "wgt_notebook")), "", "")
			if resp.StatusCode != 200 {
				t.Fatalf("checkout = %d %s", resp.StatusCode, body)
			}
			if _, got, _ := strings.Cut(resp.Header.Get("Content-Security-Policy"), "frame-ancestors "); got != tt.want {
				t.Errorf("frame-ancestors %q, want %q", got, tt.want)
			}
		})
	}
}

// TestServerErrorsAreJSON sends requests that Fiber and fasthttp refuse
// themselves, before any route, on a real connection: under /v1 (and
// when the path is lost with the request) each answer is the one JSON
// error shape, and its message never quotes the request back.
func TestServerErrorsAreJSON(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	addr := strings.TrimPrefix(serve(t, ts, listen(t)), "http://")
	for _, tt := range []struct {
		name, request string
		status        int
		message       string // "" for an HTML page
	}{
		{"unknown method", "FOO /v1/cards HTTP/1.1\r\nHost: x\r\n\r\n", 405, "Method not allowed."},
		{"unknown method on a page", "FOO /demo HTTP/1.1\r\nHost: x\r\n\r\n", 405, ""},
		{"capital V1", "GET /V1/cards?ids=bad HTTP/1.1\r\nHost: x\r\n\r\n", 400, `"bad" is not a card reference (wgt_… or wgt_…:plc_…).`},
		{"/v1 itself", "GET /v1 HTTP/1.1\r\nHost: x\r\n\r\n", 404, "No such API endpoint: GET /v1."},
		{"headers too large", "GET /v1/cards HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 20000) + "\r\n\r\n", 431, "The request headers are too large."},
		{"bad Content-Length", "POST /v1/checkout HTTP/1.1\r\nHost: x\r\nContent-Length: secret-cookie\r\n\r\n", 400, "The request is malformed."},
		{"bad chunk", "POST /v1/checkout HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n", 400, "The request is malformed."},
		{"broken multipart", "POST /v1/keys HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=zz\r\nContent-Length: 10\r\n\r\n0123456789", 400, "The request is malformed."},
		{"body too large", "POST /v1/checkout HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", 413, "The request body is too large."},
		{"no request line", "GARBAGE\r\n\r\n", 400, "The request is malformed."},
		{"page not found", "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawRequest(t, addr, tt.request)
			if resp.StatusCode != tt.status || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("status = %d, want %d; headers %v", resp.StatusCode, tt.status, resp.Header)
			}
			if tt.message == "" {
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("page error = %s %s, want HTML", resp.Header.Get("Content-Type"), body)
				}
				return
			}
			e, ok := buycard.DecodeError([]byte(body))
			if !ok || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || e.Message != tt.message {
				t.Errorf("answer = %s %s, want the JSON error %q", resp.Header.Get("Content-Type"), body, tt.message)
			}
		})
	}
}

// rawRequest writes req as it is on a connection of its own and reads the
// answer.
func rawRequest(t *testing.T, addr, req string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	must(t, err)
	defer conn.Close()
	must(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(conn, req)
	must(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp, string(b)
}

// unavailableCatalog is a catalog whose database is down, as the stores
// report it (they mark driver errors of a lost database, see their tests).
type unavailableCatalog struct{ buycard.CatalogService }

var errDatabaseDown = fmt.Errorf("find card: %w: %w", buycard.ErrUnavailable, &net.OpError{Op: "dial", Err: context.DeadlineExceeded})

func (unavailableCatalog) FindCard(context.Context, string) (*buycard.Card, error) {
	return nil, errDatabaseDown
}

func (unavailableCatalog) FindCards(context.Context, []string) (map[string]*buycard.Card, error) {
	return nil, errDatabaseDown
}

// TestDatabaseOutageIs503: an unreachable database answers 503 with
// Retry-After, in the API's JSON and on pages, never 500.
func TestDatabaseOutageIs503(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func(_ *api.Config, svc *api.Services) {
		svc.Catalog = unavailableCatalog{svc.Catalog}
	})
	for _, path := range []string{"/v1/cards?ids=wgt_notebook", "/p/wgt_notebook"} {
		t.Run(path, func(t *testing.T) {
			resp, body := ts.do(t, "GET", path, "", "")
			if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "5" {
				t.Fatalf("status = %d, Retry-After %q; body %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
			}
			if strings.HasPrefix(path, "/v1/") {
				wantError(t, resp, body, 503, buycard.EUNAVAILABLE, buycard.ErrUnavailable.Message)
				validateResponse(t, loadOpenAPI(t), "GET", "/v1/cards", path, resp, body)
			}
		})
	}
}
