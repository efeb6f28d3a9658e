package main

import (
	"bytes"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccountCommands creates an admin and prints reset links; each link
// is a fresh one-time token.
func TestAccountCommands(t *testing.T) {
	t.Setenv("BUYCARD_DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "cli.db"))
	t.Setenv("BUYCARD_PUBLIC_URL", "https://shop.example")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(logger, args, &out)
		return out.String(), err
	}
	const prefix = "https://shop.example/console/reset-password#token="
	out, err := cli("admin", "create", "Ops@Example.com")
	if err != nil || !strings.HasPrefix(out, "set-password link for Ops@Example.com (single use, until ") || !strings.Contains(out, "\n"+prefix) {
		t.Fatalf("admin create = %q, %v", out, err)
	}
	again, err := cli("user", "reset-link", "ops@example.com")
	if err != nil || !strings.Contains(again, prefix) || again == out {
		t.Fatalf("reset-link = %q, %v", again, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"admin", "create", "ops@example.com"}, "An account with this email exists already."},
		{[]string{"admin", "create", "not-an-email"}, "Enter a valid email address."},
		{[]string{"admin", "delete", "ops@example.com"}, adminUsage},
		{[]string{"user", "reset-link"}, userUsage},
		{[]string{"user", "reset-link", "nobody@example.com"}, "No such user."},
	} {
		if _, err := cli(tt.args...); err == nil || err.Error() != tt.want {
			t.Errorf("%q: err = %v, want %q", tt.args, err, tt.want)
		}
	}
}
