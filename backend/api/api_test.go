package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/demo"
	"github.com/buycard/buycard/backend/sandbox"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/backend/sqlitetest"
	"github.com/buycard/buycard/embed"
	"github.com/buycard/buycard/storefront"
)

const (
	publicURL   = "http://localhost:8080"
	operatorKey = "operator-key-for-the-api-tests"
)

// The loader and static files are the same for every test server and
// costly to compress (brotli 11), so the tests share them.
var (
	sharedLoader = sync.OnceValues(func() (*embed.Loader, error) { return embed.NewLoader(storefront.CardCSS) })
	sharedStatic = sync.OnceValue(func() map[string]*embed.Asset {
		files := storefront.StaticFiles()
		maps.Copy(files, demo.Files()) // as the server has them: the products' pictures
		return api.StaticAssets(files)
	})
)

// seeded is the demo database, migrated and seeded once; each test server
// starts from a copy of it.
var seeded = sqlitetest.NewTemplate(func(path string) error {
	db, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(migrateAndSeed(db), db.Close())
})

func migrateAndSeed(db *sqlite.DB) error {
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	return demo.Seed(ctx, db)
}

// testServer is the API on a fresh SQLite database seeded with the demo.
type testServer struct {
	*api.Server
	db     *sqlite.DB
	dbPath string
	tokens *buycard.TokenSigner
	now    time.Time
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, nil)
}

// newTestServerWith is newTestServer with configure changing the config
// and services before the server is built.
func newTestServerWith(t *testing.T, configure func(*api.Config, *api.Services)) *testServer {
	t.Helper()
	dbPath := seeded.Copy(t)
	db, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tokens, err := buycard.NewTokenSigner("k1", map[string][]byte{"k1": []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	loader, err := sharedLoader()
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{db: db, dbPath: dbPath, tokens: tokens, now: time.Now()}
	payments := sandbox.New([]byte("sandbox key for the api tests...."), time.Now)
	cfg := api.Config{
		PublicURL: publicURL, CardTTL: time.Minute, ResponseCacheTTL: 5 * time.Second, TokenTTL: 24 * time.Hour, OrderTTL: 30 * time.Minute,
		PlatformFee: buycard.PlatformFee{BPS: 875, Fixed: map[string]int64{"USD": 30}}, OperatorKey: operatorKey,
	}
	svc := api.Services{
		Catalog: db, Publishers: db, Orders: db, Ledger: db, Payments: payments, TestPayments: payments, Refunds: payments,
		Tokens: tokens, Loader: loader, Wasm: embed.NewAsset("application/wasm", []byte("\x00asm fake")),
		Static: sharedStatic(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ts.now },
	}
	if configure != nil {
		configure(&cfg, &svc)
	}
	ts.Server = api.New(cfg, svc)
	return ts
}

// requestTimeout bounds one request of a test, in milliseconds: long
// enough for the slowest answer under -race on a busy two-core machine
// (drawing a product's 1200 px PNG twin takes about 14 s there, 1 s
// without the race detector), short enough to name a hung handler.
const requestTimeout = 60_000

// do sends a request through Fiber's app.Test and returns status and body.
func (ts *testServer) do(t *testing.T, method, path, contentType, body string, headers ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	// A browser asks for the public URL's host; a "Host" header says
	// otherwise.
	req.Host = strings.TrimPrefix(publicURL, "http://")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.App().Test(req, requestTimeout)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// listen opens a loopback listener.
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	return ln
}

// serve runs the server on ln until the test ends and returns its base
// URL.
func serve(t *testing.T, ts *testServer, ln net.Listener) string {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- ts.Serve(ln) }()
	t.Cleanup(func() {
		must(t, ts.Shutdown(5*time.Second))
		must(t, <-done)
	})
	return "http://" + ln.Addr().String()
}

// cardToken fetches a placement token the way the loader does.
func (ts *testServer) cardToken(t *testing.T, ref string) string {
	t.Helper()
	_, body := ts.do(t, "GET", "/v1/cards?ids="+ref, "", "")
	var cards struct {
		Cards map[string]struct{ Token string }
	}
	if err := json.Unmarshal([]byte(body), &cards); err != nil || cards.Cards[ref].Token == "" {
		t.Fatalf("no token for %s in %s", ref, body)
	}
	return cards.Cards[ref].Token
}

// variant reads the variant at index i of a widget's product from the store.
func (ts *testServer) variant(t *testing.T, widgetID string, i int) buycard.Variant {
	t.Helper()
	card, err := ts.db.FindCard(t.Context(), widgetID)
	if err != nil {
		t.Fatal(err)
	}
	return card.Product.Variants[i]
}

func (ts *testServer) variantID(t *testing.T, widgetID string, i int) string {
	return ts.variant(t, widgetID, i).ID
}

func (ts *testServer) stock(t *testing.T, widgetID string, i int) int {
	return ts.variant(t, widgetID, i).Stock
}

// wantError checks a JSON error response.
func wantError(t *testing.T, resp *http.Response, body string, status int, code, message string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, status, body)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body is not JSON: %s", body)
	}
	if e.Error.Code != code || (message != "" && e.Error.Message != message) {
		t.Errorf("error = %+v, want code %q message %q", e.Error, code, message)
	}
}

func jsonBody(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
