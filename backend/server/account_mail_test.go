package server

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/mailpittest"
)

// TestAccountEmailsOnEachStore follows a person's account through the
// emails of a node with a real SMTP server (Mailpit), on SQLite and on
// PostgreSQL: a sign-up creates nothing until the link its email carries
// is followed, which signs in; signing up again with the address tells
// its owner and makes no second account; a forgotten password is set
// again through an emailed link; and an address without an account gets
// nothing.
func TestAccountEmailsOnEachStore(t *testing.T) {
	t.Parallel()
	for name, databaseURL := range testStores() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, mp := startMailNode(t, databaseURL(t))
			const email, first = "maker@kiln.test", "first password, long enough"
			signUp(t, m, email, first, "Kiln")
			if status := signIn(t, m, email, first); status != http.StatusUnauthorized {
				t.Errorf("sign-in before confirming = %d, want 401", status)
			}

			confirm := mp.Wait(t, "to:"+email+` subject:"Confirm your email"`, 1, 20*time.Second)[0]
			checkAccountMessage(t, confirm, email, "Confirm your email")
			token := linkToken(t, confirm, "/console/verify#token=")
			checkNotStored(t, m, token)
			user := newBrowser(t)
			var me struct {
				User struct{ Email, Role string }
			}
			if status := user.post(t, m, "/v1/auth/verify", map[string]string{"token": token}, &me); status != http.StatusOK ||
				me.User.Email != email || me.User.Role != "merchant" {
				t.Fatalf("confirm = %d %+v", status, me)
			}
			if status := user.get(t, m, "/v1/auth/me"); status != http.StatusOK {
				t.Errorf("GET /v1/auth/me after confirming = %d, want signed in", status)
			}
			if status := newBrowser(t).post(t, m, "/v1/auth/verify", map[string]string{"token": token}, nil); status != http.StatusUnauthorized {
				t.Errorf("the link again = %d, want 401", status)
			}

			signUp(t, m, email, "a squatter's password", "Squat")
			tried := mp.Wait(t, "to:"+email+` subject:"Someone tried"`, 1, 20*time.Second)[0]
			checkAccountMessage(t, tried, email, "Someone tried to sign up with your email")
			if strings.Contains(tried.Text, "token=") || !strings.Contains(tried.Text, "/console/forgot-password") {
				t.Errorf("the notice carries a link that creates something, or none to reset the password:\n%s", tried.Text)
			}
			if status := signIn(t, m, email, "a squatter's password"); status != http.StatusUnauthorized {
				t.Errorf("the second sign-up's password = %d, want 401", status)
			}

			requestReset(t, m, "nobody@kiln.test")
			requestReset(t, m, strings.ToUpper(email))
			reset := mp.Wait(t, "to:"+email+` subject:"Reset your Buycard password"`, 1, 20*time.Second)[0]
			checkAccountMessage(t, reset, email, "Reset your Buycard password")
			token = linkToken(t, reset, "/console/reset-password#token=")
			checkNotStored(t, m, token)
			const second = "second password, long enough"
			body := map[string]string{"token": token, "new_password": second}
			if status := newBrowser(t).post(t, m, "/v1/auth/password-reset", body, nil); status != http.StatusOK {
				t.Fatalf("reset = %d", status)
			}
			if status := user.get(t, m, "/v1/auth/me"); status != http.StatusUnauthorized {
				t.Errorf("the session after a reset = %d, want ended", status)
			}
			if signIn(t, m, email, second) != http.StatusOK || signIn(t, m, email, first) != http.StatusUnauthorized {
				t.Error("after the reset the new password must sign in and the old one not")
			}
			// The request for an address without an account recorded
			// nothing, so no email of it can still be on its way.
			if got := mp.Search(t, "to:nobody@kiln.test"); len(got) != 0 {
				t.Errorf("%d emails to an address without an account", len(got))
			}
			if total := mp.Total(t); total != 3 {
				t.Errorf("%d emails in all, want 3 (confirm, someone tried, reset)", total)
			}
		})
	}
}

// browser is an HTTP client with cookies: a person's browser.
type browser struct{ *http.Client }

func newBrowser(t *testing.T) browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return browser{&http.Client{Jar: jar}}
}

// post sends body as JSON and decodes the reply into reply, if any.
func (b browser) post(t *testing.T, m *Main, path string, body, reply any) int {
	t.Helper()
	raw, _ := json.Marshal(body)
	resp, err := b.Post(m.Config.PublicURL+path, "application/json", strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if reply != nil && resp.StatusCode/100 == 2 {
		if err := json.NewDecoder(resp.Body).Decode(reply); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return resp.StatusCode
}

func (b browser) get(t *testing.T, m *Main, path string) int {
	t.Helper()
	resp, err := b.Get(m.Config.PublicURL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// signUp signs up a merchant named name; it answers 202 whatever the
// email.
func signUp(t *testing.T, m *Main, email, password, name string) {
	t.Helper()
	body := map[string]string{"email": email, "password": password, "role": "merchant", "name": name}
	if status := newBrowser(t).post(t, m, "/v1/auth/signup", body, nil); status != http.StatusAccepted {
		t.Fatalf("sign-up = %d, want 202", status)
	}
}

// signIn is the status of a sign-in with email and password.
func signIn(t *testing.T, m *Main, email, password string) int {
	t.Helper()
	return newBrowser(t).post(t, m, "/v1/auth/login", map[string]string{"email": email, "password": password}, nil)
}

// requestReset asks for a password link; it answers 202 whatever the
// email.
func requestReset(t *testing.T, m *Main, email string) {
	t.Helper()
	if status := newBrowser(t).post(t, m, "/v1/auth/password-reset/request", map[string]string{"email": email}, nil); status != http.StatusAccepted {
		t.Fatalf("password link request = %d, want 202", status)
	}
}

// checkAccountMessage checks an account email: to the address alone,
// from Buycard, answers going nowhere else, its subject, both parts.
func checkAccountMessage(t *testing.T, msg *mailpittest.Message, to, subject string) {
	t.Helper()
	if got := msg.Recipients(); len(got) != 1 || got[0] != to {
		t.Errorf("%q went to %v, want %s", msg.Subject, got, to)
	}
	if msg.From.Name != "Buycard" || msg.From.Address != "mail@buycard.test" || len(msg.ReplyTo) != 0 {
		t.Errorf("%q is from %+v, replies to %v", msg.Subject, msg.From, msg.ReplyTo)
	}
	if msg.Subject != subject {
		t.Errorf("subject %q, want %q", msg.Subject, subject)
	}
	if msg.Text == "" || !strings.Contains(msg.HTML, "<html") {
		t.Errorf("%q lacks a text or an HTML part", msg.Subject)
	}
}

// linkToken returns the token of the link to path in both parts of msg.
func linkToken(t *testing.T, msg *mailpittest.Message, path string) string {
	t.Helper()
	link := regexp.MustCompile(`https?://[^\s"<>]+` + regexp.QuoteMeta(path) + `[A-Za-z0-9_-]+`).FindString(msg.Text)
	if link == "" || !strings.Contains(msg.HTML, link) {
		t.Fatalf("%q has no link to %s in both parts:\n%s\n%s", msg.Subject, path, msg.Text, msg.HTML)
	}
	return link[strings.Index(link, path)+len(path):]
}

// checkNotStored checks, on SQLite, that a link's token is nowhere in
// the database: not in the jobs that sent it, the events, the sign-ups
// or the password resets, which keep its digest.
func checkNotStored(t *testing.T, m *Main, token string) {
	t.Helper()
	if kind, _ := m.Config.DatabaseKind(); kind != DatabaseSQLite {
		return
	}
	path, _ := m.Config.SQLitePath()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var jobs, found int
	err = db.QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'email' AND json(args) LIKE '%"event_id":"evt_%'`).Scan(&jobs)
	if err != nil || jobs == 0 {
		t.Fatalf("%d email jobs read as text, %v: the check would see nothing", jobs, err)
	}
	like := "%" + token + "%"
	err = db.QueryRow(`
		SELECT (SELECT count(*) FROM river_job WHERE json(args) LIKE $1)
		     + (SELECT count(*) FROM events WHERE data LIKE $1)
		     + (SELECT count(*) FROM sign_ups WHERE token LIKE $1)
		     + (SELECT count(*) FROM password_resets WHERE id LIKE $1)`, like).Scan(&found)
	if err != nil || found != 0 {
		t.Errorf("a link's token is stored in %d rows (%v)", found, err)
	}
}
