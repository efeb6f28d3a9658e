package buycard_test

import (
	"testing"

	"github.com/buycard/buycard"
)

// AllowsSite lets a page show a card exactly when the checkout's
// frame-ancestors (FrameAncestors) let that page frame it.
func TestWidgetAllowsSite(t *testing.T) {
	w := buycard.Widget{AllowedDomains: []string{"news.example", "*.blog.example", "localhost"}}
	for _, tt := range []struct {
		origin   string
		loopback bool
		want     bool
	}{
		{"", false, true}, // no page asked: nothing to refuse
		{"https://news.example", false, true},
		{"https://NEWS.example:8443", false, true},
		{"http://news.example", false, false}, // plain http: anyone on the network could rewrite it
		{"https://evil.example", false, false},
		{"https://news.example.evil.example", false, false},
		{"https://a.blog.example", false, true},
		{"https://blog.example", false, false}, // *. is subdomains only, as in CSP
		{"https://xblog.example", false, false},
		{"http://localhost:3000", false, false},
		{"http://localhost:3000", true, true}, // development serves test pages over http
		{"null", false, false},                // a sandboxed or file page
		{"https://news.example\x00", false, false},
	} {
		if got := w.AllowsSite(tt.origin, tt.loopback); got != tt.want {
			t.Errorf("AllowsSite(%q, loopback %v) = %v, want %v", tt.origin, tt.loopback, got, tt.want)
		}
	}
	if open := (&buycard.Widget{}); !open.AllowsSite("https://anywhere.example", false) {
		t.Error("a widget without allowed domains refuses a site")
	}
}
