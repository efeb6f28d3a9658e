package buycard_test

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/buycard/buycard"
)

// b64 encodes v as a token payload would be.
func b64(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// flip changes the last character of s so a signature no longer matches.
func flip(s string) string {
	last := s[len(s)-1]
	if last == 'A' {
		return s[:len(s)-1] + "B"
	}
	return s[:len(s)-1] + "A"
}

// decode reads the JSON body into a new T, as the API does.
func decode[T any](t *testing.T, body string) *T {
	t.Helper()
	v := new(T)
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatal(err)
	}
	return v
}

// wantInvalid fails t unless err is EINVALID with message.
func wantInvalid(t *testing.T, err error, message string) {
	t.Helper()
	if buycard.ErrorCode(err) != buycard.EINVALID || buycard.ErrorMessage(err) != message {
		t.Errorf("error %v, want EINVALID %q", err, message)
	}
}
