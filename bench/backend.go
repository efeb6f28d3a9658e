package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

// browserEncodings is the Accept-Encoding Chromium sends (less zstd, which
// neither server speaks).
const browserEncodings = "gzip, deflate, br"

// endpoint is one request the backend section puts under load, and what a
// probe of it returned: the baseline answers the same status and content
// type with a body of the same size on the wire.
type endpoint struct {
	name, method, path string
	body               []byte // POST body
	// distinct makes every request's path different, by appending a
	// counter to it, so that the server cannot reuse a response.
	distinct bool
	// newBody, when set, builds each request's body instead of body;
	// header is set on every request, and newHeader, when set, adds to
	// each request's headers.
	newBody     func() []byte
	header      map[string]string
	newHeader   func(http.Header)
	sent        atomic.Int64
	status      int
	contentType string
	size        int
}

func (ep *endpoint) request(origin string) (*http.Request, error) {
	var body io.Reader
	if payload := ep.payload(); payload != nil {
		body = bytes.NewReader(payload)
	}
	path := ep.path
	if ep.distinct {
		path += strconv.FormatInt(ep.sent.Add(1), 36)
	}
	req, err := http.NewRequest(ep.method, origin+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept-Encoding", browserEncodings)
	if ep.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range ep.header {
		req.Header.Set(k, v)
	}
	if ep.newHeader != nil {
		ep.newHeader(req.Header)
	}
	return req, nil
}

// payload is the body of the next request.
func (ep *endpoint) payload() []byte {
	if ep.newBody != nil {
		return ep.newBody()
	}
	return ep.body
}

// backendEndpoints are the four hot paths: card data for 10 cards, the
// loader, the hosted product page, and checkout creation (sandbox provider).
// Card data runs twice: as pages ask for it (the server reuses a response
// for a few seconds) and with every request different, each built afresh
// (a language subtag counts up: "en-r1", "en-r2", …).
func (e *env) backendEndpoints(ctx context.Context) ([]*endpoint, error) {
	token, err := e.placementToken(ctx, e.widgets[0])
	if err != nil {
		return nil, err
	}
	checkout, _ := json.Marshal(map[string]any{"token": token, "variant_id": e.variant, "quantity": 1,
		"buyer": map[string]string{"email": "bench@example.com", "name": "Bench Shopper"}})
	eps := []*endpoint{
		{name: "card data, 10 ids (GET /v1/cards)", method: "GET", path: "/v1/cards?ids=" + strings.Join(e.widgets[:10], ",") + "&lang=en-US", status: 200},
		{name: "card data, 10 ids, every request built afresh", method: "GET", path: "/v1/cards?ids=" + strings.Join(e.widgets[:10], ",") + "&lang=en-r", distinct: true, status: 200},
		{name: "loader (GET /buycard.js)", method: "GET", path: "/buycard.js", status: 200},
		{name: "hosted product page (GET /p/…)", method: "GET", path: "/p/" + e.widgets[0], status: 200},
		{name: "checkout creation, sandbox (POST /v1/checkout)", method: "POST", path: "/v1/checkout", body: checkout, status: 201},
	}
	for _, ep := range eps {
		if err := e.probe(ctx, ep); err != nil {
			return nil, err
		}
	}
	return eps, nil
}

// probe sends ep once and records what the baseline must mirror.
func (e *env) probe(ctx context.Context, ep *endpoint) error {
	req, err := ep.request(e.host)
	if err != nil {
		return err
	}
	resp, err := loopbackClient(1).Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != ep.status {
		return fmt.Errorf("probe %s: status %d: %.200s", ep.name, resp.StatusCode, body)
	}
	ep.contentType, ep.size = resp.Header.Get("Content-Type"), len(body)
	return nil
}

// placementToken reads a card's placement token from the card-data API, as
// the loader does.
func (e *env) placementToken(ctx context.Context, widget string) (string, error) {
	var data struct {
		Cards map[string]struct{ Token string } `json:"cards"`
	}
	if err := e.getJSON(ctx, "/v1/cards?ids="+widget, &data); err != nil {
		return "", err
	}
	if data.Cards[widget].Token == "" {
		return "", fmt.Errorf("no token for %s", widget)
	}
	return data.Cards[widget].Token, nil
}

func (e *env) getJSON(ctx context.Context, path string, v any) error {
	b, err := e.get(ctx, path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// get returns the body of Buycard's 200 answer to GET path.
func (e *env) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", e.host+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := loopbackClient(1).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

// baselineApp is a minimal Fiber app with one route per endpoint that
// answers a fixed body of the endpoint's size, status and content type.
type baselineApp struct {
	app    *fiber.App
	origin string
}

func startBaseline(eps []*endpoint) (*baselineApp, error) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	for i, ep := range eps {
		body := bytes.Repeat([]byte("x"), ep.size)
		app.Add(ep.method, fmt.Sprintf("/b%d", i), func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, ep.contentType)
			return c.Status(ep.status).Send(body)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go app.Listener(ln)
	return &baselineApp{app: app, origin: "http://" + ln.Addr().String()}, nil
}

func (b *baselineApp) close() { b.app.ShutdownWithTimeout(5 * time.Second) }

// baselineEndpoint is ep as the baseline app serves it.
func baselineEndpoint(i int, ep *endpoint) *endpoint {
	return &endpoint{name: ep.name, method: ep.method, path: fmt.Sprintf("/b%d", i), body: ep.body, status: ep.status, contentType: ep.contentType, size: ep.size}
}

const backendTitle = "Backend throughput on loopback"

// loadFigures are the medians of one endpoint's repeated runs.
type loadFigures struct{ rps, p50, p99 []float64 }

func (f *loadFigures) add(r LoadResult) {
	p := r.LatencyMS(50, 99)
	f.rps, f.p50, f.p99 = append(f.rps, r.RPS()), append(f.p50, p[0]), append(f.p99, p[1])
}

// loadSettings bound every backend run.
type loadSettings struct {
	workers int
	each    time.Duration
	reps    int
}

// measureBackend loads each endpoint and its baseline in turn, interleaved
// so that drift in the machine's speed hits both alike.
func measureBackend(ctx context.Context, e *env, s loadSettings) Section {
	sec := Section{Title: backendTitle, Baseline: "a minimal Fiber handler returning a fixed body of the same status, type and size, in the same run", Notes: backendNotes(s)}
	eps, err := e.backendEndpoints(ctx)
	if err != nil {
		sec.Err = err
		return sec
	}
	base, err := startBaseline(eps)
	if err != nil {
		sec.Err = err
		return sec
	}
	defer base.close()
	for i, ep := range eps {
		bc, bl, err := loadPair(ctx, s, e.host, ep, base.origin, baselineEndpoint(i, ep))
		if err != nil {
			sec.Err = fmt.Errorf("%s: %w", ep.name, err)
			return sec
		}
		sec.Rows = append(sec.Rows, loadRows(ep, bc, bl)...)
	}
	return sec
}

// loadPair warms both servers up, then runs Buycard and the baseline
// alternately s.reps times.
func loadPair(ctx context.Context, s loadSettings, host string, ep *endpoint, baseHost string, baseEp *endpoint) (bc, bl loadFigures, err error) {
	run := func(origin string, ep *endpoint, l Load) (LoadResult, error) {
		l.Workers, l.Status = s.workers, ep.status
		l.NewRequest = func() (*http.Request, error) { return ep.request(origin) }
		return l.Run(ctx)
	}
	for _, warm := range []struct {
		origin string
		ep     *endpoint
	}{{host, ep}, {baseHost, baseEp}} {
		if _, err := run(warm.origin, warm.ep, Load{Requests: 200}); err != nil {
			return bc, bl, err
		}
	}
	for range s.reps {
		r, err := run(host, ep, Load{Duration: s.each})
		if err != nil {
			return bc, bl, err
		}
		bc.add(r)
		if r, err = run(baseHost, baseEp, Load{Duration: s.each}); err != nil {
			return bc, bl, err
		}
		bl.add(r)
	}
	return bc, bl, nil
}

func loadRows(ep *endpoint, bc, bl loadFigures) []Row {
	return []Row{
		{What: ep.name + ": throughput", Unit: rpsUnit, Buycard: Median(bc.rps), Baseline: Median(bl.rps)},
		{What: ep.name + ": p50 latency", Unit: msUnit, Buycard: Median(bc.p50), Baseline: Median(bl.p50)},
		{What: ep.name + ": p99 latency", Unit: msUnit, Buycard: Median(bc.p99), Baseline: Median(bl.p99)},
	}
}

func backendNotes(s loadSettings) []string {
	return []string{
		fmt.Sprintf("The Go load generator in `bench/load.go` runs closed-loop on loopback: %d workers, each with its own keep-alive connection, "+
			"send a request, read the whole response and send the next, for %v; after a 200-request warm-up, Buycard and the baseline run "+
			"alternately %d times and each figure is the median of those runs (latencies are per-run p50/p99, then the median over runs). "+
			"Buycard runs in the same process as the load generator, with Fiber's logging middleware writing to a discarding logger; "+
			"both share the machine's cores, so these are figures to compare, not capacity.", s.workers, s.each, s.reps),
		"Requests carry `Accept-Encoding: " + browserEncodings + "` as Chromium does. The baseline is a second, minimal Fiber app on 127.0.0.1:0 " +
			"in the same process, one handler per row returning a fixed body of the same status, `Content-Type` and size on the wire " +
			"as Buycard's response (the compressed size where Buycard compresses). Ratio is Buycard ÷ baseline: below 1 for throughput and " +
			"above 1 for latency mean Buycard does more work than writing the bytes. Checkout creation uses one placement token " +
			"(`GET /v1/cards` once) for a product seeded with 10⁹ units; each request creates a pending order and a sandbox payment session. The checkout rate limits are raised out of reach " +
			"(`BUYCARD_CHECKOUTS_PER_IP`, `_PER_PUBLISHER`): every checkout still passes both limiters, counted in memory.",
		"Card data and the product page are what a busy page sees: the server reuses a built response for 5 s (`ResponseCacheTTL`, compressed once; " +
			"browsers' `max-age` is shortened by the reuse). \"Built afresh\" gives every request its own language subtag, so each one reads the " +
			"catalog, renders 10 cards, signs 10 tokens and compresses: the cost of a cache miss.",
	}
}
