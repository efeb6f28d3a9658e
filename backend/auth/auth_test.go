package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordRoundTrip(t *testing.T) {
	hash := TestParams.HashPassword("correct horse battery")
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash = %q, want PHC argon2id", hash)
	}
	for _, tt := range []struct {
		name, password string
		params         Params
		ok, rehash     bool
	}{
		{"ok", "correct horse battery", TestParams, true, false},
		{"wrong password", "correct horse battery!", TestParams, false, false},
		{"params changed", "correct horse battery", Params{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := tt.params.VerifyPassword(tt.password, hash)
			if err != nil || ok != tt.ok || rehash != tt.rehash {
				t.Errorf("verify = %v, %v, %v; want %v, %v", ok, rehash, err, tt.ok, tt.rehash)
			}
		})
	}
	if h2 := TestParams.HashPassword("correct horse battery"); h2 == hash {
		t.Error("two hashes of one password must differ by their salt")
	}
}

func TestVerifyRejectsBadHashes(t *testing.T) {
	for _, h := range []string{"$argon2i$v=19$m=64,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=64,t=0,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=64,t=1,p=1$!!$a2V5", "plain"} {
		if ok, _, err := TestParams.VerifyPassword("x", h); ok || err == nil {
			t.Errorf("%q: ok=%v err=%v, want an error", h, ok, err)
		}
	}
	if ok, _, err := TestParams.VerifyPassword("", ""); ok || err != nil {
		t.Errorf("an empty hash must match nothing: %v, %v", ok, err)
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tt := range []struct{ name, password, want string }{
		{"ok", "a long enough pass", ""},
		{"short", "short", "The password must be at least 12 characters."},
		{"long", strings.Repeat("x", 129), "The password must be at most 128 bytes."},
		{"email", "Ann@Example.com", "The password must not be your email address."},
	} {
		if got := CheckPassword(tt.password, "ann@example.com"); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCSRFAndKeys(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) != 43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if !CheckCSRF(a, CSRFToken(a)) || CheckCSRF(a, CSRFToken(b)) || CheckCSRF(a, "") {
		t.Error("a CSRF token must check for its own session only")
	}
	key, shown, digest := NewAPIKey(false)
	if !strings.HasPrefix(key, "bc_test_") || !strings.HasPrefix(key, shown) || digest != Digest(key) || !IsAPIKey(key) {
		t.Errorf("key %q shown %q digest %q", key, shown, digest)
	}
}

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := &Throttle{Storage: &MemoryStorage{}, Max: 2, Window: time.Minute, Now: func() time.Time { return now }}
	for range 2 {
		if th.RetryAfter("k") != 0 {
			t.Fatal("refused before the limit")
		}
		if err := th.Fail("k"); err != nil {
			t.Fatal(err)
		}
	}
	if got := th.RetryAfter("k"); got != time.Minute {
		t.Errorf("retry after = %v, want 1m", got)
	}
	if th.RetryAfter("other") != 0 {
		t.Error("another key must not be refused")
	}
	now = now.Add(time.Minute)
	if th.RetryAfter("k") != 0 {
		t.Error("the window has ended")
	}
}
