package api_test

import (
	"strings"
	"testing"
)

// TestKeyNames: a key needs a name, and the name is merchant text.
func TestKeyNames(t *testing.T) {
	t.Parallel()
	ts := newAuthServer(t, false)
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	const controls = "The API key's name must not contain control characters or text direction controls."
	for _, tt := range []struct {
		name, body string
		status     int
		message    string
	}{
		{"named", `{"name":"shop sync"}`, 201, ""},
		{"no name", `{}`, 400, "Name the API key, so that you can tell it from others."},
		{"empty", `{"name":""}`, 400, "Name the API key, so that you can tell it from others."},
		{"spaces", `{"name":"   "}`, 400, "Name the API key, so that you can tell it from others."},
		{"NUL", `{"name":"a\u0000b"}`, 400, controls},
		{"right-to-left override", `{"name":"sync\u202etxt.exe"}`, 400, controls},
		{"too long", `{"name":"` + strings.Repeat("k", 101) + `"}`, 400, "The API key's name must be at most 100 characters."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, "POST", "/v1/keys", "application/json", tt.body, ann.headers()...)
			if tt.status != 201 {
				wantError(t, resp, body, tt.status, "invalid", tt.message)
			} else if resp.StatusCode != 201 {
				t.Errorf("status = %d %s", resp.StatusCode, body)
			}
		})
	}
}
