package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
)

// resetRequest asks for a password link for the body's email.
func resetRequest(ts *testServer, t *testing.T, body string, headers ...string) (*http.Response, string) {
	t.Helper()
	return ts.do(t, "POST", "/v1/auth/password-reset/request", "application/json", body, headers...)
}

// countResetEvents counts the password link requests recorded, each of
// which emails a link.
func countResetEvents(t *testing.T, ts *testServer) int {
	return countRows(t, ts, `SELECT count(*) FROM events WHERE type = 'user.password_reset'`)
}

// TestPasswordResetRequestRefused: bad input is 400 and records nothing.
func TestPasswordResetRequestRefused(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	signup(t, ts, "ann@example.com", "merchant")
	for _, tt := range []struct{ name, body, message string }{
		{"bad email", `{"email":"ann@"}`, "Enter a valid email address."},
		{"no email", `{}`, "Enter a valid email address."},
		{"unknown field", `{"email":"ann@example.com","password":"x"}`, `The request body is not acceptable: unknown field "password".`},
		{"not json", `email=ann@example.com`, "The request body is not valid JSON."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := resetRequest(ts, t, tt.body)
			wantError(t, resp, body, http.StatusBadRequest, buycard.EINVALID, tt.message)
		})
	}
	if n := countResetEvents(t, ts); n != 0 {
		t.Errorf("refused requests recorded %d password links", n)
	}
}

// TestPasswordResetRequestDoesNotTell: an address with an account and
// one without get the same answer; only the account's records the event
// whose email carries the link.
func TestPasswordResetRequestDoesNotTell(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	signup(t, ts, "ann@example.com", "merchant")
	known, knownBody := resetRequest(ts, t, `{"email":" Ann@Example.com "}`)
	unknown, unknownBody := resetRequest(ts, t, `{"email":"nobody@example.com"}`)
	wantSameAnswers(t, known, knownBody, unknown, unknownBody)
	if got := jsonField(knownBody, "message"); got != "If an account uses this email, we sent it a link." {
		t.Errorf("message = %q", got)
	}
	ann, err := ts.db.FindUserByEmail(t.Context(), "ann@example.com")
	must(t, err)
	if n := countRows(t, ts, `SELECT count(*) FROM events WHERE type = 'user.password_reset' AND user_id = ? AND party_id IS NULL`, ann.ID); n != 1 {
		t.Errorf("%d password link events of ann, want 1", n)
	}
	if n := countResetEvents(t, ts); n != 1 {
		t.Errorf("%d password link events, want ann's only", n)
	}
}

// TestPasswordResetRequestThrottled: a mailbox gets three emails at once
// (ann's sign-up sent one), then one a minute later, then one after two;
// throttled requests are answered the same and send nothing. Other
// addresses are not held up.
func TestPasswordResetRequestThrottled(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	signup(t, ts, "ann@example.com", "merchant")
	signup(t, ts, "bob@example.com", "publisher")
	steps := []struct {
		name   string
		wait   time.Duration
		email  string
		events int
	}{
		{"first", 0, "ann@example.com", 1},
		{"second", 0, "ann@example.com", 2},
		{"third at once", 0, "ann@example.com", 2},
		{"another address", 0, "bob@example.com", 3},
		{"after a minute", time.Minute, "ann@example.com", 4},
		{"a minute later again", time.Minute, "ann@example.com", 4},
		{"after two minutes", time.Minute, "ann@example.com", 5},
	}
	for i, step := range steps {
		ts.now = ts.now.Add(step.wait)
		// Each from a network of its own: the address's count throttles it.
		resp, body := resetRequest(ts, t, jsonBody(map[string]string{"email": step.email}), xff(fmt.Sprintf("198.51.100.%d", i+1))...)
		if resp.StatusCode != http.StatusAccepted || jsonField(body, "message") != "If an account uses this email, we sent it a link." {
			t.Fatalf("%s: request = %d %s", step.name, resp.StatusCode, body)
		}
		if n := countResetEvents(t, ts); n != step.events {
			t.Fatalf("%s: %d links recorded, want %d", step.name, n, step.events)
		}
	}
}

// TestMailsThrottledPerNetwork: one network asking for sign-ups and
// links of many addresses is held up past its free requests, whatever
// the address; the sign-ups it was refused record nothing.
func TestMailsThrottledPerNetwork(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		authConfig(cfg, svc)
		cfg.MailsPerNetwork = 4
	})
	const sprayer = "203.0.113.9"
	for i := range 6 {
		resp, body := ts.do(t, "POST", "/v1/auth/signup", "application/json", jsonBody(map[string]string{
			"email": fmt.Sprintf("user%d@example.com", i), "password": password, "role": "merchant", "name": "Spam"}), xff(sprayer)...)
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("sign-up %d = %d %s", i, resp.StatusCode, body)
		}
	}
	if n := countRows(t, ts, `SELECT count(*) FROM sign_ups`); n != 4 {
		t.Errorf("%d sign-ups recorded, want the network's 4 free ones", n)
	}
	signup(t, ts, "ann@example.com", "merchant", xff("198.51.100.7")...)
}

// TestVerifyRefused: a confirmation link that is malformed, unknown,
// spent or expired, or whose address got an account meanwhile, creates
// nothing and signs nobody in.
func TestVerifyRefused(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	signupBody := func(email string) string {
		return jsonBody(map[string]string{"email": email, "password": password, "role": "publisher", "name": "Fold"})
	}
	ts.do(t, "POST", "/v1/auth/signup", "application/json", signupBody("late@example.com"))
	expired := confirmationToken(t, ts, "late@example.com")
	ts.do(t, "POST", "/v1/auth/signup", "application/json", signupBody("bob@example.com"))
	first := confirmationToken(t, ts, "bob@example.com")
	ts.do(t, "POST", "/v1/auth/signup", "application/json", signupBody("bob@example.com"))
	second := confirmationToken(t, ts, "bob@example.com")
	if resp, body := verify(ts, t, first); resp.StatusCode != http.StatusOK {
		t.Fatalf("bob's first link = %d %s", resp.StatusCode, body)
	}
	ts.now = ts.now.Add(25 * time.Hour)
	const badLink = "This confirmation link is not valid any more: it was used already, has expired, or its email has an account now. Sign in, or sign up again."
	for _, tt := range []struct{ name, body string }{
		{"empty token", `{"token":""}`},
		{"long token", jsonBody(map[string]string{"token": string(make([]byte, 101))})},
		{"unknown token", `{"token":"made-up"}`},
		{"expired", jsonBody(map[string]string{"token": expired})},
		{"address taken meanwhile", jsonBody(map[string]string{"token": second})},
		{"spent", jsonBody(map[string]string{"token": first})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, "POST", "/v1/auth/verify", "application/json", tt.body)
			wantError(t, resp, body, http.StatusUnauthorized, buycard.EUNAUTHORIZED, badLink)
			for _, c := range resp.Cookies() {
				if c.Value != "" {
					t.Errorf("a refused link set a session cookie %s", c.Name)
				}
			}
		})
	}
	resp, body := ts.do(t, "POST", "/v1/auth/verify", "application/json", `{"token":"x","email":"a@b.example"}`)
	wantError(t, resp, body, http.StatusBadRequest, buycard.EINVALID, `The request body is not acceptable: unknown field "email".`)
	if _, err := ts.db.FindUserByEmail(t.Context(), "late@example.com"); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("an expired link created its user: %v", err)
	}
	if n := countRows(t, ts, `SELECT count(*) FROM users WHERE email = 'bob@example.com'`); n != 1 {
		t.Errorf("%d users of bob's address, want 1", n)
	}
}
