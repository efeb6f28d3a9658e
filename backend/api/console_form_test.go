package api_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/sqlite"
	browser_ "github.com/buycard/buycard/browser"
	"github.com/buycard/buycard/console"
	"github.com/buycard/buycard/embed"
)

// consoleForm is what a console form post answered: its status, where it
// went (303) and the page it showed otherwise.
type consoleForm struct {
	status   int
	location string
	page     string
	cookie   string // the session cookie it set, "" when none
}

// postConsole posts a console page's form as a browser on the console
// page does, with headers on top.
func postConsole(t *testing.T, ts *testServer, page string, form url.Values, headers ...string) consoleForm {
	t.Helper()
	resp, body := ts.postForm(t, "/console"+page, form, headers...)
	got := consoleForm{status: resp.StatusCode, location: resp.Header.Get("Location"), page: body}
	for _, c := range resp.Cookies() {
		if c.Value != "" {
			got.cookie = c.Name + "=" + c.Value
		}
	}
	return got
}

// newConsolePages is the test server with accounts and the console on,
// then configure's settings and services.
func newConsolePages(t *testing.T, configure ...func(*api.Config, *api.Services)) *testServer {
	t.Helper()
	return newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		authConfig(cfg, svc)
		// Every service the console's pages read, as a node has them.
		db := svc.Catalog.(*sqlite.DB)
		svc.Events, svc.Funnels = analytics.New(svc.Tokens, db, analytics.Options{}), db
		svc.Accounts, svc.Transfers, svc.Admin = db, db, db
		svc.Reconciliation = sandboxReconciliation{db}
		svc.ConsoleWasm = embed.NewAsset("application/wasm", []byte("\x00asm console"))
		for _, f := range configure {
			f(cfg, svc)
		}
	})
}

// crossSite is what a post from another site's page sends.
var crossSite = []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}

func TestConsoleSignInForm(t *testing.T) {
	t.Parallel()
	ts := newConsolePages(t)
	b, _ := signup(t, ts, "ann@example.com", "merchant")
	if _, page := ts.do(t, "GET", "/console/signin?next=%2Fconsole%2Forders", "", ""); !strings.Contains(page, `name="next" value="/console/orders"`) {
		t.Errorf("the sign-in link's page does not post its next along: %.300s", page)
	}
	sessions := func() int { return countRows(t, ts, `SELECT count(*) FROM sessions`) }
	for _, tt := range []struct {
		name       string
		form       url.Values
		headers    []string
		status     int
		location   string // of a sign-in
		page       string // of a refusal: its message
		newSession bool
	}{
		{name: "ok", form: url.Values{"email": {"ann@example.com"}, "password": {password}, "next": {"/console/products"}},
			status: 303, location: "/console/products", newSession: true},
		{name: "next off-site", form: url.Values{"email": {"ANN@example.com "}, "password": {password}, "next": {"//evil.example/console"}},
			status: 303, location: "/console", newSession: true},
		{name: "wrong password", form: url.Values{"email": {"ann@example.com"}, "password": {"not the password"}, "next": {"/console/orders"}},
			status: 401, page: "Wrong email or password."},
		{name: "cross-site", form: url.Values{"email": {"ann@example.com"}, "password": {password}}, headers: crossSite,
			status: 403},
		{name: "other origin", form: url.Values{"email": {"ann@example.com"}, "password": {password}},
			headers: []string{"Origin", "https://evil.example", "Sec-Fetch-Site", ""}, status: 403},
		{name: "session without its token", form: url.Values{"email": {"ann@example.com"}, "password": {password}},
			headers: []string{"Cookie", b.cookie}, status: 403},
		{name: "session with its token", form: url.Values{"email": {"ann@example.com"}, "password": {password}, "csrf_token": {b.csrf}},
			headers: []string{"Cookie", b.cookie}, status: 303, location: "/console", newSession: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := sessions()
			got := postConsole(t, ts, "/signin", tt.form, tt.headers...)
			if got.status != tt.status || got.location != tt.location {
				t.Fatalf("= %d to %q, want %d to %q: %.300s", got.status, got.location, tt.status, tt.location, got.page)
			}
			if (got.cookie != "") != tt.newSession || !tt.newSession && sessions() != before {
				t.Errorf("cookie %q, sessions %d → %d; want a new session: %v", got.cookie, before, sessions(), tt.newSession)
			}
			if tt.page == "" {
				return
			}
			for _, want := range []string{tt.page, `value="ann@example.com"`, `name="next" value="/console/orders"`, `action="/console/signin"`} {
				if !strings.Contains(got.page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if strings.Contains(got.page, tt.form.Get("password")) {
				t.Error("the page shows the password back")
			}
		})
	}
}

// The form's sign-ins are the JSON API's: failures count against the same
// throttle, and a throttled form says how long to wait.
func TestConsoleSignInFormThrottled(t *testing.T) {
	t.Parallel()
	ts := newConsolePages(t)
	signup(t, ts, "ann@example.com", "merchant")
	for range 5 {
		login(ts, t, "ann@example.com", "wrong password!")
	}
	got := postConsole(t, ts, "/signin", url.Values{"email": {"ann@example.com"}, "password": {password}})
	if got.status != http.StatusTooManyRequests || !strings.Contains(got.page, "Too many failed sign-ins. Try again in") || got.cookie != "" {
		t.Fatalf("throttled sign-in = %d %q: %.300s", got.status, got.cookie, got.page)
	}
}

func TestConsoleSignUpForm(t *testing.T) {
	t.Parallel()
	ts := newConsolePages(t)
	signUps := func() int { return countRows(t, ts, `SELECT count(*) FROM sign_ups`) }
	hostile := `Bo"><img src=x onerror=alert(1)>`
	for _, tt := range []struct {
		name    string
		form    url.Values
		headers []string
		status  int
		page    string
		started bool
	}{
		{name: "ok", form: url.Values{"role": {"merchant"}, "name": {"Acme"}, "email": {"ann@example.com"}, "password": {password}},
			status: 200, page: "We sent a link to ann@example.com", started: true},
		{name: "short password", form: url.Values{"role": {"publisher"}, "name": {hostile}, "email": {"bo@example.com"}, "password": {"short"}},
			status: 400, page: "The password must be at least 12 characters."},
		{name: "no role", form: url.Values{"name": {"Acme"}, "email": {"cy@example.com"}, "password": {password}},
			status: 400, page: "role must be merchant or publisher."},
		{name: "bad email", form: url.Values{"role": {"merchant"}, "name": {"Acme"}, "email": {"not an email"}, "password": {password}},
			status: 400},
		{name: "cross-site", form: url.Values{"role": {"merchant"}, "name": {"Acme"}, "email": {"dee@example.com"}, "password": {password}},
			headers: crossSite, status: 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := signUps()
			got := postConsole(t, ts, "/signup", tt.form, tt.headers...)
			if got.status != tt.status || !strings.Contains(got.page, tt.page) || got.cookie != "" {
				t.Fatalf("= %d %q, want %d with %q: %.400s", got.status, got.cookie, tt.status, tt.page, got.page)
			}
			if started := signUps() > before; started != tt.started {
				t.Errorf("sign-up started: %v, want %v", started, tt.started)
			}
			if tt.status != 400 {
				return
			}
			if strings.Contains(got.page, password) || strings.Contains(got.page, "<img src=x") {
				t.Error("the page shows the password back, or the name unescaped")
			}
			if want := `value="` + tt.form.Get("email") + `"`; !strings.Contains(got.page, want) {
				t.Errorf("page lacks %q", want)
			}
		})
	}
}

// A password link works through the forms as through the API: ask for
// one, then set the password with it; a refusal keeps the link's token
// in the form, so that the person can try again.
func TestConsolePasswordForms(t *testing.T) {
	t.Parallel()
	ts := newConsolePages(t)
	signup(t, ts, "ann@example.com", "merchant")
	got := postConsole(t, ts, "/forgot-password", url.Values{"email": {"ann@example.com"}})
	if got.status != 200 || !strings.Contains(got.page, "If an account uses this email, we sent it a link.") {
		t.Fatalf("ask for a link = %d: %.300s", got.status, got.page)
	}
	if got := postConsole(t, ts, "/forgot-password", url.Values{"email": {"nobody"}}); got.status != 400 || !strings.Contains(got.page, `value="nobody"`) {
		t.Fatalf("bad email = %d: %.300s", got.status, got.page)
	}
	u, _ := ts.db.FindUserByEmail(t.Context(), "ann@example.com")
	link, _, err := auth.IssueReset(t.Context(), ts.db, publicURL, u.ID, ts.now)
	must(t, err)
	token := link[strings.Index(link, "=")+1:]

	got = postConsole(t, ts, "/reset-password", url.Values{"token": {token}, "new-password": {"short"}})
	if got.status != 400 || !strings.Contains(got.page, "at least 12 characters") || !strings.Contains(got.page, `name="token" value="`+token+`"`) {
		t.Fatalf("short password = %d: %.400s", got.status, got.page)
	}
	if got := postConsole(t, ts, "/reset-password", url.Values{"token": {token}, "new-password": {"a brand new password"}}, crossSite...); got.status != 403 {
		t.Fatalf("cross-site reset = %d", got.status)
	}
	if resp, _ := login(ts, t, "ann@example.com", password); resp.StatusCode != 200 {
		t.Fatalf("refused resets changed the password: %d", resp.StatusCode)
	}
	got = postConsole(t, ts, "/reset-password", url.Values{"token": {token}, "new-password": {"a brand new password"}})
	if got.status != 200 || !strings.Contains(got.page, "Password set") {
		t.Fatalf("reset = %d: %.300s", got.status, got.page)
	}
	if got := postConsole(t, ts, "/reset-password", url.Values{"token": {token}, "new-password": {"a third password!"}}); got.status != 401 ||
		!strings.Contains(got.page, "was used already") {
		t.Fatalf("second use = %d: %.300s", got.status, got.page)
	}
	if resp, _ := login(ts, t, "ann@example.com", "a brand new password"); resp.StatusCode != 200 {
		t.Errorf("sign-in with the new password = %d", resp.StatusCode)
	}
}

// The sign-up link's form creates the account and signs in.
func TestConsoleVerifyForm(t *testing.T) {
	t.Parallel()
	ts := newConsolePages(t)
	got := postConsole(t, ts, "/signup", url.Values{"role": {"publisher"}, "name": {"Blog"}, "email": {"bo@example.com"}, "password": {password}})
	if got.status != 200 {
		t.Fatalf("sign-up = %d", got.status)
	}
	token := confirmationToken(t, ts, "bo@example.com")
	if got := postConsole(t, ts, "/verify", url.Values{"token": {token}}, crossSite...); got.status != 403 || got.cookie != "" {
		t.Fatalf("cross-site = %d %q", got.status, got.cookie)
	}
	if got := postConsole(t, ts, "/verify", url.Values{"token": {"nope"}}); got.status != 401 || !strings.Contains(got.page, "This confirmation link is not valid") {
		t.Fatalf("bad token = %d: %.300s", got.status, got.page)
	}
	got = postConsole(t, ts, "/verify", url.Values{"token": {token}})
	if got.status != 303 || got.location != "/console" || got.cookie == "" {
		t.Fatalf("verify = %d to %q, cookie %q", got.status, got.location, got.cookie)
	}
	// Signed in, the console's pages are prerendered for the publisher,
	// with the session's CSRF token in their forms.
	resp, page := ts.do(t, "GET", "/console/signin", "", "", "Cookie", got.cookie)
	if resp.StatusCode != 200 || !strings.Contains(page, `name="csrf_token" value="`) || !strings.Contains(page, `href="/console/earnings"`) {
		t.Fatalf("signed-in page = %d: %.600s", resp.StatusCode, page)
	}
}

// Only the server says what a prerendered page shows: a link cannot put
// a message, a role or a value on it.
func TestConsolePageStateNotFromLinks(t *testing.T) {
	t.Parallel()
	ts := newConsolePages(t)
	state := url.Values{"error": {"Your account is locked, call 555"}, "role": {"admin"}, "v.email": {"victim@example.com"}}
	resp, page := ts.do(t, "GET", "/console/signin?bc-page="+url.QueryEscape(state.Encode()), "", "")
	if resp.StatusCode != 200 || strings.Contains(page, "call 555") || strings.Contains(page, "victim@") || strings.Contains(page, "/console/admin") {
		t.Fatalf("page = %d: %s", resp.StatusCode, page)
	}
	if !strings.Contains(page, `action="/console/signin"`) || strings.Contains(page, "<fieldset disabled") {
		t.Errorf("the sign-in form must work before the WASM: %.600s", page)
	}
	if !strings.Contains(page, `role="status"`) || !strings.Contains(page, "The console is still loading.") {
		t.Error("the page does not say the console is still loading")
	}
}

// A console page asked for on another host than the public URL's goes
// there, unless the host the browser asked for cannot be told: then it
// is served, so that no proxy makes the redirect loop.
func TestConsoleWrongHost(t *testing.T) {
	t.Parallel()
	direct := newConsolePages(t, func(cfg *api.Config, _ *api.Services) {
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} // not the test client
	})
	proxied := newConsolePages(t) // the test client is a trusted proxy
	const path = "/console/signin?next=%2Fconsole%2Forders"
	for _, tt := range []struct {
		name     string
		ts       *testServer
		headers  []string
		location string // "" when served
	}{
		{name: "public host", ts: direct},
		{name: "public host, other case", ts: direct, headers: []string{"Host", "LOCALHOST:8080"}},
		{name: "loopback address", ts: direct, headers: []string{"Host", "127.0.0.1:8080"}, location: publicURL + path},
		{name: "node's own name", ts: direct, headers: []string{"Host", "node-2.internal"}, location: publicURL + path},
		{name: "untrusted proxy that rewrote Host", ts: direct, headers: []string{"Host", "127.0.0.1:8080", "X-Forwarded-For", "203.0.113.9"}},
		{name: "untrusted proxy naming a host", ts: direct, headers: []string{"Host", "127.0.0.1:8080", "X-Forwarded-Host", "localhost:8080"}},
		{name: "trusted proxy that rewrote Host", ts: proxied, headers: []string{"Host", "127.0.0.1:8080", "X-Forwarded-Host", "localhost:8080"}},
		{name: "trusted proxy, other host", ts: proxied, headers: []string{"Host", "localhost:8080", "X-Forwarded-Host", "127.0.0.1:9000"},
			location: publicURL + path},
		{name: "trusted proxy, client's forged host first", ts: proxied, headers: []string{"Host", "127.0.0.1:8080", "X-Forwarded-Host", "evil.example, localhost:8080"}},
		{name: "trusted proxy, other scheme", ts: proxied, headers: []string{"X-Forwarded-Host", "localhost:8080", "X-Forwarded-Proto", "https"},
			location: publicURL + path},
		{name: "trusted proxy, same scheme", ts: proxied, headers: []string{"Host", "10.1.2.3", "X-Forwarded-Host", "localhost:8080", "X-Forwarded-Proto", "http"}},
		{name: "trusted proxy that does not say", ts: proxied, headers: []string{"Host", "127.0.0.1:8080"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := tt.ts.do(t, "GET", path, "", "", tt.headers...)
			if tt.location == "" {
				if resp.StatusCode != 200 {
					t.Fatalf("= %d to %q, want the page", resp.StatusCode, resp.Header.Get("Location"))
				}
				return
			}
			if resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != tt.location {
				t.Fatalf("= %d to %q, want 308 to %s: %.200s", resp.StatusCode, resp.Header.Get("Location"), tt.location, body)
			}
		})
	}
	// A form posted on the wrong host is refused, saying where the
	// console is.
	form := url.Values{"email": {"ann@example.com"}, "password": {password}}
	got := postConsole(t, direct, "/signin", form, "Host", "127.0.0.1:8080", "Origin", "http://127.0.0.1:8080")
	if got.status != 403 || !strings.Contains(got.page, "Cross-site requests are refused") || !strings.Contains(got.page, publicURL) {
		t.Fatalf("post on the wrong host = %d: %.300s", got.status, got.page)
	}
}

// The products page's new-product form makes the product the page's WASM
// would, for the signed-in merchant only, with the session's CSRF token.
func TestConsoleNewProductForm(t *testing.T) {
	t.Parallel()
	ts := newConsolePages(t)
	merchant, _ := signup(t, ts, "ann@example.com", "merchant")
	publisher, _ := signup(t, ts, "bo@example.com", "publisher")
	products := func() int { return countRows(t, ts, `SELECT count(*) FROM products`) }
	form := func(title, price, csrf string) url.Values {
		return url.Values{"new-title": {title}, "new-currency": {"EUR"}, "new-price": {price}, "new-stock": {"3"},
			"new-kind": {"digital"}, "csrf_token": {csrf}}
	}
	for _, tt := range []struct {
		name     string
		form     url.Values
		headers  []string
		status   int
		location string
		page     string
	}{
		{name: "bad fields", form: form(" ", "12,5x", merchant.csrf), headers: []string{"Cookie", merchant.cookie},
			status: 400, page: "Enter a title."},
		{name: "without the CSRF token", form: form("Mug", "12.50", ""), headers: []string{"Cookie", merchant.cookie}, status: 403},
		{name: "another session's token", form: form("Mug", "12.50", publisher.csrf), headers: []string{"Cookie", merchant.cookie}, status: 403},
		{name: "cross-site", form: form("Mug", "12.50", merchant.csrf), headers: append([]string{"Cookie", merchant.cookie}, crossSite...), status: 403},
		{name: "signed out", form: form("Mug", "12.50", ""), status: 303, location: "/console/signin?next=%2Fconsole%2Fproducts"},
		{name: "publisher", form: form("Mug", "12.50", publisher.csrf), headers: []string{"Cookie", publisher.cookie}, status: 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := products()
			got := postConsole(t, ts, "/products", tt.form, tt.headers...)
			if got.status != tt.status || got.location != tt.location || !strings.Contains(got.page, tt.page) {
				t.Fatalf("= %d to %q, want %d to %q with %q: %.300s", got.status, got.location, tt.status, tt.location, tt.page, got.page)
			}
			if products() != before {
				t.Error("a refused form made a product")
			}
		})
	}
	got := postConsole(t, ts, "/products", form("Mug", "12.50", merchant.csrf), "Cookie", merchant.cookie)
	id, ok := strings.CutPrefix(got.location, "/console/products/")
	if got.status != 303 || !ok {
		t.Fatalf("create = %d to %q: %.300s", got.status, got.location, got.page)
	}
	p, err := ts.db.FindProduct(t.Context(), id)
	if err != nil || p.Title != "Mug" || p.Currency != "EUR" || p.Kind != "digital" || len(p.Variants) != 1 || p.Variants[0].Price != 1250 || p.Variants[0].Stock != 3 {
		t.Fatalf("product = %+v, %v", p, err)
	}
}

// The account menu's Sign out works before the WASM: the form ends the
// session and goes on to sign in. Only the session's own page can send
// it: without its CSRF token, or from another site, it ends nothing.
func TestConsoleSignOutForm(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	page := func(cookie string) string {
		_, body := ts.do(t, "GET", "/console/products", "", "", "Cookie", cookie)
		return body
	}
	if body := page(ann.cookie); !strings.Contains(body, `action="/console/signout"`) || !strings.Contains(body, ann.csrf) {
		t.Fatalf("the prerendered page has no sign-out form with the session's token: %.500s", body)
	}
	sessions := func() int { return countRows(t, ts, `SELECT count(*) FROM sessions`) }
	for _, tt := range []struct {
		name    string
		form    url.Values
		headers []string
	}{
		{name: "without the CSRF token", headers: []string{"Cookie", ann.cookie}},
		{name: "another session's token", form: url.Values{"csrf_token": {bo.csrf}}, headers: []string{"Cookie", ann.cookie}},
		{name: "cross-site", form: url.Values{"csrf_token": {ann.csrf}}, headers: append([]string{"Cookie", ann.cookie}, crossSite...)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := sessions()
			if got := postConsole(t, ts, "/signout", tt.form, tt.headers...); got.status != 403 {
				t.Errorf("= %d to %q, want 403", got.status, got.location)
			}
			if sessions() != before {
				t.Error("a refused sign-out ended a session")
			}
		})
	}
	before := sessions()
	got := postConsole(t, ts, "/signout", url.Values{"csrf_token": {ann.csrf}}, "Cookie", ann.cookie)
	if got.status != 303 || got.location != "/console/signin" || sessions() != before-1 {
		t.Fatalf("sign out = %d to %q, sessions %d → %d", got.status, got.location, before, sessions())
	}
	if _, body := ts.do(t, "GET", "/v1/auth/me", "", "", "Cookie", ann.cookie); !strings.Contains(body, "unauthorized") {
		t.Errorf("the ended session still answers: %.200s", body)
	}
	if got := postConsole(t, ts, "/signout", nil); got.status != 303 || got.location != "/console/signin" {
		t.Errorf("signed out already = %d to %q, want 303 to sign in", got.status, got.location)
	}
}

// A signed-in page comes with its data: the prerender reads the API as
// the page's user, so a slow phone shows the merchant's widgets and the
// publisher's catalog before the WASM. A signed-out page reads nothing,
// and only a page being rendered can read.
func TestConsolePagesPrerenderTheirData(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	product := newConsoleProduct(t, ts, ann)
	resp, body := ts.do(t, "POST", "/v1/widgets", "application/json", `{"product_id":"`+product+`"}`, ann.headers()...)
	if resp.StatusCode != 201 {
		t.Fatalf("new widget = %d %s", resp.StatusCode, body)
	}
	var widget struct{ ID string }
	must(t, json.Unmarshal([]byte(body), &widget))

	page := func(path string, b browser) string {
		t.Helper()
		resp, body := ts.do(t, "GET", path, "", "", "Cookie", b.cookie)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		return body
	}
	wantWords(t, "the widgets page", page("/console/widgets", ann), widget.ID, "Speckled mug", `value="`+product+`"`)
	wantWords(t, "the product's page", page("/console/products/"+product, ann), `value="Speckled mug"`)
	wantWords(t, "the publisher's catalog", page("/console/catalog", bo), "Leather field notebook")
	if body := page("/console/widgets", browser{}); strings.Contains(body, widget.ID) || strings.Contains(body, "reads") {
		t.Error("a signed-out page shows a widget, or a ticket")
	}
	if body := page("/console/catalog", ann); strings.Contains(body, "Leather field notebook") {
		t.Error("a merchant's prerender read the publisher catalog")
	}
	// Every page of every role renders with its data, none fails on the
	// server.
	admin := adminBrowser(t, ts)
	placement := strings.TrimPrefix(postConsole(t, ts, "/catalog", url.Values{"placement-widget": {"wgt_notebook"}, "placement-name": {"Sidebar"},
		"csrf_token": {bo.csrf}}, "Cookie", bo.cookie).location, "/console/placements/")
	for _, tt := range []struct {
		b     browser
		paths []string
	}{
		{ann, []string{"", "/products", "/products/" + product, "/widgets", "/widgets/" + widget.ID, "/discounts", "/orders", "/statement",
			"/settings", "/keys", "/webhooks"}},
		{bo, []string{"", "/catalog", "/placements", "/placements/" + placement, "/earnings", "/statement", "/keys", "/webhooks"}},
		{admin, []string{"", "/admin/merchants", "/admin/publishers", "/admin/settings", "/admin/reconciliation"}},
	} {
		for _, path := range tt.paths {
			if body := page("/console"+path, tt.b); strings.Contains(body, "internal error") || strings.Contains(body, "could not load") ||
				strings.Contains(body, "No such API endpoint") || shownError.MatchString(body) {
				t.Errorf("/console%s: %.300s", path, body)
			}
		}
	}
	for _, r := range []browser_.Request{{Method: "GET", URL: "/v1/widgets"}, {Method: "POST", URL: "/v1/widgets"}} {
		if _, _, err := console.ServerReads("forged", r); err == nil {
			t.Errorf("%s %s with a forged ticket: no error", r.Method, r.URL)
		}
	}
}

// The widgets page's New widget and the catalog's Create a placement work
// before the WASM: each makes what the page's WASM makes and goes on to
// its page; a refused form shows the page again with the message and
// makes nothing; only the right role's own session can send it.
func TestConsoleNewWidgetAndPlacementForms(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	product := newConsoleProduct(t, ts, ann)
	count := func(table string) int { return countRows(t, ts, `SELECT count(*) FROM `+table) }
	for _, tt := range []struct {
		name, page, table string
		form              url.Values
		headers           []string
		status            int
		location, shows   string
	}{
		{"another merchant's product", "/widgets", "widgets", url.Values{"w-product": {"prd_notebook"}, "csrf_token": {ann.csrf}},
			[]string{"Cookie", ann.cookie}, 404, "", `Product &#34;prd_notebook&#34; not found.`},
		{"widget without the CSRF token", "/widgets", "widgets", url.Values{"w-product": {product}}, []string{"Cookie", ann.cookie}, 403, "", ""},
		{"widget cross-site", "/widgets", "widgets", url.Values{"w-product": {product}, "csrf_token": {ann.csrf}},
			append([]string{"Cookie", ann.cookie}, crossSite...), 403, "", ""},
		{"widget by a publisher", "/widgets", "widgets", url.Values{"w-product": {product}, "csrf_token": {bo.csrf}}, []string{"Cookie", bo.cookie}, 403, "", ""},
		{"widget signed out", "/widgets", "widgets", url.Values{"w-product": {product}}, nil, 303, "/console/signin?next=%2Fconsole%2Fwidgets", ""},
		{"a widget not in the catalog", "/catalog", "placements", url.Values{"placement-widget": {"wgt_nope"}, "placement-name": {"Sidebar"}, "csrf_token": {bo.csrf}},
			[]string{"Cookie", bo.cookie}, 400, "", "widget_id must be a widget of GET /v1/catalog."},
		{"placement by a merchant", "/catalog", "placements", url.Values{"placement-widget": {"wgt_notebook"}, "placement-name": {"Sidebar"}, "csrf_token": {ann.csrf}},
			[]string{"Cookie", ann.cookie}, 403, "", ""},
		{"placement cross-site", "/catalog", "placements", url.Values{"placement-widget": {"wgt_notebook"}, "placement-name": {"Sidebar"}, "csrf_token": {bo.csrf}},
			append([]string{"Cookie", bo.cookie}, crossSite...), 403, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := count(tt.table)
			got := postConsole(t, ts, tt.page, tt.form, tt.headers...)
			if got.status != tt.status || got.location != tt.location || !strings.Contains(got.page, tt.shows) {
				t.Fatalf("= %d to %q, want %d to %q showing %q: %.300s", got.status, got.location, tt.status, tt.location, tt.shows, got.page)
			}
			if count(tt.table) != before {
				t.Errorf("a refused form added to %s", tt.table)
			}
		})
	}
	got := postConsole(t, ts, "/widgets", url.Values{"w-product": {product}, "csrf_token": {ann.csrf}}, "Cookie", ann.cookie)
	widget, ok := strings.CutPrefix(got.location, "/console/widgets/wgt_")
	if got.status != 303 || !ok {
		t.Fatalf("new widget = %d to %q: %.300s", got.status, got.location, got.page)
	}
	if w, err := ts.db.FindWidget(t.Context(), "wgt_"+widget); err != nil || w.ProductID != product || w.MerchantID == "" {
		t.Errorf("widget = %+v, %v", w, err)
	}
	got = postConsole(t, ts, "/catalog", url.Values{"placement-widget": {"wgt_notebook"}, "placement-name": {"  Spring gift guide  "}, "csrf_token": {bo.csrf}},
		"Cookie", bo.cookie)
	placement, ok := strings.CutPrefix(got.location, "/console/placements/")
	if got.status != 303 || !ok {
		t.Fatalf("new placement = %d to %q: %.300s", got.status, got.location, got.page)
	}
	found, err := ts.db.FindPlacements(t.Context(), []string{placement})
	if p := found[placement]; err != nil || p == nil || p.Name != "Spring gift guide" || p.WidgetID != "wgt_notebook" {
		t.Errorf("placement = %+v, %v", p, err)
	}
}

// The settings page's Save works before the WASM: the form saves what it
// sends (a checkbox not sent is off) and shows the page saying so; a
// refused form shows what was typed with the message and saves nothing.
func TestConsoleSettingsForm(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	merchant := partyOf(t, ts, "ann@example.com")
	form := func(email, csrf string) url.Values {
		return url.Values{"set-name": {"Speckle & Co"}, "set-email": {email}, "set-refunds": {"30 days."}, "set-country": {"DE"},
			"set-taxid": {"DE123"}, "set-twitter": {"@speckle"}, "set-taxmode": {"none"}, "set-taxship": {"on"}, "csrf_token": {csrf}}
	}
	saved := func() *buycard.MerchantSettings {
		set, err := ts.db.MerchantSettings(t.Context(), merchant)
		must(t, err)
		return set
	}
	before := saved()
	wantRefused(t, ts, "/settings", func() bool { return *saved() == *before }, []formRefusal{
		{"a bad email", form("ann@", ann.csrf), []string{"Cookie", ann.cookie}, 400,
			[]string{"Enter a valid email address, or leave it empty.", `value="Speckle &amp; Co"`, `value="ann@"`}},
		{"without the CSRF token", form("help@speckle.example", ""), []string{"Cookie", ann.cookie}, 403, nil},
		{"cross-site", form("help@speckle.example", ann.csrf), append([]string{"Cookie", ann.cookie}, crossSite...), 403, nil},
		{"a publisher", form("help@speckle.example", bo.csrf), []string{"Cookie", bo.cookie}, 403, nil},
	})
	got := postConsole(t, ts, "/settings", form("help@speckle.example", ann.csrf), "Cookie", ann.cookie)
	// The note takes the focus, so the browser shows it, below the fold.
	if got.status != 200 || !regexp.MustCompile(`<p [^>]*autofocus[^>]*>Settings saved.</p>`).MatchString(got.page) {
		t.Fatalf("save = %d: %.300s", got.status, got.page)
	}
	// The refund policy's textarea shows it (go-app writes a textarea's
	// text as an attribute, which browsers ignore): saved again before
	// the WASM, it is kept.
	wantWords(t, "the settings page", consolePage(t, ts, "/console/settings", ann), `>30 days.</textarea>`)
	set := saved()
	if set.BusinessName != "Speckle & Co" || set.SupportEmail != "help@speckle.example" || set.OriginCountry != "DE" ||
		set.TwitterHandle != "speckle" || !set.TaxShipping || set.AskPhone || set.PricesIncludeTax {
		t.Errorf("settings = %+v", set)
	}
}

// The discount codes page's New code works before the WASM: with both
// kinds' fields on the page, the kind sent picks which counts.
func TestConsoleNewDiscountForm(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	form := func(code, kind, csrf string) url.Values {
		return url.Values{"d-code": {code}, "d-kind": {kind}, "d-percent": {"15"}, "d-amount": {"5.00"}, "d-currency": {"EUR"},
			"d-total": {"100"}, "d-per-buyer": {""}, "d-ends": {""}, "d-placement": {"none"}, "csrf_token": {csrf}}
	}
	codes := func() int { return countRows(t, ts, `SELECT count(*) FROM discount_codes`) }
	wantRefused(t, ts, "/discounts", func() bool { return codes() == 0 }, []formRefusal{
		{"a malformed code", form("no spaces", "percent", ann.csrf), []string{"Cookie", ann.cookie}, 400, []string{"letters, digits, dashes or underscores"}},
		{"without the CSRF token", form("SPRING", "percent", ""), []string{"Cookie", ann.cookie}, 403, nil},
		{"cross-site", form("SPRING", "percent", ann.csrf), append([]string{"Cookie", ann.cookie}, crossSite...), 403, nil},
		{"a publisher", form("SPRING", "percent", bo.csrf), []string{"Cookie", bo.cookie}, 403, nil},
	})
	for code, kind := range map[string]string{"SPRING15": "percent", "FIVEOFF": "amount"} {
		if got := postConsole(t, ts, "/discounts", form(code, kind, ann.csrf), "Cookie", ann.cookie); got.status != 303 || got.location != "/console/discounts" {
			t.Fatalf("%s = %d to %q: %.300s", code, got.status, got.location, got.page)
		}
	}
	var percent, amounts string
	must(t, ts.sql(t).QueryRow(`SELECT percent_bps FROM discount_codes WHERE code = 'SPRING15'`).Scan(&percent))
	must(t, ts.sql(t).QueryRow(`SELECT amount_off FROM discount_codes WHERE code = 'FIVEOFF'`).Scan(&amounts))
	if percent != "1500" || !strings.Contains(amounts, `"EUR":500`) {
		t.Errorf("SPRING15 takes %s bps, FIVEOFF %s", percent, amounts)
	}
}

// A product's page saves before the WASM: the posted fields go over the
// stored product (its variants by position, a stock not shown kept), and
// the page shows the saved product; a refused form shows what was sent.
func TestConsoleEditProductForm(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	id := newConsoleProduct(t, ts, ann)
	form := func(title, price, csrf string) url.Values {
		return url.Values{"p-title": {title}, "p-description": {"Glazed by hand."}, "p-kind": {"physical"}, "p-max": {"4"},
			"v-name-0": {"Default"}, "v-price-0": {price}, "v-stock-0": {"7"}, "csrf_token": {csrf}}
	}
	stored := func() *buycard.Product {
		p, err := ts.db.FindProduct(t.Context(), id)
		must(t, err)
		return p
	}
	before := stored()
	wantRefused(t, ts, "/products/"+id, func() bool {
		after := stored()
		return after.Title == before.Title && after.Variants[0].Price == before.Variants[0].Price
	}, []formRefusal{
		{"no title", form("", "19.50", ann.csrf), []string{"Cookie", ann.cookie}, 400, []string{"Enter a title.", `value="19.50"`}},
		{"a bad price", form("Mug", "19,5x", ann.csrf), []string{"Cookie", ann.cookie}, 400, []string{`value="19,5x"`}},
		{"without the CSRF token", form("Mug", "19.50", ""), []string{"Cookie", ann.cookie}, 403, nil},
		{"cross-site", form("Mug", "19.50", ann.csrf), append([]string{"Cookie", ann.cookie}, crossSite...), 403, nil},
		{"a publisher", form("Mug", "19.50", bo.csrf), []string{"Cookie", bo.cookie}, 403, nil},
	})
	got := postConsole(t, ts, "/products/"+id, form("Speckled mug, large", "19.50", ann.csrf), "Cookie", ann.cookie)
	if got.status != 200 || !strings.Contains(got.page, "Product saved.") || !strings.Contains(got.page, `value="Speckled mug, large"`) {
		t.Fatalf("save = %d: %.500s", got.status, got.page)
	}
	p := stored()
	if p.Title != "Speckled mug, large" || p.Description != "Glazed by hand." || p.MaxPerOrder != 4 || len(p.Variants) != 1 ||
		p.Variants[0].ID != before.Variants[0].ID || p.Variants[0].Price != 1950 || p.Variants[0].Stock != 7 {
		t.Errorf("product = %+v", p)
	}
	if got := postConsole(t, ts, "/products/prd_notebook", form("Mine now", "1", ann.csrf), "Cookie", ann.cookie); got.status < 400 {
		t.Errorf("another merchant's product = %d", got.status)
	}

	// The empty variant the page offers adds one when filled in (the
	// page then offers another), and a ticked box removes one.
	wantWords(t, "the product page", got.page, `name="v-name-1"`, "New variant (optional)")
	grown := form("Speckled mug", "19.50", ann.csrf)
	grown.Set("p-option", "Size")
	grown.Set("v-name-1", "Large")
	grown.Set("v-price-1", "24")
	grown.Set("v-stock-1", "2")
	if got := postConsole(t, ts, "/products/"+id, grown, "Cookie", ann.cookie); got.status != 200 || len(stored().Variants) != 2 {
		t.Fatalf("a variant added = %d, %d variants: %.300s", got.status, len(stored().Variants), got.page)
	} else {
		wantWords(t, "the product page", got.page, `name="v-name-2"`, `name="v-remove-0"`)
	}
	large := stored().Variants[1]
	if large.Name != "Large" || large.Price != 2400 || large.Stock != 2 {
		t.Errorf("the added variant = %+v", large)
	}
	shrunk := form("Speckled mug", "19.50", ann.csrf)
	shrunk.Set("v-remove-0", "on")
	shrunk.Set("v-name-1", "Large")
	shrunk.Set("v-price-1", "24")
	shrunk.Set("p-option", "Size")
	if got := postConsole(t, ts, "/products/"+id, shrunk, "Cookie", ann.cookie); got.status != 200 || len(stored().Variants) != 1 || stored().Variants[0].ID != large.ID {
		t.Errorf("a variant removed = %d, variants %+v: %.300s", got.status, stored().Variants, got.page)
	}
}

// New API key works before the WASM: the answer is the keys page showing
// the new key's secret, this once, and the key works.
func TestConsoleNewKeyForm(t *testing.T) {
	t.Parallel()
	ts := newConsolePages(t)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	keys := func() int { return countRows(t, ts, `SELECT count(*) FROM api_keys`) }
	for name, headers := range map[string][]string{
		"without the CSRF token": {"Cookie", ann.cookie},
		"cross-site":             append([]string{"Cookie", ann.cookie}, crossSite...),
	} {
		csrf := ann.csrf
		if name == "without the CSRF token" {
			csrf = ""
		}
		if got := postConsole(t, ts, "/keys", url.Values{"key-name": {"sync"}, "csrf_token": {csrf}}, headers...); got.status != 403 || keys() != 0 {
			t.Errorf("%s = %d, %d keys", name, got.status, keys())
		}
	}
	got := postConsole(t, ts, "/keys", url.Values{"key-name": {"inventory sync"}, "csrf_token": {ann.csrf}}, "Cookie", ann.cookie)
	secret := regexp.MustCompile(`bc_test_[0-9A-Za-z_-]+`).FindString(got.page)
	if got.status != 200 || secret == "" || !strings.Contains(got.page, "Key created.") || !strings.Contains(got.page, "inventory sync") {
		t.Fatalf("new key = %d: %.500s", got.status, got.page)
	}
	if resp, body := ts.do(t, "GET", "/v1/products", "", "", "Authorization", "Bearer "+secret); resp.StatusCode != 200 {
		t.Errorf("the shown key = %d %s", resp.StatusCode, body)
	}
	if _, page := ts.do(t, "GET", "/console/keys", "", "", "Cookie", ann.cookie); strings.Contains(page, secret) {
		t.Error("the keys page shows the secret again")
	}
}

// newConsoleProduct makes a physical product, Speckled mug at 18 EUR, as
// b does on the console's products page, and returns its id.
func newConsoleProduct(t *testing.T, ts *testServer, b browser) string {
	t.Helper()
	got := postConsole(t, ts, "/products", url.Values{"new-title": {"Speckled mug"}, "new-currency": {"EUR"}, "new-price": {"18"},
		"new-stock": {"3"}, "new-kind": {"physical"}, "csrf_token": {b.csrf}}, "Cookie", b.cookie)
	id, ok := strings.CutPrefix(got.location, "/console/products/")
	if got.status != 303 || !ok {
		t.Fatalf("new product = %d to %q", got.status, got.location)
	}
	return id
}

// northwindOrder signs in a user of the demo merchant, whose notebook
// sells, as a physical product, and returns a paid order of it.
func northwindOrder(t *testing.T, ts *testServer) (browser, *buycard.Order) {
	t.Helper()
	u := &buycard.User{Email: "north@example.com", Role: buycard.RoleMerchant, PasswordHash: auth.TestParams.HashPassword(password), CreatedAt: ts.now}
	must(t, ts.db.CreateUser(t.Context(), u, "Northwind"))
	_, err := ts.sql(t).ExecContext(t.Context(), `UPDATE users SET party_id = ? WHERE email = ?`, demoMerchant, u.Email)
	must(t, err)
	resp, body := login(ts, t, u.Email, password)
	if resp.StatusCode != 200 {
		t.Fatalf("login = %d %s", resp.StatusCode, body)
	}
	_, err = ts.sql(t).ExecContext(t.Context(), `UPDATE products SET kind = 'physical' WHERE id = 'prd_notebook'`)
	must(t, err)
	o := paidOrderWithBuyer(t, ts, &buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace"},
		&buycard.Address{Name: "Ada Lovelace", Line1: "1 Main St", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"})
	return signedIn(t, resp, body), o
}

// newConsoleParties is the console test server with a merchant (ann) and
// a publisher (bo) signed in.
func newConsoleParties(t *testing.T) (ts *testServer, ann, bo browser) {
	t.Helper()
	ts = newConsolePages(t)
	ann, _ = signup(t, ts, "ann@example.com", "merchant")
	bo, _ = signup(t, ts, "bo@example.com", "publisher")
	return ts, ann, bo
}

// The widget designer saves before the WASM: the posted design goes over
// the stored widget (a box not sent is unticked), and the page shows the
// saved widget; a refused form shows what was sent and saves nothing.
func TestConsoleEditWidgetForm(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	resp, body := ts.do(t, "POST", "/v1/widgets", "application/json", `{"product_id":"`+newConsoleProduct(t, ts, ann)+`"}`, ann.headers()...)
	if resp.StatusCode != 201 {
		t.Fatalf("new widget = %d %s", resp.StatusCode, body)
	}
	var w buycard.Widget
	must(t, json.Unmarshal([]byte(body), &w))
	form := func(cta, csrf string) url.Values {
		return url.Values{"w-cta": {cta}, "w-color": {"#0F766E"}, "w-radius": {"12"}, "w-scheme": {"dark"}, "w-layout": {"compact"},
			"w-locale": {"shopper"}, "w-share": {"7.5"}, "w-domains": {"example.com"}, "w-mode": {"popup"}, "csrf_token": {csrf}}
	}
	stored := func() *buycard.Widget {
		got, err := ts.db.FindWidget(t.Context(), w.ID)
		must(t, err)
		return got
	}
	wantRefused(t, ts, "/widgets/"+w.ID, func() bool { return stored().CTA == w.CTA }, []formRefusal{
		{"no button text", form(" ", ann.csrf), []string{"Cookie", ann.cookie}, 400, []string{"Enter the button&#39;s text."}},
		{"without the CSRF token", form("Get it", ""), []string{"Cookie", ann.cookie}, 403, nil},
		{"a publisher", form("Get it", bo.csrf), []string{"Cookie", bo.cookie}, 403, nil},
	})
	got := postConsole(t, ts, "/widgets/"+w.ID, form("Get it", ann.csrf), "Cookie", ann.cookie)
	if got.status != 200 || !strings.Contains(got.page, "Widget saved.") {
		t.Fatalf("save = %d: %s", got.status, got.page)
	}
	s := stored()
	if s.CTA != "Get it" || s.ThemeColor != "#0f766e" || s.CornerRadius != 12 || s.ColorScheme != "dark" || s.Layout != "compact" ||
		s.PublisherShareBPS != 750 || s.CheckoutMode != "popup" || !s.ClosedToPublishers || s.ListedWithoutShare ||
		len(s.AllowedDomains) != 1 || s.AllowedDomains[0] != "example.com" {
		t.Errorf("widget = %+v", s)
	}
}

// Add an endpoint works before the WASM: the answer is the webhooks page
// showing the endpoint's signing secret, this once; its events are the
// boxes sent.
func TestConsoleNewWebhookForm(t *testing.T) {
	t.Parallel()
	ts, ann, _ := newConsoleParties(t)
	endpoints := func() int { return countRows(t, ts, `SELECT count(*) FROM webhook_endpoints`) }
	form := func(endpoint, csrf string, types ...string) url.Values {
		v := url.Values{"wh-url": {endpoint}, "wh-description": {"Order sync"}, "csrf_token": {csrf}}
		for _, t := range types {
			v.Set(t, "on")
		}
		return v
	}
	wantRefused(t, ts, "/webhooks", func() bool { return endpoints() == 0 }, []formRefusal{
		{"no events", form("https://example.com/hook", ann.csrf), []string{"Cookie", ann.cookie}, 400, []string{"Choose at least one event to send."}},
		{"not a URL", form("example", ann.csrf, "wh-type-order-paid"), []string{"Cookie", ann.cookie}, 400, []string{`value="example"`}},
		{"without the CSRF token", form("https://example.com/hook", "", "wh-type-order-paid"), []string{"Cookie", ann.cookie}, 403, nil},
		{"cross-site", form("https://example.com/hook", ann.csrf, "wh-type-order-paid"), append([]string{"Cookie", ann.cookie}, crossSite...), 403, nil},
	})
	got := postConsole(t, ts, "/webhooks", form("https://example.com/hook", ann.csrf, "wh-type-order-paid", "wh-type-order-refunded"), "Cookie", ann.cookie)
	secret := regexp.MustCompile(`whsec_[0-9A-Za-z+/=]+`).FindString(got.page)
	if got.status != 200 || secret == "" || !strings.Contains(got.page, "Endpoint added.") {
		t.Fatalf("new endpoint = %d: %.500s", got.status, got.page)
	}
	var types string
	must(t, ts.sql(t).QueryRow(`SELECT event_types FROM webhook_endpoints`).Scan(&types))
	if !strings.Contains(types, "order.paid") || !strings.Contains(types, "order.refunded") || strings.Contains(types, "order.fulfilled") {
		t.Errorf("event types = %s", types)
	}
	if _, page := ts.do(t, "GET", "/console/webhooks", "", "", "Cookie", ann.cookie); strings.Contains(page, secret) || !strings.Contains(page, "https://example.com/hook") {
		t.Error("the webhooks page shows the secret again, or not the endpoint")
	}
}

// formRefusal is a console form post the server must refuse: the status
// it answers with, and what the page it shows holds.
type formRefusal struct {
	name    string
	form    url.Values
	headers []string
	status  int
	shows   []string
}

// wantRefused posts each refusal to the console page and checks its
// answer, and with unchanged that it changed nothing.
func wantRefused(t *testing.T, ts *testServer, page string, unchanged func() bool, refusals []formRefusal) {
	t.Helper()
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			got := postConsole(t, ts, page, tt.form, tt.headers...)
			if got.status != tt.status {
				t.Fatalf("= %d, want %d: %.300s", got.status, tt.status, got.page)
			}
			wantWords(t, tt.name, got.page, tt.shows...)
			if !unchanged() {
				t.Error("a refused form changed what is stored")
			}
		})
	}
}

// An order's fulfilment saves before the WASM: the orders page opens the
// order its URL names (?open=), its form posts, and the browser goes back
// to the open order showing the shipment; a refusal shows the open order
// with the message and what was sent.
func TestConsoleFulfilmentForm(t *testing.T) {
	t.Parallel()
	ts, _, bo := newConsoleParties(t)
	north, o := northwindOrder(t, ts)
	open := "/console/orders?open=" + o.ID
	if _, page := ts.do(t, "GET", "/console/orders", "", "", "Cookie", north.cookie); !strings.Contains(page, `href="`+html.EscapeString(open)+`"`) {
		t.Fatalf("the orders page has no link opening the order: %.500s", page)
	}
	form := func(status, tracking, csrf string) url.Values {
		return url.Values{"fulfil-status": {status}, "fulfil-carrier": {"UPS"}, "fulfil-number": {"1Z999"}, "fulfil-url": {tracking}, "csrf_token": {csrf}}
	}
	fulfilled := func() bool {
		got, err := ts.db.FindOrder(t.Context(), o.ID)
		must(t, err)
		return got.Fulfillment.Status == buycard.Fulfilled
	}
	wantRefused(t, ts, "/orders/"+o.ID+"/fulfillment", func() bool { return !fulfilled() }, []formRefusal{
		{"an http tracking link", form("fulfilled", "http://ups.example/1Z999", north.csrf), []string{"Cookie", north.cookie}, 400,
			[]string{`value="http://ups.example/1Z999"`, `value="1Z999"`}},
		{"without the CSRF token", form("fulfilled", "", ""), []string{"Cookie", north.cookie}, 403, nil},
		{"a publisher", form("fulfilled", "", bo.csrf), []string{"Cookie", bo.cookie}, 403, nil},
	})
	got := postConsole(t, ts, "/orders/"+o.ID+"/fulfillment", form("fulfilled", "https://ups.example/1Z999", north.csrf), "Cookie", north.cookie)
	if got.status != 303 || got.location != open || !fulfilled() {
		t.Fatalf("fulfil = %d to %q, fulfilled %v: %.300s", got.status, got.location, fulfilled(), got.page)
	}
	if _, page := ts.do(t, "GET", open, "", "", "Cookie", north.cookie); !strings.Contains(page, "Fulfilled ") || !strings.Contains(page, `value="1Z999"`) {
		t.Errorf("the open order does not show its shipment: %.500s", page)
	}
}

// The statement's range works before the WASM: the form asks the page
// again with the range in its query (a GET), and the page shows that
// range and offers its CSV; a bad range says so.
func TestConsoleStatementRange(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	get := func(b browser, query string) string {
		resp, page := ts.do(t, "GET", "/console/statement?"+query, "", "", "Cookie", b.cookie)
		if resp.StatusCode != 200 {
			t.Fatalf("statement = %d", resp.StatusCode)
		}
		return page
	}
	page := get(ann, "st-from=2026-01-01&st-to=2026-03-31&st-currency=EUR")
	wantWords(t, "the merchant's range", page, `method="get"`, `value="2026-01-01"`, `value="2026-03-31"`,
		html.EscapeString("/v1/merchant/statement?currency=EUR&format=csv&from=2026-01-01&to=2026-03-31"))
	wantWords(t, "the publisher's account", get(bo, "st-from=2026-02-01&st-to=2026-02-28&st-currency=USD&st-account=paid"),
		html.EscapeString("/v1/earnings/statement?account=paid&currency=USD&format=csv&from=2026-02-01&to=2026-02-28"))
	if page := get(ann, "st-from=2026-03-31&st-to=2026-01-01"); strings.Contains(page, "format=csv") ||
		!strings.Contains(page, "The end date must not be before the start date.") {
		t.Errorf("a range that ends before it starts: %.300s", page)
	}
}

// shownError matches a console page's error region holding a message.
var shownError = regexp.MustCompile(`class="cs-error" role="alert">\s*<p>`)
