package main

import (
	"bytes"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

// TestConnectCommand starts a merchant's onboarding twice against a
// stripetest fake: one account at Stripe, a link each time.
func TestConnectCommand(t *testing.T) {
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	t.Setenv("BUYCARD_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "cli.db"))
	t.Setenv("BUYCARD_PUBLIC_URL", "https://shop.example")
	t.Setenv("STRIPE_SECRET_KEY", "sk_test_cli")
	t.Setenv("STRIPE_PUBLISHABLE_KEY", "pk_test_cli")
	t.Setenv("STRIPE_API_URL", fake.URL)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(logger, args, &out)
		return out.String(), err
	}
	if _, err := cli("seed-demo"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		out, err := cli("connect", "merchant", "mer_northwind", "-email", "ops@northwind.example")
		if err != nil || !strings.HasPrefix(out, "merchant mer_northwind: Stripe account acct_fake000001\n") ||
			!strings.Contains(out, "send them:  https://shop.example/connect/refresh?t=bc1.a.") ||
			!strings.Contains(out, "or open:    https://connect.stripe.com/setup/e/acct_fake000001/") {
			t.Fatalf("connect = %q, %v", out, err)
		}
	}
	if accounts := fake.Created("/v1/accounts"); len(accounts) != 1 || accounts[0].Get("country") != "US" ||
		accounts[0].Get("email") != "ops@northwind.example" {
		t.Errorf("accounts created: %v", accounts)
	}

	requests := fake.Requests()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"connect", "merchant"}, connectUsage},
		{[]string{"connect", "shopper", "x"}, connectUsage},
		{[]string{"connect", "publisher", "pub_dailyscroll", "extra"}, connectUsage},
		{[]string{"connect", "publisher", "pub_dailyscroll", "-country", "USA"}, "Choose a country."},
	} {
		if _, err := cli(tt.args...); err == nil || err.Error() != tt.want {
			t.Errorf("%q: err = %v, want %q", tt.args, err, tt.want)
		}
	}
	if n := fake.Requests(); n != requests {
		t.Errorf("%d Stripe requests for refused commands, want none", n-requests)
	}
	t.Setenv("STRIPE_SECRET_KEY", "")
	t.Setenv("STRIPE_PUBLISHABLE_KEY", "")
	if _, err := cli("connect", "merchant", "mer_northwind"); err == nil || !strings.HasPrefix(err.Error(), "connect needs STRIPE_SECRET_KEY") {
		t.Errorf("connect in the sandbox: err = %v", err)
	}
}
