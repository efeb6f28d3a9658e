package buycard

import "testing"

func TestNormalizeEmail(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{" Ann@Example.COM ", "ann@example.com"},
		{"a.b+c@mail.example.co", "a.b+c@mail.example.co"},
		{"nope", ""},
		{"@example.com", ""},
		{"ann@example", ""},
		{"ann@@example.com", ""},
		{"Ann <ann@example.com>", ""},
		{"ann@example..com", ""},
		{"ann@.example.com", ""},
		{"ann\x00@example.com", ""},
		{"ann@example.com\u202e", ""},
		{"ann\u0085@example.com", ""},
	} {
		got, err := NormalizeEmail(tt.in)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
