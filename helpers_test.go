package buycard_test

import (
	"encoding/base64"
	"encoding/json"
	"testing"
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
