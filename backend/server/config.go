package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/blob"
)

// Config is the server's configuration, read from the environment (see the
// README's table). Every secret can also come from NAME_FILE.
type Config struct {
	Addr        string // BUYCARD_ADDR
	PublicURL   string // BUYCARD_PUBLIC_URL; empty means "http://localhost:PORT" of the listener
	DatabaseURL string // BUYCARD_DATABASE_URL: "sqlite:PATH" or "postgres://…"
	Env         string // BUYCARD_ENV: development or production
	WebDir      string // BUYCARD_WEB_DIR: where the build put app.wasm
	Secret      string // BUYCARD_SECRET: signs placement and order tokens
	// PreviousSecrets (BUYCARD_PREVIOUS_SECRETS, comma-separated) still
	// verify tokens signed before a rotation.
	PreviousSecrets []string
	StripeSecretKey string // STRIPE_SECRET_KEY: sk_… or rk_…; unset means the sandbox
	// StripePublishableKey (STRIPE_PUBLISHABLE_KEY, pk_…) mounts the
	// embedded checkout in the overlay.
	StripePublishableKey string
	// StripeWebhookSecrets (STRIPE_WEBHOOK_SECRET, comma-separated while
	// one is rolled) sign the deliveries to /v1/stripe/webhook.
	StripeWebhookSecrets []string
	// StripeAPIURL (STRIPE_API_URL, development only) points the provider
	// at another API: stripe-mock or a fake.
	StripeAPIURL string
	NoSeed       bool // BUYCARD_NO_SEED=1 skips the demo seed

	// PlatformFee is BUYCARD_PLATFORM_FEE_BPS (default 875) and
	// BUYCARD_PLATFORM_FEE_FIXED ("USD:30,EUR:25", minor units).
	PlatformFee buycard.PlatformFee
	// PublisherHold (BUYCARD_PUBLISHER_HOLD, default 168h) is how long a
	// publisher share stays pending before it becomes available.
	PublisherHold time.Duration
	// ShareNotice (BUYCARD_SHARE_NOTICE, default 720h) is how long
	// placements keep a share their merchant lowered.
	ShareNotice time.Duration
	// PayoutMinimum (BUYCARD_PAYOUT_MINIMUM, "USD:1000,JPY:1000") is the
	// smallest available balance a payout batch pays, per currency.
	PayoutMinimum map[string]int64
	// PayoutEvery (BUYCARD_PAYOUT_EVERY, "24h"; Stripe only) makes the
	// node transfer released publisher shares that often, as `buycard
	// payouts run` does; 0 (the default) leaves payouts to the command.
	PayoutEvery time.Duration
	// Jobs times the job queue; its zero value is production's. Tests
	// shorten it.
	Jobs JobTiming
	// OperatorKey (BUYCARD_OPERATOR_KEY) is the bearer token of the
	// operator API (/v1/ledger/…). In development it is kept in
	// data/operator.key when unset; in production the API is off without it.
	OperatorKey string
	// RedisURL (BUYCARD_REDIS_URL, redis:// or rediss://) is the Redis the
	// nodes share checkout rate limits through; empty keeps them in each
	// node's memory.
	RedisURL string
	// TrustedProxies (BUYCARD_TRUSTED_PROXIES, comma-separated addresses
	// or CIDRs) are the load balancers whose X-Forwarded-For names the
	// client for the per-IP checkout limit.
	TrustedProxies []netip.Prefix
	// CheckoutsPerIP (BUYCARD_CHECKOUTS_PER_IP, default 20) and
	// CheckoutsPerPublisher (BUYCARD_CHECKOUTS_PER_PUBLISHER, default 300)
	// are the checkouts a minute one client network and one publisher's
	// placements may start; 0 turns a limit off.
	CheckoutsPerIP, CheckoutsPerPublisher int
	// BlobURL (BUYCARD_BLOB_URL) is the gocloud.dev bucket URL digital
	// products' files are stored in (file:///srv/buycard/files, or a
	// shared store whose driver the binary imports); empty keeps them on
	// local disk in a files directory beside the SQLite database (or
	// where the default one would be).
	BlobURL string
	// FileMaxBytes (BUYCARD_FILE_MAX_BYTES, default 100 MB) caps a
	// delivered file.
	FileMaxBytes int64
	// SMTPURL (BUYCARD_SMTP_URL, smtp://user:pass@host:587 with STARTTLS,
	// or smtps://…:465) is the server emails go through; in development,
	// without one, each email is written to data/mail/ as an .eml file.
	// Production needs it, with MailFrom (BUYCARD_MAIL_FROM), the
	// address emails come from.
	SMTPURL, MailFrom string
}

// JobTiming is how a node's job queue is timed.
type JobTiming struct {
	// Poll is how often the node looks for new jobs that came without a
	// notification (always, on SQLite), and for recorded events when it
	// is shorter than notify.RelayPoll; 0 is River's default, a second.
	Poll time.Duration
	// Rescue is how long a job may run before it is taken for abandoned
	// by a node that died; 0 is jobs.RescueDefault.
	Rescue time.Duration
	// WebhookBackoff is how long a webhook delivery waits after its
	// attempt-th failure; nil is about three days of backoff in all
	// (package webhooks).
	WebhookBackoff func(attempt int) time.Duration
}

// getenv is os.Getenv, replaceable in tests.
type getenv func(string) string

// LoadConfig reads the configuration from env.
func LoadConfig(env getenv) (Config, error) {
	c := Config{
		Addr:            or(env("BUYCARD_ADDR"), "127.0.0.1:8080"),
		PublicURL:       strings.TrimRight(env("BUYCARD_PUBLIC_URL"), "/"),
		DatabaseURL:     or(env("BUYCARD_DATABASE_URL"), "sqlite:"+defaultSQLitePath),
		Env:             or(env("BUYCARD_ENV"), "development"),
		WebDir:          or(env("BUYCARD_WEB_DIR"), "./bin/web"),
		PreviousSecrets: splitList(env("BUYCARD_PREVIOUS_SECRETS")),
		NoSeed:          env("BUYCARD_NO_SEED") == "1",
	}
	var err error
	if c.Secret, err = secret(env, "BUYCARD_SECRET"); err != nil {
		return c, err
	}
	if err := c.loadStripe(env); err != nil {
		return c, err
	}
	if c.OperatorKey, err = secret(env, "BUYCARD_OPERATOR_KEY"); err != nil {
		return c, err
	}
	if c.RedisURL, err = secret(env, "BUYCARD_REDIS_URL"); err != nil {
		return c, err
	}
	if c.SMTPURL, err = secret(env, "BUYCARD_SMTP_URL"); err != nil {
		return c, err
	}
	c.MailFrom = env("BUYCARD_MAIL_FROM")
	if c.TrustedProxies, err = prefixes("BUYCARD_TRUSTED_PROXIES", env("BUYCARD_TRUSTED_PROXIES")); err != nil {
		return c, err
	}
	if err := c.loadLimits(env); err != nil {
		return c, err
	}
	if err := c.loadMoney(env); err != nil {
		return c, err
	}
	if err := c.loadFiles(env); err != nil {
		return c, err
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	if _, err := c.DatabaseKind(); err != nil {
		return err
	}
	if c.Env != "development" && c.Env != "production" {
		return fmt.Errorf("BUYCARD_ENV must be development or production, not %q", c.Env)
	}
	u, err := url.Parse(c.PublicURL)
	if c.PublicURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "") {
		return fmt.Errorf("BUYCARD_PUBLIC_URL must be an origin such as https://buy.example.com, not %q", c.PublicURL)
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return fmt.Errorf("BUYCARD_REDIS_URL must be a redis:// or rediss:// URL, not %q", redactURL(c.RedisURL))
		}
	}
	if c.Production() {
		switch {
		case u == nil || u.Scheme != "https":
			return errors.New("production needs an https BUYCARD_PUBLIC_URL")
		case len(c.Secret) < 32:
			return errors.New("production needs BUYCARD_SECRET (at least 32 characters)")
		case c.StripeSecretKey == "":
			return errors.New("production refuses the sandbox payment provider: set STRIPE_SECRET_KEY")
		case len(c.StripeWebhookSecrets) == 0:
			return errors.New("production needs STRIPE_WEBHOOK_SECRET: payments are confirmed by Stripe's webhooks")
		case c.StripeAPIURL != "":
			return errors.New("STRIPE_API_URL is for development and tests only")
		case c.SMTPURL == "" || c.MailFrom == "":
			return errors.New("production needs BUYCARD_SMTP_URL and BUYCARD_MAIL_FROM: receipts and password links go by email")
		}
	}
	return c.validateStripe()
}

// loadStripe reads the Stripe keys; every secret can come from NAME_FILE.
func (c *Config) loadStripe(env getenv) error {
	var err error
	if c.StripeSecretKey, err = secret(env, "STRIPE_SECRET_KEY"); err != nil {
		return err
	}
	if c.StripePublishableKey, err = secret(env, "STRIPE_PUBLISHABLE_KEY"); err != nil {
		return err
	}
	webhookSecrets, err := secret(env, "STRIPE_WEBHOOK_SECRET")
	c.StripeWebhookSecrets, c.StripeAPIURL = splitList(webhookSecrets), env("STRIPE_API_URL")
	return err
}

// validateStripe checks that the Stripe keys fit together: a secret key
// needs its publishable key of the same mode (test or live).
func (c *Config) validateStripe() error {
	if c.StripeSecretKey == "" {
		switch {
		case c.StripePublishableKey != "" || len(c.StripeWebhookSecrets) > 0:
			return errors.New("STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET need STRIPE_SECRET_KEY")
		case c.PayoutEvery > 0:
			return errors.New("BUYCARD_PAYOUT_EVERY needs STRIPE_SECRET_KEY: the sandbox has no transfers to make")
		}
		return nil
	}
	switch {
	case !strings.HasPrefix(c.StripeSecretKey, "sk_") && !strings.HasPrefix(c.StripeSecretKey, "rk_"):
		return errors.New("STRIPE_SECRET_KEY must be a secret (sk_…) or restricted (rk_…) key")
	case !strings.HasPrefix(c.StripePublishableKey, "pk_"):
		return errors.New("STRIPE_PUBLISHABLE_KEY (pk_…) is required with STRIPE_SECRET_KEY: the overlay mounts Stripe's checkout with it")
	case c.StripeLivemode() != strings.HasPrefix(c.StripePublishableKey, "pk_live_"):
		return errors.New("STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY must both be test keys or both live keys")
	}
	for _, s := range c.StripeWebhookSecrets {
		if !strings.HasPrefix(s, "whsec_") {
			return errors.New("STRIPE_WEBHOOK_SECRET must list webhook signing secrets (whsec_…)")
		}
	}
	return nil
}

// StripeLivemode reports whether the Stripe key is a live one.
func (c *Config) StripeLivemode() bool {
	return strings.HasPrefix(c.StripeSecretKey, "sk_live_") || strings.HasPrefix(c.StripeSecretKey, "rk_live_")
}

// loadLimits reads the checkout rate limits.
func (c *Config) loadLimits(env getenv) error {
	for _, l := range []struct {
		name string
		dst  *int
		def  string
	}{{"BUYCARD_CHECKOUTS_PER_IP", &c.CheckoutsPerIP, "20"}, {"BUYCARD_CHECKOUTS_PER_PUBLISHER", &c.CheckoutsPerPublisher, "300"}} {
		n, err := strconv.Atoi(or(env(l.name), l.def))
		if err != nil || n < 0 {
			return fmt.Errorf("%s must be a number of checkouts a minute (0 turns the limit off), not %q", l.name, env(l.name))
		}
		*l.dst = n
	}
	return nil
}

// loadFiles reads where delivered files are stored and their cap.
func (c *Config) loadFiles(env getenv) error {
	c.BlobURL = env("BUYCARD_BLOB_URL")
	if c.BlobURL != "" {
		if u, err := url.Parse(c.BlobURL); err != nil || u.Scheme == "" {
			return fmt.Errorf("BUYCARD_BLOB_URL must be a bucket URL such as file:///srv/buycard/files, not %q", redactURL(c.BlobURL))
		}
	}
	n, err := strconv.ParseInt(or(env("BUYCARD_FILE_MAX_BYTES"), strconv.Itoa(blob.DefaultMaxBytes)), 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("BUYCARD_FILE_MAX_BYTES must be a positive number of bytes, not %q", env("BUYCARD_FILE_MAX_BYTES"))
	}
	c.FileMaxBytes = n
	return nil
}

// loadMoney reads the commission, hold and payout settings.
func (c *Config) loadMoney(env getenv) error {
	bps, err := strconv.Atoi(or(env("BUYCARD_PLATFORM_FEE_BPS"), "875"))
	if err != nil {
		return fmt.Errorf("BUYCARD_PLATFORM_FEE_BPS must be a whole number of basis points: %w", err)
	}
	c.PlatformFee.BPS = bps
	if c.PlatformFee.Fixed, err = amountsByCurrency("BUYCARD_PLATFORM_FEE_FIXED", env("BUYCARD_PLATFORM_FEE_FIXED")); err != nil {
		return err
	}
	if err := c.PlatformFee.Validate(); err != nil {
		return fmt.Errorf("BUYCARD_PLATFORM_FEE_*: %s", buycard.ErrorMessage(err))
	}
	if c.PublisherHold, err = time.ParseDuration(or(env("BUYCARD_PUBLISHER_HOLD"), "168h")); err != nil || c.PublisherHold < 0 {
		return fmt.Errorf("BUYCARD_PUBLISHER_HOLD must be a duration such as 168h, not %q", env("BUYCARD_PUBLISHER_HOLD"))
	}
	if c.ShareNotice, err = time.ParseDuration(or(env("BUYCARD_SHARE_NOTICE"), "720h")); err != nil || c.ShareNotice <= 0 {
		return fmt.Errorf("BUYCARD_SHARE_NOTICE must be a positive duration such as 720h, not %q", env("BUYCARD_SHARE_NOTICE"))
	}
	if c.PayoutEvery, err = time.ParseDuration(or(env("BUYCARD_PAYOUT_EVERY"), "0")); err != nil || c.PayoutEvery < 0 {
		return fmt.Errorf("BUYCARD_PAYOUT_EVERY must be a duration such as 24h, not %q", env("BUYCARD_PAYOUT_EVERY"))
	}
	c.PayoutMinimum, err = amountsByCurrency("BUYCARD_PAYOUT_MINIMUM", env("BUYCARD_PAYOUT_MINIMUM"))
	return err
}

// amountsByCurrency parses "USD:30,EUR:25": non-negative minor units of
// supported currencies, each valid in its currency.
func amountsByCurrency(name, s string) (map[string]int64, error) {
	out := make(map[string]int64)
	for _, item := range splitList(s) {
		cur, amount, ok := strings.Cut(item, ":")
		n, err := strconv.ParseInt(amount, 10, 64)
		if !ok || err != nil || !buycard.ValidCurrency(cur) || buycard.ValidateFixedFee(n, cur) != nil {
			return nil, fmt.Errorf("%s must list CURRENCY:MINOR_UNITS such as USD:30, not %q", name, item)
		}
		out[cur] = n
	}
	return out, nil
}

// prefixes parses a comma-separated list of addresses and CIDRs.
func prefixes(name, s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range splitList(s) {
		p, err := netip.ParsePrefix(item)
		if a, aerr := netip.ParseAddr(item); aerr == nil {
			p, err = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s must list addresses or CIDRs such as 10.0.0.0/8, not %q", name, item)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Production reports whether BUYCARD_ENV=production.
func (c *Config) Production() bool { return c.Env == "production" }

// defaultSQLitePath is the database of a node configured with nothing.
const defaultSQLitePath = "./data/buycard.db"

// Stores that BUYCARD_DATABASE_URL can name.
const (
	DatabaseSQLite   = "sqlite"   // sqlite:PATH
	DatabasePostgres = "postgres" // postgres://… or postgresql://…
)

// DatabaseKind returns which store BUYCARD_DATABASE_URL names:
// DatabaseSQLite or DatabasePostgres.
func (c *Config) DatabaseKind() (string, error) {
	scheme, _, _ := strings.Cut(c.DatabaseURL, ":")
	switch scheme {
	case "sqlite":
		_, err := c.SQLitePath()
		return DatabaseSQLite, err
	case "postgres", "postgresql":
		if strings.HasPrefix(c.DatabaseURL, scheme+"://") {
			return DatabasePostgres, nil
		}
	}
	return "", fmt.Errorf("BUYCARD_DATABASE_URL must be sqlite:PATH or a postgres:// URL, not %q", redactURL(c.DatabaseURL))
}

// SQLitePath returns the database path of a sqlite: URL.
func (c *Config) SQLitePath() (string, error) {
	path, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:")
	if !ok || path == "" {
		return "", fmt.Errorf("BUYCARD_DATABASE_URL is not sqlite:PATH: %q", redactURL(c.DatabaseURL))
	}
	return path, nil
}

// redactURL hides the password of a database URL, for error messages.
// A value that does not parse as a URL shows its scheme only.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		scheme, _, _ := strings.Cut(s, ":")
		return scheme + ":…"
	}
	return u.Redacted()
}

// DevSecret returns the development signing secret kept beside the
// database, creating it on first use, so tokens survive restarts.
func DevSecret(dbPath string) (string, error) {
	return DevKey(filepath.Dir(dbPath), "secret.key")
}

// DevKey returns the random key (64 hex digits) kept in the file name in
// dir, creating it on first use: a development node's secrets beside its
// database, and the secrets `make cluster` gives its nodes.
func DevKey(dir, name string) (string, error) {
	path := filepath.Join(dir, name)
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := hex.EncodeToString(b)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	return s, os.WriteFile(path, []byte(s+"\n"), 0o600)
}

// keyID names a secret without revealing it.
func keyID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:4])
}

// secret reads NAME, or the file named by NAME_FILE.
func secret(env getenv, name string) (string, error) {
	if v := env(name); v != "" {
		return v, nil
	}
	path := env(name + "_FILE")
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s_FILE: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
