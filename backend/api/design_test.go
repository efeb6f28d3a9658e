package api_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

// TestPagesWearTheDesign designs the notebook's widget and finds its
// stylesheet in the head of the overlay, the popup, the product page and
// the order page of a notebook bought through it, and in that stylesheet
// a button text and accents that read on the light and dark backgrounds,
// however low the merchant's colour contrasts there.
func TestPagesWearTheDesign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, design string
		path         string   // "" for no design stylesheet
		css          []string // what the stylesheet says
	}{
		{"default", `{"theme_color":"#0f1419","corner_radius":12,"color_scheme":"auto"}`, "", nil},
		{"dark", `{"theme_color":"#1D4ED8","corner_radius":4,"color_scheme":"dark"}`, "/web/design/1d4ed8-4-dark.css",
			[]string{":root{--r:4px;--a:#1d4ed8;--o:#ffffff;--al:#1d4ed8;--ad:#e7e9ea}", "{:root{color-scheme:dark}}"}},
		{"light, yellow", `{"theme_color":"#ffff00","corner_radius":0,"color_scheme":"light"}`, "/web/design/ffff00-0-light.css",
			[]string{":root{--r:0px;--a:#ffff00;--o:#000000;--al:#0f1419;--ad:#ffff00}", "{:root{color-scheme:light}}"}},
		{"auto, near black", `{"theme_color":"#111111","corner_radius":24,"color_scheme":"auto"}`, "/web/design/111111-24-auto.css",
			[]string{":root{--r:24px;--a:#111111;--o:#ffffff;--al:#111111;--ad:#e7e9ea}\n"}},
		{"default colour, dark", `{"theme_color":"#0f1419","corner_radius":12,"color_scheme":"dark"}`, "/web/design/0f1419-12-dark.css",
			[]string{":root{--r:12px}\n", "{:root{color-scheme:dark}}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newConsoleServer(t)
			key := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
			if resp, body := ts.do(t, "PATCH", "/v1/widgets/wgt_notebook", "application/json", tt.design, key...); resp.StatusCode != 200 {
				t.Fatalf("design the widget = %d %s", resp.StatusCode, body)
			}
			token := url.QueryEscape(ts.cardToken(t, "wgt_notebook"))
			link := `<link id="bc-design" href="` + tt.path + `" rel="stylesheet">`
			_, overlay := ts.do(t, "GET", "/checkout/wgt_notebook?t="+token, "", "")
			wantInHead(t, "the overlay", overlay, link, tt.path != "")
			_, popup := ts.do(t, "GET", "/checkout/wgt_notebook/popup?wasm=false&t="+token, "", "")
			wantInHead(t, "the popup", popup, link, tt.path != "")
			link = `<link rel="stylesheet" href="` + tt.path + `">`
			_, product := ts.do(t, "GET", "/p/wgt_notebook", "", "")
			wantInHead(t, "the product page", product, link, tt.path != "")
			_, page := ts.buyNotebookPage(t)
			wantInHead(t, "the order page", ts.getPage(t, page, 200), link, tt.path != "")
			if tt.path == "" {
				return
			}
			resp, css := ts.do(t, "GET", tt.path, "", "")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
				t.Fatalf("GET %s = %d %s %s", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), css)
			}
			for _, want := range tt.css {
				if !strings.Contains(css, want) {
					t.Errorf("%s lacks %q:\n%s", tt.path, want, css)
				}
			}
			if strings.Contains(css, "color-scheme") != (tt.path != "" && !strings.HasSuffix(tt.path, "-auto.css")) {
				t.Errorf("%s sets color-scheme wrongly:\n%s", tt.path, css)
			}
		})
	}
}

// wantInHead checks that page has link in its head, once, and nowhere
// else, or has no design link at all.
func wantInHead(t *testing.T, what, page, link string, want bool) {
	t.Helper()
	head, _, _ := strings.Cut(page, "</head>")
	switch {
	case !want && strings.Contains(page, "/web/design/"):
		t.Errorf("%s links a design stylesheet for the default design", what)
	case want && (!strings.Contains(head, link) || strings.Count(page, link) != 1):
		t.Errorf("%s lacks %s once in its head:\n%s", what, link, page)
	}
}

// TestDesignStylesheetNames serves only the canonical name of each
// design: nothing of a request but its validated colour, radius and
// scheme reaches the stylesheet.
func TestDesignStylesheetNames(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, name := range []string{
		"1D4ED8-4-dark.css", "1d4ed8-04-dark.css", "1d4ed8-+4-dark.css", "1d4ed8-25-dark.css", "1d4ed8--1-dark.css",
		"1d4ed8-4-Dark.css", "1d4ed8-4-dark", "1d4ed8-4-dark.css.map", "1d4ed8-4-dark-x.css", "1d4ed-4-dark.css",
		"zzzzzz-4-dark.css", "0f1419-12-auto.css", "1d4ed8;x:y-4-dark.css", "%3C%2Fstyle%3E-4-dark.css",
	} {
		resp, body := ts.do(t, "GET", "/web/design/"+name, "", "")
		if resp.StatusCode != 404 || !strings.Contains(body, "No such design stylesheet.") {
			t.Errorf("GET /web/design/%s = %d %s, want 404", name, resp.StatusCode, body)
		}
	}
	resp, body := ts.do(t, "GET", "/web/design/1d4ed8-4-dark.css", "", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, ":root{--r:4px;--a:#1d4ed8;") || resp.Header.Get("Cache-Control") == "" {
		t.Errorf("canonical name = %d %q %q", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
}
