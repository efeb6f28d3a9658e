package auth

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/limitstore"
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

// testThrottle is a throttle counting in memory on a clock the test moves.
func testThrottle(now *time.Time, free int) Throttle {
	clock := func() time.Time { return *now }
	return Throttle{
		Storage: limitstore.New(nil, slog.New(slog.DiscardHandler), clock),
		Free:    free, Delay: time.Second, MaxDelay: time.Minute, Forget: time.Hour, Now: clock,
	}
}

func TestThrottleWaitsGrow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := testThrottle(&now, 3)
	for i, want := range []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, time.Minute, time.Minute} {
		th.Fail("k")
		if got := th.RetryAfter("k"); got != want {
			t.Errorf("after failure %d: retry after %v, want %v", i+1, got, want)
		}
		now = now.Add(th.RetryAfter("k"))
	}
	if th.RetryAfter("other") != 0 {
		t.Error("another key must not be refused")
	}
}

func TestThrottleForgets(t *testing.T) {
	for _, tt := range []struct {
		name   string
		forget func(now *time.Time, th *Throttle)
		want   time.Duration // the wait after one more failure
	}{
		{"not yet", func(now *time.Time, _ *Throttle) { *now = now.Add(2*time.Second + 59*time.Minute) }, 4 * time.Second},
		{"quiet for Forget after the wait", func(now *time.Time, _ *Throttle) { *now = now.Add(2*time.Second + time.Hour) }, 0},
		{"reset", func(_ *time.Time, th *Throttle) { th.Reset("k") }, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			th := testThrottle(&now, 2)
			for range 3 {
				th.Fail("k")
			}
			tt.forget(&now, &th)
			th.Fail("k")
			if got := th.RetryAfter("k"); got != tt.want {
				t.Errorf("retry after = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSignInsDoNotLockOutTheOwner guesses at ann's password from rotating
// networks: each network is slowed down, ann's own is not.
func TestSignInsDoNotLockOutTheOwner(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &SignIns{Account: testThrottle(&now, 5), Network: testThrottle(&now, 50)}
	for i := range 20 {
		for range 5 {
			s.Fail("ann@example.com", fmt.Sprintf("198.51.100.%d", i))
		}
		if s.RetryAfter("ann@example.com", fmt.Sprintf("198.51.100.%d", i)) == 0 {
			t.Fatalf("network %d is not slowed down after 5 failures", i)
		}
	}
	if got := s.RetryAfter("ann@example.com", "203.0.113.9"); got != 0 {
		t.Errorf("ann's own network waits %v, want no wait", got)
	}
}

// TestSignInsBoundANetwork sprays many accounts from one network.
func TestSignInsBoundANetwork(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &SignIns{Account: testThrottle(&now, 5), Network: testThrottle(&now, 10)}
	for i := range 10 {
		s.Fail(fmt.Sprintf("user%d@example.com", i), "198.51.100.7")
	}
	if s.RetryAfter("fresh@example.com", "198.51.100.7") == 0 {
		t.Error("a network that failed on 10 accounts may try an eleventh at once")
	}
	if s.RetryAfter("fresh@example.com", "203.0.113.9") != 0 {
		t.Error("another network is slowed down")
	}
	// A success of the spraying network's own account does not clear it.
	s.Succeed("mine@example.com", "198.51.100.7")
	if s.RetryAfter("fresh@example.com", "198.51.100.7") == 0 {
		t.Error("a success cleared the network's count")
	}
}
