package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// NewToken returns a random 256-bit token, URL-safe: session cookies and
// password reset links carry one.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Digest is the hex SHA-256 of a token, what the stores keep: tokens are
// random and long, so a fast hash suffices.
func Digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CSRFToken is the CSRF token of the session whose cookie holds
// sessionToken: an HMAC keyed by the session's own secret, so it needs no
// storage, changes with each session, and cannot be computed by a page
// that cannot read the cookie.
func CSRFToken(sessionToken string) string {
	h := hmac.New(sha256.New, []byte(sessionToken))
	h.Write([]byte("buycard csrf v1"))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// CheckCSRF reports, in constant time, whether got is the CSRF token of
// the session.
func CheckCSRF(sessionToken, got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(CSRFToken(sessionToken))) == 1
}

// API key prefixes: keys of a server taking real payments and of one in
// test mode look different, so a test key pasted into production fails
// visibly.
const (
	LiveKeyPrefix = "bc_live_"
	TestKeyPrefix = "bc_test_"
)

// NewAPIKey returns a new API key, the part of it shown in listings, and
// the digest to store.
func NewAPIKey(live bool) (key, shown, digest string) {
	prefix := TestKeyPrefix
	if live {
		prefix = LiveKeyPrefix
	}
	key = prefix + NewToken()
	return key, key[:len(prefix)+6], Digest(key)
}

// IsAPIKey reports whether s looks like an API key.
func IsAPIKey(s string) bool {
	return strings.HasPrefix(s, LiveKeyPrefix) || strings.HasPrefix(s, TestKeyPrefix)
}
