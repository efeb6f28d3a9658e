package api_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/backend/stripeconnect"
)

// The bad-input corpus (issue 12): every route of /v1/openapi.json, asked
// by every kind of caller, with malformed bodies, wrong types, huge and
// negative numbers, long and control-laden strings, hostile path and query
// values, wrong content types and wrong methods. No answer may be a 5xx,
// every error must be the one JSON shape, and a refused request must leave
// the row count of every table as it was. At the end no stored text may
// hold a control or bidi control character (but tabs and line breaks).
//
// The requests go through a real listener (so fasthttp's own parsing and
// limits take part) to a server on its own database: the routes are dealt
// to corpusShards servers, which run in parallel (one server would take a
// minute under -race, one request after another). The corpus is bounded:
// every caller sends a good request of every route, and one caller sends
// the route's corpus: the anonymous caller on a public route, else the
// first caller the route admits (not 401 or 403). The corpus reaches the
// same code whichever admitted caller sends it, and a refused caller's
// request ends at authentication, before any input is read.
func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	routes := corpusRoutes(t)
	for shard := range corpusShards {
		t.Run(fmt.Sprintf("shard %d", shard), func(t *testing.T) {
			t.Parallel()
			var mine []corpusRoute
			for i, r := range routes {
				if i%corpusShards == shard {
					mine = append(mine, r)
				}
			}
			runCorpus(t, mine)
		})
	}
}

// corpusShards is how many servers the corpus's routes are dealt to.
const corpusShards = 2

// runCorpus sends routes' corpus to a server of its own, in order (sign-out
// last, if it is among them).
func runCorpus(t *testing.T, routes []corpusRoute) {
	c := newCorpus(t)
	sent := 0
	for _, r := range routes {
		t.Run(r.method+" "+r.pattern, func(t *testing.T) {
			var sender *corpusRequest
			for _, who := range c.callers {
				base := c.baseRequest(r, who)
				status := c.check(t, base)
				if sender == nil && (r.public || status != http.StatusUnauthorized && status != http.StatusForbidden) {
					sender = &base
				}
			}
			if sender == nil {
				t.Fatal("no caller got past authentication")
			}
			variants := c.variants(r, *sender)
			for _, req := range variants {
				c.check(t, req)
			}
			sent += len(c.callers) + len(variants)
		})
	}
	c.checkStoredText(t)
	t.Logf("%d requests", sent)
}

// corpusRoute is one operation of the OpenAPI document.
type corpusRoute struct {
	method, pattern string
	public          bool     // its security is []
	query, headers  []string // parameter names
	body            *openapi3.Schema
	bodyType        string // the first documented content type
}

// corpusRoutes reads the operations of the document, sign-out last: it
// ends the cookie callers' sessions.
func corpusRoutes(t *testing.T) []corpusRoute {
	var routes []corpusRoute
	for pattern, item := range loadOpenAPI(t).Paths.Map() {
		for method, op := range item.Operations() {
			r := corpusRoute{method: method, pattern: pattern, public: op.Security != nil && len(*op.Security) == 0}
			for _, p := range append(item.Parameters, op.Parameters...) {
				switch p.Value.In {
				case "query":
					r.query = append(r.query, p.Value.Name)
				case "header":
					r.headers = append(r.headers, p.Value.Name)
				}
			}
			if op.RequestBody != nil {
				r.bodyType, r.body = firstContent(op.RequestBody.Value.Content)
			}
			routes = append(routes, r)
		}
	}
	slices.SortFunc(routes, func(a, b corpusRoute) int {
		return strings.Compare(sortKey(a), sortKey(b))
	})
	return routes
}

func sortKey(r corpusRoute) string {
	if r.pattern == "/v1/auth/logout" {
		return "~"
	}
	return r.pattern + " " + r.method
}

// firstContent is the content type a good request of a body sends,
// application/json when the body takes it, else the first by name, and
// its schema.
func firstContent(content openapi3.Content) (string, *openapi3.Schema) {
	types := slices.Sorted(maps.Keys(content))
	if slices.Contains(types, "application/json") {
		types[0] = "application/json"
	}
	return types[0], content[types[0]].Schema.Value
}

// corpus is the server under test, its callers and the values a good
// request of each would carry.
type corpus struct {
	ts      *testServer
	baseURL string // http://127.0.0.1:PORT
	client  *http.Client
	callers []corpusCaller
	// good holds a valid value per path parameter, query parameter and
	// body property name, so that the corpus reaches past the first
	// check of each route.
	good   map[string]any
	counts *sql.Stmt // every table's row count in one row
	tables []string
}

// corpusCaller is a kind of caller: the headers it sends.
type corpusCaller struct {
	name    string
	headers []string
}

func newCorpus(t *testing.T) *corpus {
	t.Helper()
	_, provider := newFakeStripe(t)
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams = auth.TestParams
		db := svc.Catalog.(*sqlite.DB)
		svc.Events, svc.Funnels = analytics.New(svc.Tokens, db, analytics.Options{}), db
		svc.Auth, svc.Accounts, svc.Transfers, svc.Admin = db, db, db, db
		svc.StripeOnboarding = &stripeconnect.Onboarding{Provider: provider, Accounts: db, Tokens: svc.Tokens}
		svc.StripeWebhooks = &stripeconnect.Webhooks{Secrets: []string{whSecret}, Refunds: provider,
			Orders: db, Accounts: db, Logger: svc.Logger, Now: svc.Now}
	})
	c := &corpus{ts: ts, client: &http.Client{Timeout: 10 * time.Second}}
	c.baseURL = serve(t, ts, listen(t))
	c.openCounts(t)
	c.setUp(t)
	return c
}

// openCounts prepares the query of every table's row count on a
// connection of its own to the server's database file.
func (c *corpus) openCounts(t *testing.T) {
	t.Helper()
	db, err := sql.Open("sqlite", c.ts.dbPath+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	must(t, err)
	t.Cleanup(func() { db.Close() })
	rows, err := db.QueryContext(t.Context(), `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	must(t, err)
	for rows.Next() {
		var name string
		must(t, rows.Scan(&name))
		c.tables = append(c.tables, name)
	}
	must(t, rows.Err())
	var parts []string
	for _, name := range c.tables {
		parts = append(parts, `(SELECT COUNT(*) FROM "`+name+`")`)
	}
	c.counts, err = db.PrepareContext(t.Context(), "SELECT "+strings.Join(parts, ", "))
	must(t, err)
}

// rowCounts reads every table's row count.
func (c *corpus) rowCounts(t *testing.T) []int64 {
	t.Helper()
	counts := make([]int64, len(c.tables))
	dest := make([]any, len(counts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	must(t, c.counts.QueryRowContext(t.Context()).Scan(dest...))
	return counts
}

// corpusFixture is what the corpus's callers own: a merchant with a
// product, a widget and a paid order, its cookie and its keys.
type corpusFixture struct {
	merchantID string
	cookie     browser
	key        []string // the merchant's API key's headers
	product    map[string]any
	widgetID   string
	order      checkoutReply
	spareKeyID string // a key the corpus may revoke
	cardToken  string
	codeID     string // a discount code of the merchant
}

// setUp makes the fixture, the callers and the good values.
func (c *corpus) setUp(t *testing.T) {
	t.Helper()
	f := c.fixture(t)
	c.good = c.goodValues(f)
	c.callers = []corpusCaller{
		{"anonymous", nil},
		{"merchant key", f.key},
		{"publisher key", partyKey(t, c.ts, buycard.PartyPublisher, demoPublisher)},
		{"operator", operator},
		{"merchant cookie", f.cookie.headers()},
		{"admin cookie", adminBrowser(t, c.ts).headers()},
		{"order token", []string{"Authorization", "Bearer " + f.order.OrderToken}},
		{"forged credentials", []string{"Authorization", "Bearer bc_test_" + strings.Repeat("A", 43), "Cookie", "buycard_session=forged"}},
	}
}

// fixture signs a merchant up, lets it take payments, and makes its
// objects through the API.
func (c *corpus) fixture(t *testing.T) corpusFixture {
	t.Helper()
	ts := c.ts
	var f corpusFixture
	f.cookie, _ = signup(t, ts, "corpus@example.com", "merchant")
	_, body := ts.do(t, "GET", "/v1/auth/me", "", "", f.cookie.headers()...)
	var me struct{ User buycard.User }
	must(t, json.Unmarshal([]byte(body), &me))
	f.merchantID = me.User.PartyID
	must(t, ts.db.LinkPaymentAccount(t.Context(), &buycard.PaymentAccount{ID: "acct_corpus", PartyKind: buycard.PartyMerchant,
		PartyID: f.merchantID, ChargesEnabled: true, UpdatedAt: ts.now}))
	f.key = partyKey(t, ts, buycard.PartyMerchant, f.merchantID)
	f.product = c.create(t, "/v1/products", productBody, f.key)
	f.widgetID = c.create(t, "/v1/widgets", jsonBody(map[string]any{"product_id": f.product["id"]}), f.key)["id"].(string)
	f.order = ts.checkout(t, f.widgetID, 0, 1)
	if resp, body := ts.payOrder(t, f.order); resp.StatusCode != 200 {
		t.Fatalf("pay = %d %s", resp.StatusCode, body)
	}
	f.spareKeyID = c.create(t, "/v1/keys", `{"name":"spare"}`, f.cookie.headers())["key"].(map[string]any)["id"].(string)
	f.cardToken = ts.cardToken(t, f.widgetID)
	f.codeID = c.create(t, "/v1/discount-codes", `{"code":"CORPUS10","percent_bps":1000}`, f.key)["id"].(string)
	return f
}

// goodValues are the values of a good request: path parameters by their
// route's noun, then query parameters, headers and body properties by
// name.
func (c *corpus) goodValues(f corpusFixture) map[string]any {
	variantID := f.product["variants"].([]any)[0].(map[string]any)["id"]
	today := c.ts.now.UTC().Format(buycard.DayLayout)
	return map[string]any{
		"products/{id}": f.product["id"], "widgets/{id}": f.widgetID, "orders/{id}": f.order.Order.ID,
		"keys/{id}": f.spareKeyID, "placements/{id}": "plc_feednotebook", "discount-codes/{id}": f.codeID,
		"{widget}": f.widgetID, "{party}": buycard.PartyMerchant, "connect/{party}/{id}": f.merchantID,

		"ids": f.widgetID, "lang": "en", "widget": f.widgetID, "placement": "plc_feednotebook",
		"party": "merchant:" + f.merchantID, "account": "merchant:" + f.merchantID + ":payable:USD", "by": "placement",
		"from": today, "to": today, "status": "paid", "limit": 10, "currency": "USD", "format": "json",
		"t": f.cardToken, "token": f.cardToken, "variant_id": variantID, "id": variantID, "quantity": 1,
		"product_id": f.product["id"], "widget_id": "wgt_notebook", "email": "corpus2@example.com", "password": password,
		"role": "merchant", "name": "Corpus", "title": "Corpus mug", "cta": "Buy", "theme_color": "#1d4ed8",
		"outcome": "opened", "amount": 100, "price": 1200, "stock": 3, "max_per_order": 2, "country": "FR", "v": 1,
		"page": "AbCdEfGhIjKlMnOpQrSt_-", "type": "click", "at": c.ts.now.UnixMilli(), "url": "https://cdn.example.com/a.png",
		"client_secret": f.order.Payment.ClientSecret, "card_number": "4242424242424242",
		"Idempotency-Key": "corpus-refund", "code": "CORPUS10", "percent_bps": 1500, "Stripe-Signature": "t=1,v1=00",
		// A checkout of the corpus's product, which does not ship: a buyer
		// with a phone, the merchant's code, no address.
		"phone": "+1 212 555 0100", "discount_code": "CORPUS10", "ship_to": nil, "shipping_rate_id": "",
	}
}

// create posts body to path and returns the object of its 201 answer.
func (c *corpus) create(t *testing.T, path, body string, headers []string) map[string]any {
	t.Helper()
	resp, got := c.ts.do(t, "POST", path, "application/json", body, headers...)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s = %d %s", path, resp.StatusCode, got)
	}
	var v map[string]any
	must(t, json.Unmarshal([]byte(got), &v))
	return v
}

// corpusRequest is one request of the corpus.
type corpusRequest struct {
	name, method, path, contentType, body string
	headers                               []string
}

// baseRequest is a good request of route r by caller who: good path
// values, good header parameters and a good body.
func (c *corpus) baseRequest(r corpusRoute, who corpusCaller) corpusRequest {
	base := corpusRequest{name: who.name, method: r.method, path: c.path(r, nil), headers: c.headers(r, who)}
	if q := c.goodQuery(r); len(q) > 0 {
		base.path += "?" + q.Encode()
	}
	if r.body != nil {
		base.contentType, base.body = r.bodyType, c.encode(c.sample(r.body, ""))
	}
	return base
}

// variants are the bad requests made from base: wrong methods, hostile
// path, query and header values, and for a route with a body malformed
// bodies, wrong content types and hostile body values.
func (c *corpus) variants(r corpusRoute, base corpusRequest) []corpusRequest {
	out := c.methodVariants(r, base)
	out = append(out, c.pathVariants(r, base)...)
	out = append(out, c.queryVariants(r, base)...)
	out = append(out, c.headerVariants(r, base)...)
	if r.body != nil {
		out = append(out, c.malformedVariants(base)...)
		out = append(out, c.bodyVariants(r, base)...)
	}
	return out
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// path fills r's path parameters with the good value for their noun, or
// with hostile when it is set.
func (c *corpus) path(r corpusRoute, hostile *string) string {
	return pathParam.ReplaceAllStringFunc(r.pattern, func(param string) string {
		if hostile != nil {
			return *hostile
		}
		return fmt.Sprint(c.goodPathValue(r.pattern, param))
	})
}

// goodPathValue is the value of param in pattern: by "noun/{param}"
// first ("products/{id}"), then by the parameter alone.
func (c *corpus) goodPathValue(pattern, param string) any {
	before, _, _ := strings.Cut(pattern, param)
	segments := strings.Split(strings.TrimSuffix(before, "/"), "/")
	for i := len(segments) - 1; i >= 0; i-- {
		if v, ok := c.good[strings.Join(segments[i:], "/")+"/"+param]; ok {
			return v
		}
	}
	return c.good[param]
}

// hostileText are strings no route should choke on: empty, long,
// control-laden, bidi, invalid as ids or numbers, SQL and markup.
var hostileText = []string{
	"", strings.Repeat("A", 5000), "a\x00b", "\x1b[31m", "line\nbreak", "\u0085next", "\u202egnp.exe",
	"\u2066isolate\u2069", "\U0001F600", "'; DROP TABLE orders; --", "<script>alert(1)</script>", "../../etc/passwd",
	"-1", "99999999999999999999", "wgt_",
}

// hostilePath are path segments, already escaped.
var hostilePath = []string{"x", "%00", "%E2%80%AE", "..%2F..%2Fetc", strings.Repeat("a", 300), "wgt_%F0%9F%98%80", "-1", "%25"}

func (c *corpus) pathVariants(r corpusRoute, base corpusRequest) []corpusRequest {
	if !strings.Contains(r.pattern, "{") {
		return nil
	}
	var out []corpusRequest
	for _, v := range hostilePath {
		req := base
		req.name, req.path = base.name+" path "+v, c.path(r, &v)
		out = append(out, req)
	}
	return out
}

// maxQueryText keeps a request line within fasthttp's read buffer: a
// longer one is refused (431, TestServerErrorsAreJSON) and the connection
// closed while the client may still be writing, which reads as a network
// error rather than an answer.
const maxQueryText = 1000

func (c *corpus) queryVariants(r corpusRoute, base corpusRequest) []corpusRequest {
	var out []corpusRequest
	for _, name := range r.query {
		for _, v := range hostileText {
			v = v[:min(len(v), maxQueryText)]
			q := c.goodQuery(r)
			q.Set(name, v)
			req := base
			req.name, req.path = fmt.Sprintf("%s ?%s=%.40q", base.name, name, v), c.path(r, nil)+"?"+q.Encode()
			out = append(out, req)
		}
		q := c.goodQuery(r)
		q.Add(name, "twice")
		req := base
		req.name, req.path = base.name+" ?"+name+" twice", c.path(r, nil)+"?"+q.Encode()
		out = append(out, req)
	}
	return out
}

// goodQuery is every query parameter of r with its good value.
func (c *corpus) goodQuery(r corpusRoute) url.Values {
	q := url.Values{}
	for _, name := range r.query {
		if v, ok := c.good[name]; ok {
			q.Set(name, fmt.Sprint(v))
		}
	}
	return q
}

// headers are who's headers and the good value of r's header parameters.
func (c *corpus) headers(r corpusRoute, who corpusCaller) []string {
	h := slices.Clone(who.headers)
	for _, name := range r.headers {
		h = append(h, name, fmt.Sprint(c.good[name]))
	}
	return h
}

// headerVariants send each header parameter long, non-ASCII and empty.
// (net/http refuses control characters in header values, as browsers do.)
func (c *corpus) headerVariants(r corpusRoute, base corpusRequest) []corpusRequest {
	var out []corpusRequest
	for _, name := range r.headers {
		for _, v := range []string{"", strings.Repeat("k", 3000), "\u202eé", "t=99999999999999999999,v1=zz"} {
			req := base
			req.name, req.headers = fmt.Sprintf("%s %s: %.20q", base.name, name, v), append(slices.Clone(base.headers), name, v)
			out = append(out, req)
		}
	}
	return out
}

// methodVariants send the route's path with other methods.
func (c *corpus) methodVariants(r corpusRoute, base corpusRequest) []corpusRequest {
	var out []corpusRequest
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "FOO"} {
		if m == r.method {
			continue
		}
		req := base
		req.name, req.method = base.name+" method "+m, m
		out = append(out, req)
	}
	return out
}

// malformedBodies are bodies no JSON route can read as its object. They
// stay within the server's body limit, for the reason of maxQueryText.
var malformedBodies = []string{
	"", "{", "}", "[]", "null", `"text"`, "1", "true", `{"a":1}{"b":2}`, "{\"x\":\x00}", "\xff\xfe{}",
	"\ufeff{}", strings.Repeat("[", 20000), `{"__proto__":{"admin":true}}`, strings.Repeat(`{"a":`, 5000),
}

// wrongTypes are content types that are not the route's.
var wrongTypes = []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
	"multipart/form-data; boundary=zz", "application/json; charset=utf-16", "application/xml", "image/png", ";;;"}

// malformedVariants send base with malformed bodies and wrong content
// types.
func (c *corpus) malformedVariants(base corpusRequest) []corpusRequest {
	var out []corpusRequest
	for _, b := range malformedBodies {
		req := base
		req.name, req.body = fmt.Sprintf("%s body %.30q", base.name, b), b
		out = append(out, req)
	}
	for _, ct := range wrongTypes {
		req := base
		req.name, req.contentType = base.name+" content type "+ct, ct
		out = append(out, req)
	}
	return out
}

// bodyVariants send base's body with each of its values replaced by each
// hostile value.
func (c *corpus) bodyVariants(r corpusRoute, base corpusRequest) []corpusRequest {
	var out []corpusRequest
	sample, ok := c.sample(r.body, "").(map[string]any)
	if !ok {
		return out
	}
	for _, path := range leaves(sample, "") {
		for _, v := range hostileValues() {
			req := base
			req.name, req.body = fmt.Sprintf("%s %s=%.40v", base.name, path, v), c.encode(replaced(sample, path, v))
			out = append(out, req)
		}
	}
	return out
}

// hostileValues replace one value of a good body: every JSON type,
// numbers at and past the limits, and the hostile strings.
func hostileValues() []any {
	values := []any{nil, true, 0, -1, 1.5, json.Number("9223372036854775807"), json.Number("-9223372036854775808"),
		json.Number("1e308"), json.Number("2147483648"), []any{}, map[string]any{}}
	for _, s := range hostileText {
		values = append(values, s)
	}
	return values
}

// sample is a good value of schema s for the property named name.
func (c *corpus) sample(s *openapi3.Schema, name string) any {
	if v, ok := c.good[name]; ok {
		return v
	}
	switch {
	case len(s.Enum) > 0:
		return s.Enum[len(s.Enum)-1]
	case s.Type.Is("object") || len(s.Properties) > 0:
		obj := map[string]any{}
		for prop, ps := range s.Properties {
			obj[prop] = c.sample(ps.Value, prop)
		}
		return obj
	case s.Type.Includes("array"):
		return []any{c.sample(s.Items.Value, "")}
	case s.Type.Includes("integer"), s.Type.Includes("number"):
		return 1
	case s.Type.Includes("boolean"):
		return false
	}
	return "x"
}

// leaves lists the paths of v's scalar values ("variants.0.price").
func leaves(v any, prefix string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, leaves(v[k], prefix+k+".")...)
		}
	case []any:
		for i, e := range v {
			out = append(out, leaves(e, fmt.Sprintf("%s%d.", prefix, i))...)
		}
		out = append(out, strings.TrimSuffix(prefix, "."))
	default:
		out = append(out, strings.TrimSuffix(prefix, "."))
	}
	return out
}

// replaced is a deep copy of v with the value at path set to with.
func replaced(v any, path string, with any) any {
	if path == "" {
		return with
	}
	head, rest, _ := strings.Cut(path, ".")
	switch v := v.(type) {
	case map[string]any:
		cp := maps.Clone(v)
		cp[head] = replaced(v[head], rest, with)
		return cp
	case []any:
		cp := slices.Clone(v)
		var i int
		fmt.Sscan(head, &i)
		cp[i] = replaced(v[i], rest, with)
		return cp
	}
	return with
}

func (c *corpus) encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// check sends req and checks its answer: no 5xx, errors in the JSON
// shape with nosniff, and nothing stored for a refused request. It
// returns the status.
func (c *corpus) check(t *testing.T, req corpusRequest) int {
	t.Helper()
	before := c.rowCounts(t)
	status, header, body := c.send(t, req)
	where := fmt.Sprintf("%s %s (%s)", req.method, truncated(req.path, 120), req.name)
	switch {
	case status >= 500:
		t.Errorf("%s = %d %s", where, status, truncated(body, 300))
	case status >= 400 && req.method != "HEAD" && !isErrorReply(header, body):
		t.Errorf("%s = %d, not the JSON error shape: %s %s", where, status, header.Get("Content-Type"), truncated(body, 300))
	}
	if header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s = %d without X-Content-Type-Options: nosniff", where, status)
	}
	if after := c.rowCounts(t); status >= 400 && !slices.Equal(before, after) {
		t.Errorf("%s = %d, refused, but rows changed: %s", where, status, c.countDiff(before, after))
	}
	return status
}

// send sends req; a connection the server closes early reads as status 0.
func (c *corpus) send(t *testing.T, req corpusRequest) (int, http.Header, string) {
	t.Helper()
	hr, err := http.NewRequestWithContext(t.Context(), req.method, c.baseURL+req.path, strings.NewReader(req.body))
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	if req.contentType != "" {
		hr.Header.Set("Content-Type", req.contentType)
	}
	for i := 0; i+1 < len(req.headers); i += 2 {
		hr.Header.Set(req.headers[i], req.headers[i+1])
	}
	resp, err := c.client.Do(hr)
	if err != nil {
		t.Errorf("%s %s (%s): %v", req.method, truncated(req.path, 120), req.name, err)
		return 0, http.Header{}, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// isErrorReply reports whether a response is {"error":{"code","message"}}
// with a known code, as JSON.
func isErrorReply(h http.Header, body string) bool {
	e, ok := buycard.DecodeError([]byte(body))
	return ok && strings.HasPrefix(h.Get("Content-Type"), "application/json") && slices.Contains(errorCodes, e.Code)
}

var errorCodes = []string{buycard.EINVALID, buycard.ENOTFOUND, buycard.ECONFLICT, buycard.EUNAUTHORIZED,
	buycard.EFORBIDDEN, buycard.EPAYMENT, buycard.ERATELIMIT}

func (c *corpus) countDiff(before, after []int64) string {
	var diff []string
	for i, name := range c.tables {
		if before[i] != after[i] {
			diff = append(diff, fmt.Sprintf("%s %d→%d", name, before[i], after[i]))
		}
	}
	return strings.Join(diff, ", ")
}

// checkStoredText fails when any text column of any table holds a
// control character (but tab and line breaks) or a bidi control: what the
// corpus sent was refused or stored clean.
func (c *corpus) checkStoredText(t *testing.T) {
	t.Helper()
	db, err := sql.Open("sqlite", c.ts.dbPath+"?_pragma=query_only(1)")
	must(t, err)
	defer db.Close()
	for _, table := range c.tables {
		for _, col := range textColumns(t, db, table) {
			rows, err := db.QueryContext(t.Context(), fmt.Sprintf(`SELECT "%s" FROM "%s" WHERE "%s" IS NOT NULL`, col, table, col))
			must(t, err)
			for rows.Next() {
				var s string
				must(t, rows.Scan(&s))
				if i := strings.IndexFunc(s, forbiddenInText); i >= 0 {
					t.Errorf("%s.%s holds %q: %.60q", table, col, []rune(s[i:])[0], s)
				}
			}
			must(t, rows.Err())
		}
	}
}

// forbiddenInText reports control characters but tab and line breaks,
// and the bidi embedding, override and isolate controls.
func forbiddenInText(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || 0x7f <= r && r <= 0x9f ||
		0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069
}

// textColumns are the TEXT columns of table.
func textColumns(t *testing.T, db *sql.DB, table string) []string {
	rows, err := db.QueryContext(t.Context(), `SELECT name FROM pragma_table_info(?) WHERE type = 'TEXT'`, table)
	must(t, err)
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name string
		must(t, rows.Scan(&name))
		cols = append(cols, name)
	}
	must(t, rows.Err())
	return cols
}
