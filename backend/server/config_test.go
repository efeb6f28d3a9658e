package server

import (
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/demo"
	"github.com/buycard/buycard/backend/pgtest"
	"github.com/buycard/buycard/backend/postgres"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("s", 32)
	tests := []struct {
		name string
		env  map[string]string
		want string // error text, "" for ok
	}{
		{"defaults", nil, ""},
		{"bad env", map[string]string{"BUYCARD_ENV": "staging"}, `BUYCARD_ENV must be development or production, not "staging"`},
		{"public url with path", map[string]string{"BUYCARD_PUBLIC_URL": "https://buy.example.com/x"}, "BUYCARD_PUBLIC_URL must be an origin"},
		{"public url scheme", map[string]string{"BUYCARD_PUBLIC_URL": "ftp://buy.example.com"}, "BUYCARD_PUBLIC_URL must be an origin"},
		{"production refuses http", map[string]string{"BUYCARD_ENV": "production", "BUYCARD_PUBLIC_URL": "http://buy.example.com", "BUYCARD_SECRET": long}, "production needs an https BUYCARD_PUBLIC_URL"},
		{"production needs a secret", map[string]string{"BUYCARD_ENV": "production", "BUYCARD_PUBLIC_URL": "https://buy.example.com"}, "production needs BUYCARD_SECRET"},
		{"production refuses sandbox", map[string]string{"BUYCARD_ENV": "production", "BUYCARD_PUBLIC_URL": "https://buy.example.com", "BUYCARD_SECRET": long}, "production refuses the sandbox payment provider"},
		{"secret file missing", map[string]string{"BUYCARD_SECRET_FILE": "/nonexistent/secret"}, "read BUYCARD_SECRET_FILE"},
		{"postgres database", map[string]string{"BUYCARD_DATABASE_URL": "postgres://buycard@db.internal:5432/buycard"}, ""},
		{"unknown database", map[string]string{"BUYCARD_DATABASE_URL": "mysql://buycard@db.internal/buycard"}, "BUYCARD_DATABASE_URL must be sqlite:PATH or a postgres:// URL"},
		{"stripe", map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_PUBLISHABLE_KEY": "pk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_a, whsec_b"}, ""},
		{"stripe without publishable key", map[string]string{"STRIPE_SECRET_KEY": "sk_test_1"}, "STRIPE_PUBLISHABLE_KEY (pk_…) is required"},
		{"stripe modes differ", map[string]string{"STRIPE_SECRET_KEY": "sk_live_1", "STRIPE_PUBLISHABLE_KEY": "pk_test_1"}, "must both be test keys or both live keys"},
		{"stripe key kind", map[string]string{"STRIPE_SECRET_KEY": "pk_test_1", "STRIPE_PUBLISHABLE_KEY": "pk_test_1"}, "STRIPE_SECRET_KEY must be a secret"},
		{"stripe webhook secret", map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_PUBLISHABLE_KEY": "pk_test_1", "STRIPE_WEBHOOK_SECRET": "secret"}, "STRIPE_WEBHOOK_SECRET must list webhook signing secrets"},
		{"stripe keys without secret key", map[string]string{"STRIPE_PUBLISHABLE_KEY": "pk_test_1"}, "need STRIPE_SECRET_KEY"},
		{"blob url", map[string]string{"BUYCARD_BLOB_URL": "file:///srv/buycard/files", "BUYCARD_FILE_MAX_BYTES": "1048576"}, ""},
		{"blob url without scheme", map[string]string{"BUYCARD_BLOB_URL": "/srv/buycard/files"}, "BUYCARD_BLOB_URL must be a bucket URL"},
		{"file cap", map[string]string{"BUYCARD_FILE_MAX_BYTES": "0"}, "BUYCARD_FILE_MAX_BYTES must be a positive number of bytes"},
		{"production needs the webhook", map[string]string{"BUYCARD_ENV": "production", "BUYCARD_PUBLIC_URL": "https://buy.example.com", "BUYCARD_SECRET": long, "STRIPE_SECRET_KEY": "sk_live_1", "STRIPE_PUBLISHABLE_KEY": "pk_live_1"}, "production needs STRIPE_WEBHOOK_SECRET"},
		{"production live stripe", map[string]string{"BUYCARD_ENV": "production", "BUYCARD_PUBLIC_URL": "https://buy.example.com", "BUYCARD_SECRET": long, "STRIPE_SECRET_KEY": "sk_live_1", "STRIPE_PUBLISHABLE_KEY": "pk_live_1", "STRIPE_WEBHOOK_SECRET": "whsec_1", "BUYCARD_SMTP_URL": "smtp://u:p@mail.example.com:587", "BUYCARD_MAIL_FROM": "shop@example.com"}, ""},
		{"production needs mail", map[string]string{"BUYCARD_ENV": "production", "BUYCARD_PUBLIC_URL": "https://buy.example.com", "BUYCARD_SECRET": long, "STRIPE_SECRET_KEY": "sk_live_1", "STRIPE_PUBLISHABLE_KEY": "pk_live_1", "STRIPE_WEBHOOK_SECRET": "whsec_1"}, "production needs BUYCARD_SMTP_URL and BUYCARD_MAIL_FROM"},
		{"production refuses another API", map[string]string{"BUYCARD_ENV": "production", "BUYCARD_PUBLIC_URL": "https://buy.example.com", "BUYCARD_SECRET": long, "STRIPE_SECRET_KEY": "sk_live_1", "STRIPE_PUBLISHABLE_KEY": "pk_live_1", "STRIPE_WEBHOOK_SECRET": "whsec_1", "STRIPE_API_URL": "http://127.0.0.1:1"}, "STRIPE_API_URL is for development"},
		{"limits", map[string]string{"BUYCARD_CHECKOUTS_PER_IP": "0", "BUYCARD_CHECKOUTS_PER_PUBLISHER": "1000"}, ""},
		{"bad limit", map[string]string{"BUYCARD_CHECKOUTS_PER_IP": "-1"}, "BUYCARD_CHECKOUTS_PER_IP must be a number of checkouts a minute"},
		{"fee", map[string]string{"BUYCARD_PLATFORM_FEE_BPS": "500", "BUYCARD_PLATFORM_FEE_FIXED": "USD:30, KWD:100", "BUYCARD_PAYOUT_MINIMUM": "USD:1000"}, ""},
		{"fee not a number", map[string]string{"BUYCARD_PLATFORM_FEE_BPS": "8.75%"}, "BUYCARD_PLATFORM_FEE_BPS must be a whole number of basis points"},
		{"fee above 100%", map[string]string{"BUYCARD_PLATFORM_FEE_BPS": "10001"}, "Platform fee must be 0 to 10000 basis points."},
		{"fixed fee in a bad step", map[string]string{"BUYCARD_PLATFORM_FEE_FIXED": "KWD:105"}, `BUYCARD_PLATFORM_FEE_FIXED must list CURRENCY:MINOR_UNITS such as USD:30, not "KWD:105"`},
		{"fixed fee currency", map[string]string{"BUYCARD_PLATFORM_FEE_FIXED": "XXX:1"}, "BUYCARD_PLATFORM_FEE_FIXED must list"},
		{"hold", map[string]string{"BUYCARD_PUBLISHER_HOLD": "7days"}, "BUYCARD_PUBLISHER_HOLD must be a duration such as 168h"},
		{"payout minimum", map[string]string{"BUYCARD_PAYOUT_MINIMUM": "USD"}, "BUYCARD_PAYOUT_MINIMUM must list"},
		{"payout schedule", map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_PUBLISHABLE_KEY": "pk_test_1", "BUYCARD_PAYOUT_EVERY": "24h"}, ""},
		{"payout schedule not a duration", map[string]string{"BUYCARD_PAYOUT_EVERY": "daily"}, "BUYCARD_PAYOUT_EVERY must be a duration such as 24h"},
		{"payout schedule in the sandbox", map[string]string{"BUYCARD_PAYOUT_EVERY": "24h"}, "BUYCARD_PAYOUT_EVERY needs STRIPE_SECRET_KEY"},
		{"redis", map[string]string{"BUYCARD_REDIS_URL": "redis://127.0.0.1:6379/0"}, ""},
		{"redis over tls", map[string]string{"BUYCARD_REDIS_URL": "rediss://buycard:pw@cache.internal:6380/2"}, ""},
		{"redis scheme", map[string]string{"BUYCARD_REDIS_URL": "http://cache.internal:6379"}, "BUYCARD_REDIS_URL must be a redis:// or rediss:// URL"},
		{"redis without host", map[string]string{"BUYCARD_REDIS_URL": "redis:cache.internal"}, "BUYCARD_REDIS_URL must be a redis:// or rediss:// URL"},
		{"redis unparsable", map[string]string{"BUYCARD_REDIS_URL": "redis://:pw@[::1"}, `not "redis:…"`},
		{"redis url file missing", map[string]string{"BUYCARD_REDIS_URL_FILE": "/nonexistent/redis"}, "read BUYCARD_REDIS_URL_FILE"},
		{"trusted proxies", map[string]string{"BUYCARD_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1, fd00::/8"}, ""},
		{"trusted proxy not an address", map[string]string{"BUYCARD_TRUSTED_PROXIES": "10.0.0.0/8,lb.internal"}, `BUYCARD_TRUSTED_PROXIES must list addresses or CIDRs such as 10.0.0.0/8, not "lb.internal"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(func(k string) string { return tt.env[k] })
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL != "sqlite:./data/buycard.db" || c.Env != "development" {
		t.Errorf("defaults = %+v", c)
	}
	if c.PlatformFee.BPS != 875 || len(c.PlatformFee.Fixed) != 0 || c.PublisherHold != 7*24*time.Hour || len(c.PayoutMinimum) != 0 ||
		c.ShareNotice != buycard.DefaultShareNotice {
		t.Errorf("money defaults: fee %+v, hold %v, payout minimum %v, share notice %v", c.PlatformFee, c.PublisherHold, c.PayoutMinimum, c.ShareNotice)
	}
	for _, v := range []string{"0", "-1h", "30 days"} {
		if _, err := LoadConfig(func(k string) string { return map[string]string{"BUYCARD_SHARE_NOTICE": v}[k] }); err == nil {
			t.Errorf("BUYCARD_SHARE_NOTICE=%s loaded", v)
		}
	}
	if p, err := c.SQLitePath(); err != nil || p != "./data/buycard.db" {
		t.Errorf("SQLitePath = %q, %v", p, err)
	}
}

func TestRedisAndProxyConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{"BUYCARD_REDIS_URL": "rediss://:pw@cache.internal:6380/1", "BUYCARD_TRUSTED_PROXIES": "10.1.2.3/8, 192.0.2.1, ::ffff:198.51.100.1"}
	c, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisURL != env["BUYCARD_REDIS_URL"] {
		t.Errorf("RedisURL = %q", c.RedisURL)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("198.51.100.1/32")}
	if !slices.Equal(c.TrustedProxies, want) {
		t.Errorf("TrustedProxies = %v, want %v", c.TrustedProxies, want)
	}
	if c, _ := LoadConfig(func(string) string { return "" }); c.RedisURL != "" || c.TrustedProxies != nil {
		t.Errorf("defaults: redis %q, proxies %v", c.RedisURL, c.TrustedProxies)
	}
}

// TestUnreachableRedisDoesNotStopTheNode checks that a node starts while
// its Redis is down: opening it does not connect (the limits fail over to
// memory when they first need it, and log it then, once).
func TestUnreachableRedisDoesNotStopTheNode(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	m := &Main{Config: Config{RedisURL: "redis://127.0.0.1:1/0"}, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	store, err := m.openRedis()
	if err != nil || store == nil || m.redis == nil {
		t.Fatalf("openRedis = %v, %v", store, err)
	}
	if err := m.Close(); err != nil {
		t.Error(err)
	}
	if logs.Len() != 0 {
		t.Errorf("opening logged %q; the limits log an outage when they meet it", logs.String())
	}
}

func TestDatabaseKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url string
		kind      string
		err       string // error text, "" for ok
	}{
		{"sqlite", "sqlite:./data/buycard.db", DatabaseSQLite, ""},
		{"sqlite absolute path", "sqlite:/var/lib/buycard/buycard.db", DatabaseSQLite, ""},
		{"postgres", "postgres://buycard:pw@db.internal:5432/buycard?sslmode=verify-full", DatabasePostgres, ""},
		{"postgresql", "postgresql://buycard@db.internal/buycard", DatabasePostgres, ""},
		{"postgres without host", "postgres:///buycard", DatabasePostgres, ""},
		{"sqlite without path", "sqlite:", "", "BUYCARD_DATABASE_URL is not sqlite:PATH"},
		{"postgres without slashes", "postgres:db.internal", "", "BUYCARD_DATABASE_URL must be sqlite:PATH or a postgres:// URL"},
		{"mysql", "mysql://buycard:pw@db.internal/buycard", "", `not "mysql://buycard:xxxxx@db.internal/buycard"`},
		{"no scheme", "./data/buycard.db", "", "BUYCARD_DATABASE_URL must be sqlite:PATH or a postgres:// URL"},
		{"unparsable", "redis://:pw@[::1", "", `not "redis:…"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{DatabaseURL: tt.url}
			kind, err := c.DatabaseKind()
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error = %v, want %q", err, tt.err)
			case err != nil && strings.Contains(err.Error(), "pw"):
				t.Fatalf("error = %v shows the password", err)
			case err == nil && kind != tt.kind:
				t.Fatalf("kind = %q, want %q", kind, tt.kind)
			}
		})
	}
}

func TestDevSecretIsKeptAcrossRestarts(t *testing.T) {
	t.Parallel()
	db := t.TempDir() + "/data/buycard.db"
	a, err := DevSecret(db)
	if err != nil {
		t.Fatal(err)
	}
	b, err := DevSecret(db)
	if err != nil || a != b || len(a) < 32 {
		t.Errorf("secrets %q and %q (err %v): want the same, at least 32 characters", a, b, err)
	}
}

// TestOpenPostgres checks that a postgres:// BUYCARD_DATABASE_URL opens,
// migrates and seeds the PostgreSQL store, here in a schema of its own,
// and that a second start finds the data. It needs
// BUYCARD_TEST_POSTGRES_URL, as the store's own tests do (pgtest).
func TestOpenPostgres(t *testing.T) {
	t.Parallel()
	env := map[string]string{"BUYCARD_DATABASE_URL": pgtest.Schema(t)}

	for start := range 2 {
		m, err := NewMain(func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Open(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, ok := m.DB.(*postgres.DB); !ok {
			t.Errorf("store %T, want *postgres.DB", m.DB)
		}
		seeded, err := demo.Seeded(t.Context(), m.DB)
		if err != nil || seeded != (start > 0) {
			t.Errorf("start %d: seeded %v (%v)", start, seeded, err)
		}
		if err := m.SeedDemo(t.Context()); err != nil {
			t.Error(err)
		}
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	}
}
