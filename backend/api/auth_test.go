package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
)

const password = "a long enough password"

// newAuthServer is the test server with accounts on, cheap password
// hashing, and production cookies when secure.
func newAuthServer(t *testing.T, secure bool) *testServer {
	t.Helper()
	return newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		authConfig(cfg, svc)
		cfg.SecureCookies = secure
	})
}

// authConfig turns accounts on with cheap password hashing, and trusts
// the test proxy so that X-Forwarded-For names the client's network.
func authConfig(cfg *api.Config, svc *api.Services) {
	cfg.PasswordParams = auth.TestParams
	cfg.SessionIdle, cfg.SessionMaxAge = time.Hour, 24*time.Hour
	cfg.TrustedProxies = testProxy
	svc.Auth = svc.Catalog.(buycard.AuthService)
}

// browser is a signed-in client: its session cookie and CSRF token.
type browser struct {
	cookie, csrf string
}

// headers returns the browser's cookie and CSRF header, then extra.
func (b browser) headers(extra ...string) []string {
	return append([]string{"Cookie", b.cookie, "X-CSRF-Token", b.csrf}, extra...)
}

// signup signs up as a person does: the sign-up, then the confirmation
// link its email carries, which signs in; it returns the session and the
// confirmation's response.
func signup(t *testing.T, ts *testServer, email, role string, headers ...string) (browser, *http.Response) {
	t.Helper()
	resp, body := ts.do(t, "POST", "/v1/auth/signup", "application/json",
		`{"email":"`+email+`","password":"`+password+`","role":"`+role+`","name":"Acme"}`, headers...)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("signup = %d %s", resp.StatusCode, body)
	}
	resp, body = verify(ts, t, confirmationToken(t, ts, email))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("confirmation after signup = %d %s", resp.StatusCode, body)
	}
	return signedIn(t, resp, body), resp
}

// verify posts a confirmation link's token.
func verify(ts *testServer, t *testing.T, token string) (*http.Response, string) {
	t.Helper()
	return ts.do(t, "POST", "/v1/auth/verify", "application/json", jsonBody(map[string]string{"token": token}))
}

// confirmationToken does what the email job of email's newest sign-up
// does (backend/notify, which these tests do not run): it issues the
// sign-up's link, and returns the link's token.
func confirmationToken(t *testing.T, ts *testServer, email string) string {
	t.Helper()
	var id string
	err := ts.sql(t).QueryRow(`SELECT id FROM sign_ups WHERE email = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`, email).Scan(&id)
	if err != nil {
		t.Fatalf("sign-up of %s: %v", email, err)
	}
	_, link, err := auth.IssueSignUp(t.Context(), ts.db, publicURL, id, ts.now)
	if err != nil || !strings.HasPrefix(link, publicURL+"/console/verify#token=") {
		t.Fatalf("link = %q, %v", link, err)
	}
	return link[strings.Index(link, "=")+1:]
}

// sql opens the test server's database for what no store method reads.
func (ts *testServer) sql(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ts.dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// countRows counts the rows of query.
func countRows(t *testing.T, ts *testServer, query string, args ...any) int {
	t.Helper()
	var n int
	if err := ts.sql(t).QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// signedIn reads the session of a sign-up or sign-in response.
func signedIn(t *testing.T, resp *http.Response, body string) browser {
	t.Helper()
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	cookies := resp.Cookies()
	if json.Unmarshal([]byte(body), &me) != nil || me.CSRFToken == "" || len(cookies) != 1 {
		t.Fatalf("no session in %v %s", cookies, body)
	}
	return browser{cookie: cookies[0].Name + "=" + cookies[0].Value, csrf: me.CSRFToken}
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		secure bool
		want   string
	}{
		{"development", false, "buycard_session"},
		{"production", true, "__Host-buycard_session"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, resp := signup(t, newAuthServer(t, tt.secure), "ann@example.com", "merchant")
			c := resp.Cookies()[0]
			if c.Name != tt.want || !c.HttpOnly || c.Secure != tt.secure || c.SameSite != http.SameSiteLaxMode ||
				c.Path != "/" || c.Domain != "" || len(c.Value) != 43 {
				t.Errorf("cookie = %+v (%s)", c, resp.Header.Get("Set-Cookie"))
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q", cc)
			}
		})
	}
}

func TestSignupRejected(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	signup(t, ts, "ann@example.com", "merchant")
	for _, tt := range []struct{ name, body, want string }{
		{"admin role", `{"email":"b@example.com","password":"` + password + `","role":"admin","name":"X"}`, "role must be merchant or publisher."},
		{"bad email", `{"email":"nope","password":"` + password + `","role":"merchant","name":"X"}`, "Enter a valid email address."},
		{"short password", `{"email":"b@example.com","password":"short","role":"merchant","name":"X"}`, "The password must be at least 12 characters."},
		{"password is email", `{"email":"bob@example.com","password":"BOB@example.com","role":"merchant","name":"X"}`, "The password must not be your email address."},
		{"no name", `{"email":"b@example.com","password":"` + password + `","role":"publisher","name":""}`, "Publisher name is required."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, "POST", "/v1/auth/signup", "application/json", tt.body)
			if resp.StatusCode/100 != 4 || !strings.Contains(body, tt.want) || len(resp.Cookies()) != 0 {
				t.Errorf("= %d %s, want 4xx %q", resp.StatusCode, body, tt.want)
			}
		})
	}
	if _, err := ts.db.FindUserByEmail(t.Context(), "b@example.com"); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("a refused signup stored its user: %v", err)
	}
	if n := countRows(t, ts, `SELECT count(*) FROM sign_ups WHERE email != 'ann@example.com'`); n != 0 {
		t.Errorf("refused sign-ups stored %d sign-ups", n)
	}
	if n := countRows(t, ts, `SELECT count(*) FROM events WHERE type LIKE 'user.%'`); n != 1 {
		t.Errorf("%d events, want ann's sign-up's only", n)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	b, _ := signup(t, ts, "ann@example.com", "merchant")
	for _, tt := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"missing", []string{"Cookie", b.cookie}, http.StatusForbidden},
		{"wrong", []string{"Cookie", b.cookie, "X-CSRF-Token", auth.CSRFToken(auth.NewToken())}, http.StatusForbidden},
		{"cross-site origin", b.headers("Origin", "https://evil.example"), http.StatusForbidden},
		{"accepted", b.headers("Origin", publicURL), http.StatusCreated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, "POST", "/v1/keys", "application/json", `{"name":"sync"}`, tt.headers...)
			if resp.StatusCode != tt.status {
				t.Errorf("= %d %s, want %d", resp.StatusCode, body, tt.status)
			}
		})
	}
	if resp, body := ts.do(t, "GET", "/v1/auth/me", "", "", "Cookie", b.cookie); resp.StatusCode != 200 || !strings.Contains(body, b.csrf) {
		t.Errorf("GET needs no CSRF token: %d %s", resp.StatusCode, body)
	}
}

func login(ts *testServer, t *testing.T, email, pw string) (*http.Response, string) {
	return ts.do(t, "POST", "/v1/auth/login", "application/json", `{"email":"`+email+`","password":"`+pw+`"}`)
}

func TestLoginRehashes(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	signup(t, ts, "ann@example.com", "merchant")
	u, _ := ts.db.FindUserByEmail(t.Context(), "ann@example.com")
	old := auth.Params{Memory: 32, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	if err := ts.db.RehashPassword(t.Context(), u.ID, u.PasswordHash, old.HashPassword(password)); err != nil {
		t.Fatal(err)
	}
	if resp, body := login(ts, t, "ann@example.com", password); resp.StatusCode != http.StatusOK {
		t.Fatalf("login = %d %s", resp.StatusCode, body)
	}
	u, _ = ts.db.FindUser(t.Context(), u.ID)
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash = %q, want it rehashed with the current parameters", u.PasswordHash)
	}
}

func TestSessionExpiryAndLogout(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	b, _ := signup(t, ts, "ann@example.com", "merchant")
	me := func() int {
		resp, _ := ts.do(t, "GET", "/v1/auth/me", "", "", "Cookie", b.cookie)
		return resp.StatusCode
	}
	ts.now = ts.now.Add(50 * time.Minute) // past half the idle hour: slides
	if me() != 200 {
		t.Fatal("session ended early")
	}
	ts.now = ts.now.Add(59 * time.Minute)
	if me() != 200 {
		t.Fatal("a used session must slide")
	}
	ts.now = ts.now.Add(61 * time.Minute)
	if got := me(); got != http.StatusUnauthorized {
		t.Fatalf("idle session = %d, want 401", got)
	}

	b, _ = signup(t, ts, "bob@example.com", "publisher")
	if resp, body := ts.do(t, "POST", "/v1/auth/logout", "", "", b.headers()...); resp.StatusCode != http.StatusNoContent ||
		!strings.Contains(resp.Header.Get("Set-Cookie"), "buycard_session=;") {
		t.Fatalf("logout = %d %s %q", resp.StatusCode, body, resp.Header.Get("Set-Cookie"))
	}
	if got := me(); got != http.StatusUnauthorized {
		t.Fatalf("after logout = %d, want 401", got)
	}
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	b, _ := signup(t, ts, "ann@example.com", "merchant")
	u, _ := ts.db.FindUserByEmail(t.Context(), "ann@example.com")
	link, _, err := auth.IssueReset(t.Context(), ts.db, publicURL, u.ID, ts.now)
	if err != nil || !strings.HasPrefix(link, publicURL+"/console/reset-password#token=") {
		t.Fatalf("link = %q, %v", link, err)
	}
	token := link[strings.Index(link, "=")+1:]
	reset := func(token, pw string) (*http.Response, string) {
		return ts.do(t, "POST", "/v1/auth/password-reset", "application/json", `{"token":"`+token+`","new_password":"`+pw+`"}`)
	}
	if resp, body := reset(token, "short"); resp.StatusCode != 400 {
		t.Fatalf("short password = %d %s", resp.StatusCode, body)
	}
	if resp, body := reset(token, "a brand new password"); resp.StatusCode != 200 {
		t.Fatalf("reset = %d %s", resp.StatusCode, body)
	}
	if resp, body := reset(token, "another new password"); resp.StatusCode != 401 || !strings.Contains(body, "was used already") {
		t.Fatalf("second use = %d %s", resp.StatusCode, body)
	}
	if resp, _ := ts.do(t, "GET", "/v1/auth/me", "", "", "Cookie", b.cookie); resp.StatusCode != 401 {
		t.Errorf("a reset must end the user's sessions: %d", resp.StatusCode)
	}
	if resp, body := login(ts, t, "ann@example.com", "a brand new password"); resp.StatusCode != 200 {
		t.Errorf("login with the new password = %d %s", resp.StatusCode, body)
	}
	link, _, _ = auth.IssueReset(t.Context(), ts.db, publicURL, u.ID, ts.now)
	ts.now = ts.now.Add(auth.ResetTTL)
	if resp, _ := reset(link[strings.Index(link, "=")+1:], "a brand new password"); resp.StatusCode != 401 {
		t.Errorf("expired link = %d, want 401", resp.StatusCode)
	}
}

// resetDuringSignIn is the store of a sign-in that a password reset
// overtakes: the reset commits right after the sign-in has read the user,
// before it checks the password and starts its session.
type resetDuringSignIn struct {
	buycard.AuthService
	reset func()
}

func (r *resetDuringSignIn) FindUserByEmail(ctx context.Context, email string) (*buycard.User, error) {
	u, err := r.AuthService.FindUserByEmail(ctx, email)
	if r.reset != nil {
		r.reset()
		r.reset = nil
	}
	return u, err
}

// TestPasswordResetEndsTheSignInItOvertakes: whoever knows the old
// password signs in at the moment the owner sets a new one; that sign-in
// must not keep a session the new password should have ended.
func TestPasswordResetEndsTheSignInItOvertakes(t *testing.T) {
	t.Parallel()
	store := &resetDuringSignIn{}
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		authConfig(cfg, svc)
		store.AuthService, svc.Auth = svc.Auth, store
	})
	signup(t, ts, "ann@example.com", "merchant")
	u, _ := ts.db.FindUserByEmail(t.Context(), "ann@example.com")
	link, _, err := auth.IssueReset(t.Context(), ts.db, publicURL, u.ID, ts.now)
	if err != nil {
		t.Fatal(err)
	}
	store.reset = func() {
		token := link[strings.Index(link, "=")+1:]
		if _, err := ts.db.UsePasswordReset(t.Context(), auth.Digest(token), ts.now, auth.TestParams.HashPassword("a brand new password")); err != nil {
			t.Error(err)
		}
	}
	resp, body := login(ts, t, "ann@example.com", password)
	if resp.StatusCode == http.StatusOK {
		b := signedIn(t, resp, body)
		resp, body = ts.do(t, "GET", "/v1/auth/me", "", "", "Cookie", b.cookie)
	}
	wantError(t, resp, body, http.StatusUnauthorized, buycard.EUNAUTHORIZED, "")
	if resp, body := login(ts, t, "ann@example.com", "a brand new password"); resp.StatusCode != http.StatusOK {
		t.Errorf("the new password = %d %s", resp.StatusCode, body)
	}
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	bob, _ := signup(t, ts, "bob@example.com", "publisher")
	resp, body := ts.do(t, "POST", "/v1/keys", "application/json", `{"name":"shop sync"}`, ann.headers()...)
	var created struct {
		Key    buycard.APIKey `json:"key"`
		Secret string         `json:"secret"`
	}
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &created) != nil || !strings.HasPrefix(created.Secret, "bc_test_") ||
		created.Key.PartyKind != "merchant" || !strings.HasPrefix(created.Secret, created.Key.Prefix) {
		t.Fatalf("create = %d %s", resp.StatusCode, body)
	}
	bearer := []string{"Authorization", "Bearer " + created.Secret}
	resp, body = ts.do(t, "GET", "/v1/keys", "", "", bearer...)
	if resp.StatusCode != 200 || strings.Contains(body, created.Secret) || !strings.Contains(body, created.Key.ID) {
		t.Fatalf("list with the key = %d %s; the secret must show once", resp.StatusCode, body)
	}
	if resp, body := ts.do(t, "POST", "/v1/keys", "application/json", `{}`, bearer...); resp.StatusCode != 401 {
		t.Errorf("a key making keys = %d %s, want 401", resp.StatusCode, body)
	}
	if resp, body := ts.do(t, "GET", "/v1/keys", "", "", bob.headers()...); resp.StatusCode != 200 || strings.Contains(body, created.Key.ID) {
		t.Errorf("another party's list = %d %s", resp.StatusCode, body)
	}
	if resp, _ := ts.do(t, "DELETE", "/v1/keys/"+created.Key.ID, "", "", bob.headers()...); resp.StatusCode != 404 {
		t.Errorf("another party revoking = %d, want 404", resp.StatusCode)
	}
	if resp, body := ts.do(t, "DELETE", "/v1/keys/"+created.Key.ID, "", "", ann.headers()...); resp.StatusCode != 204 {
		t.Fatalf("revoke = %d %s", resp.StatusCode, body)
	}
	if resp, body := ts.do(t, "GET", "/v1/keys", "", "", bearer...); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("revoked key = %d %s, want 401 at once", resp.StatusCode, body)
	}
	if resp, _ := ts.do(t, "GET", "/v1/keys", "", "", "Authorization", "Bearer bc_test_made-up"); resp.StatusCode != 401 {
		t.Errorf("unknown key = %d", resp.StatusCode)
	}
	if resp, _ := ts.do(t, "GET", "/v1/keys", "", ""); resp.StatusCode != 401 {
		t.Errorf("anonymous = %d", resp.StatusCode)
	}
}
