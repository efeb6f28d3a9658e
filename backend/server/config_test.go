package server

import (
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
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
	c, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL != "sqlite:./data/buycard.db" || c.Env != "development" {
		t.Errorf("defaults = %+v", c)
	}
	if p, err := c.SQLitePath(); err != nil || p != "./data/buycard.db" {
		t.Errorf("SQLitePath = %q, %v", p, err)
	}
}

func TestDevSecretIsKeptAcrossRestarts(t *testing.T) {
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
