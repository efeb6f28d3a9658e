package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/sqlite"
)

// newFullServer is the test server with every optional service on, so that
// every /v1 route is registered. The Stripe services are stubs: the route
// tests only need them present.
func newFullServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams = auth.TestParams
		db := svc.Catalog.(*sqlite.DB)
		svc.Events, svc.Funnels = analytics.New(svc.Tokens, db, analytics.Options{}), db
		svc.Auth, svc.Accounts, svc.Transfers, svc.Admin = db, db, db, db
		svc.StripeWebhooks, svc.StripeOnboarding = stripeStub{}, stripeStub{}
		svc.Reconciliation = sandboxReconciliation{db}
	})
}

// stripeStub stands in for the Stripe services; it is never called.
type stripeStub struct{}

var errStub = buycard.Errorf(buycard.EINTERNAL, "stub")

func (stripeStub) Handle(context.Context, []byte, string) error { return errStub }
func (stripeStub) Start(context.Context, string, string, string, string) (*buycard.OnboardingLink, error) {
	return nil, errStub
}
func (stripeStub) Refresh(context.Context, string) (*buycard.OnboardingLink, error) {
	return nil, errStub
}
func (stripeStub) Return(context.Context, string) (*buycard.PaymentAccount, error) {
	return nil, errStub
}
func (stripeStub) FindPaymentAccount(context.Context, string, string) (*buycard.PaymentAccount, error) {
	return nil, errStub
}

// loadOpenAPI parses and validates the embedded document.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPIDocument())
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	return doc
}

var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// TestOpenAPIRouteParity fails when a /v1 route of the server is not in
// the document, or the document describes one the server does not have.
func TestOpenAPIRouteParity(t *testing.T) {
	t.Parallel()
	ts := newFullServer(t)
	served := map[string]bool{}
	for _, r := range ts.App().GetRoutes(true) {
		if r.Method == http.MethodHead || !strings.HasPrefix(r.Path, "/v1/") {
			continue
		}
		path := fiberParam.ReplaceAllString(strings.TrimSuffix(r.Path, "/"), "{$1}")
		served[r.Method+" "+path] = true
	}
	documented := map[string]bool{}
	for path, item := range loadOpenAPI(t).Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	if len(served) < 20 {
		t.Fatalf("only %d /v1 routes registered: are the optional services on?", len(served))
	}
	var missing, stale []string
	for r := range served {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for r := range documented {
		if !served[r] {
			stale = append(stale, r)
		}
	}
	slices.Sort(missing)
	slices.Sort(stale)
	if len(missing) > 0 {
		t.Errorf("routes missing from backend/api/openapi.json:\n\t%s", strings.Join(missing, "\n\t"))
	}
	if len(stale) > 0 {
		t.Errorf("backend/api/openapi.json describes routes the server does not have:\n\t%s", strings.Join(stale, "\n\t"))
	}
}

// TestOpenAPIDocumentValid checks the document against OpenAPI 3.1 and
// what this API promises of it.
func TestOpenAPIDocumentValid(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	if !doc.IsOpenAPI31OrLater() || !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Errorf("servers = %v, want the relative /", doc.Servers)
	}
	ids := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s: needs an operationId and a summary", where)
			}
			if other, ok := ids[op.OperationID]; ok {
				t.Errorf("%s: operationId %s is %s's too", where, op.OperationID, other)
			}
			ids[op.OperationID] = where
			if op.Security == nil {
				t.Errorf("%s: state its security ([] when public)", where)
			}
			if op.Responses.Len() == 0 {
				t.Errorf("%s: no responses", where)
			}
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/v1/openapi.json", "", "")
	if resp.StatusCode != 200 || body != string(api.OpenAPIDocument()) {
		t.Fatalf("GET /v1/openapi.json = %d, %d bytes", resp.StatusCode, len(body))
	}
	for h, want := range map[string]string{
		"Content-Type": "application/json", "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if resp, _ := ts.do(t, "GET", "/v1/openapi.json", "", "", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("with If-None-Match = %d, want 304", resp.StatusCode)
	}
}

// TestOpenAPIResponsesMatch validates real responses against the
// document: their status must be documented and their body fit its schema.
func TestOpenAPIResponsesMatch(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newFullServer(t)
	ref := "wgt_notebook:plc_feednotebook"
	order := ts.checkout(t, ref, 0, 1)
	check := func(method, pattern, path, contentType, body string, headers ...string) {
		t.Helper()
		resp, got := ts.do(t, method, path, contentType, body, headers...)
		validateResponse(t, doc, method, pattern, path, resp, got)
	}
	check("GET", "/v1/cards", "/v1/cards?ids="+ref+",wgt_nope", "", "")
	check("GET", "/v1/cards", "/v1/cards?ids=bad", "", "")
	check("GET", "/v1/embed/snippet", "/v1/embed/snippet?widget=wgt_notebook&placement=plc_feednotebook", "", "")
	check("GET", "/v1/embed/snippet", "/v1/embed/snippet?widget=nope", "", "")
	check("GET", "/v1/offers/{widget}", "/v1/offers/wgt_notebook?t="+ts.cardToken(t, ref), "", "")
	check("POST", "/v1/checkout", "/v1/checkout", "application/json", `{"token":"nope","variant_id":"var_x","quantity":1}`)
	check("POST", "/v1/checkout", "/v1/checkout", "text/plain", `{}`)
	check("GET", "/v1/orders/{id}", "/v1/orders/"+order.Order.ID, "", "", "Authorization", "Bearer "+order.OrderToken)
	check("GET", "/v1/orders/{id}", "/v1/orders/"+order.Order.ID, "", "")
	check("POST", "/v1/sandbox/pay", "/v1/sandbox/pay", "application/json", jsonBody(map[string]string{
		"client_secret": order.Payment.ClientSecret, "card_number": "4242 4242 4242 4242",
	}))
	op := []string{"Authorization", "Bearer " + operatorKey}
	check("GET", "/v1/ledger/orders/{id}", "/v1/ledger/orders/"+order.Order.ID, "", "", op...)
	check("GET", "/v1/ledger/balances", "/v1/ledger/balances?party=publisher:pub_dailyscroll", "", "", op...)
	check("GET", "/v1/ledger/statement", "/v1/ledger/statement?account=publisher:pub_dailyscroll:pending:USD", "", "", op...)
	check("GET", "/v1/ledger/verify", "/v1/ledger/verify", "", "", op...)
	check("GET", "/v1/ledger/verify", "/v1/ledger/verify", "", "")
	check("GET", "/v1/analytics/funnel", "/v1/analytics/funnel?widget=wgt_notebook", "", "", op...)
	check("POST", "/v1/ledger/orders/{id}/refunds", "/v1/ledger/orders/"+order.Order.ID+"/refunds", "application/json", `{"amount":100}`,
		append(op, "Idempotency-Key", "openapi-refund")...)
	check("GET", "/v1/analytics/funnel", "/v1/analytics/funnel?widget=wgt_notebook", "", "", op...)
	check("POST", "/v1/events", "/v1/events", "text/plain;charset=UTF-8", batch("k3v0q9abcdefghijklmnop", ts.event("click", ts.cardToken(t, ref))),
		"User-Agent", chromeUA)
	check("POST", "/v1/events", "/v1/events", "text/plain;charset=UTF-8", `{"v":2}`, "User-Agent", chromeUA)
	check("GET", "/v1/keys", "/v1/keys", "", "")

	resp, body := ts.do(t, "POST", "/v1/auth/signup", "application/json",
		`{"email":"ann@example.com","password":"`+password+`","role":"publisher","name":"Ann's"}`)
	validateResponse(t, doc, "POST", "/v1/auth/signup", "/v1/auth/signup", resp, body)
	resp, body = verify(ts, t, confirmationToken(t, ts, "ann@example.com"))
	validateResponse(t, doc, "POST", "/v1/auth/verify", "/v1/auth/verify", resp, body)
	check("POST", "/v1/auth/verify", "/v1/auth/verify", "application/json", `{"token":"spent or made up"}`)
	check("POST", "/v1/auth/password-reset/request", "/v1/auth/password-reset/request", "application/json", `{"email":"ann@example.com"}`)
	check("POST", "/v1/auth/password-reset/request", "/v1/auth/password-reset/request", "application/json", `{"email":"nope"}`)
	resp, body = login(ts, t, "ann@example.com", password)
	validateResponse(t, doc, "POST", "/v1/auth/login", "/v1/auth/login", resp, body)
	b := signedIn(t, resp, body)
	check("GET", "/v1/auth/me", "/v1/auth/me", "", "", b.headers()...)
	check("GET", "/v1/keys", "/v1/keys", "", "", b.headers()...)
	resp, body = ts.do(t, "POST", "/v1/keys", "application/json", `{"name":"ci"}`, b.headers()...)
	validateResponse(t, doc, "POST", "/v1/keys", "/v1/keys", resp, body)
	var key struct{ Key struct{ ID string } }
	if err := json.Unmarshal([]byte(body), &key); err != nil {
		t.Fatal(err)
	}
	check("GET", "/v1/keys", "/v1/keys", "", "", b.headers()...)
	check("DELETE", "/v1/keys/{id}", "/v1/keys/"+key.Key.ID, "", "", b.headers()...)
	check("POST", "/v1/keys", "/v1/keys", "application/json", `{"name":"no csrf"}`, "Cookie", b.cookie)
	check("POST", "/v1/auth/logout", "/v1/auth/logout", "", "", b.headers()...)
}

// validateResponse checks one response against the operation at pattern.
func validateResponse(t *testing.T, doc *openapi3.T, method, pattern, path string, resp *http.Response, body string) {
	t.Helper()
	item := doc.Paths.Value(pattern)
	if item == nil || item.GetOperation(method) == nil {
		t.Fatalf("%s %s is not documented", method, pattern)
	}
	route := &routers.Route{Spec: doc, Path: pattern, PathItem: item, Method: method, Operation: item.GetOperation(method)}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	opts.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return "/" + strings.Join(err.JSONPointer(), "/") + ": " + err.Reason
	})
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: httptest.NewRequest(method, path, nil), Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader([]byte(body))),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(t.Context(), in); err != nil {
		var pretty bytes.Buffer
		if json.Indent(&pretty, []byte(body), "", "  ") != nil {
			pretty.WriteString(body)
		}
		t.Errorf("%s %s → %d does not match the document: %v\n%s", method, path, resp.StatusCode, err, truncated(pretty.String(), 2000))
	}
}

func truncated(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
