package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/buycard/buycard/embed"
)

// getPreview asks for the preview page as a browser at host would.
func getPreview(t *testing.T, ts *testServer, host, query string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/embed/preview?"+query, nil)
	req.Host = host
	resp, err := ts.App().Test(req, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestEmbedPreview checks the page the console frames: exactly the
// snippet's script form, a document of its own, and a policy that lets
// the loader run and only this origin frame it.
func TestEmbedPreview(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := getPreview(t, ts, "localhost:8080", "widget=wgt_notebook&placement=plc_feednotebook")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q", ct)
	}
	snippet := ts.Loader.Snippets(publicURL, embed.Card{WidgetID: "wgt_notebook", PlacementID: "plc_feednotebook", Title: "Leather field notebook"}).Script
	for _, want := range []string{
		`<html lang="en">`,
		`<title>Preview of Leather field notebook · Buycard</title>`,
		`>Preview</h1>`,
		// The snippet, with the loader's analytics off: the publisher
		// looking at its own preview is no impression.
		strings.Replace(snippet, "<script ", `<script data-buycard-analytics="off" `, 1),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if n := strings.Count(body, "<script"); n != 1 {
		t.Errorf("%d scripts, want the snippet's only", n)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{
		"default-src 'self';", "script-src 'self';", "style-src 'self' 'unsafe-inline';",
		"img-src 'self' data: https:;", "frame-src 'self';", "frame-ancestors 'self'", "connect-src 'self';",
	} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("CSP %q is too loose", csp)
	}

	// Without a placement, the widget's own snippet.
	_, body = getPreview(t, ts, "localhost:8080", "widget=wgt_notebook")
	if !strings.Contains(body, `<div data-buycard="wgt_notebook"></div>`) || strings.Contains(body, "data-placement") {
		t.Errorf("without placement:\n%s", body)
	}
}

// TestEmbedPreviewOtherOrigin checks that a page opened on another origin
// than the public URL (development: 127.0.0.1 against localhost) may
// still load the loader, which the snippet takes from the public URL.
func TestEmbedPreviewOtherOrigin(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, _ := getPreview(t, ts, "127.0.0.1:8080", "widget=wgt_notebook")
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self' "+publicURL+";") || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("CSP %q", csp)
	}
}

func TestEmbedPreviewRefuses(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, tt := range []struct {
		query  string
		status int
	}{
		{"", 400},
		{"widget=notebook", 400},
		{"widget=wgt_notebook%22%3E%3Cscript%3E", 400},
		{"widget=wgt_notebook&placement=plc_%3Cb%3E", 400},
		{"widget=wgt_nope", 404},
		{"widget=wgt_notebook&placement=plc_nope", 404},
		{"widget=wgt_tee&placement=plc_feednotebook", 404}, // another widget's placement
	} {
		resp, body := getPreview(t, ts, "localhost:8080", tt.query)
		if resp.StatusCode != tt.status || !strings.Contains(body, `<html lang="en">`) || strings.Contains(body, "<script") ||
			strings.Contains(body, "<b>") || resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%q = %d, want %d page:\n%s", tt.query, resp.StatusCode, tt.status, body)
		}
	}
}
