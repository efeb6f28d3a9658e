package api_test

import (
	"html"
	"net/url"
	"strings"
	"testing"
)

func TestProductPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/p/wgt_notebook?pl=plc_feednotebook", "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Vary"); got != "Accept-Encoding, Accept-Language" {
		t.Errorf("Vary = %q: the page is in the shopper's language", got)
	}
	for _, want := range []string{
		`<meta property="og:title" content="Leather field notebook">`,
		`<meta name="twitter:card" content="summary_large_image">`,
		`<meta property="og:image" content="http://localhost:8080/web/demo/notebook.svg.png">`,
		`"@type":"Product"`, `"price":"24.00"`, `"priceCurrency":"USD"`, `"availability":"https://schema.org/InStock"`,
		`data-buycard-open="wgt_notebook"`, `href="/checkout/wgt_notebook?t=`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("product page lacks %s", want)
		}
	}
	_, sold := ts.do(t, "GET", "/p/wgt_print", "", "")
	if !strings.Contains(sold, "OutOfStock") || strings.Contains(sold, `href="/checkout/`) {
		t.Error("sold-out product page must say OutOfStock and offer no checkout link")
	}
	resp, _ = ts.do(t, "GET", "/p/wgt_nope", "", "")
	if resp.StatusCode != 404 {
		t.Errorf("unknown widget = %d, want 404", resp.StatusCode)
	}
}

func TestCheckoutPagePrerendersOfferUnderCSP(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/checkout/wgt_notebook?t="+url.QueryEscape(ts.cardToken(t, "wgt_notebook"))+"&o=http%3A%2F%2F127.0.0.1%3A8080&lang=en-US", "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors *"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, want := range []string{"Leather field notebook", "$24.00", `id="bc-offer"`} {
		if !strings.Contains(body, want) {
			t.Errorf("prerendered checkout lacks %q", want)
		}
	}
	resp, _ = ts.do(t, "GET", "/checkout/wgt_nope", "", "")
	if resp.StatusCode != 404 {
		t.Errorf("unknown widget = %d, want 404", resp.StatusCode)
	}
}

// TestRobots: crawlers may read product pages and the demo feed, not a
// shopper's checkout or order, the console or the API.
func TestRobots(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/robots.txt", "", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || !strings.HasPrefix(body, "User-agent: *\n") {
		t.Fatalf("/robots.txt = %d %q:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for _, path := range []string{"/checkout/", "/orders/", "/console/", "/v1/"} {
		if !strings.Contains(body, "\nDisallow: "+path+"\n") {
			t.Errorf("robots.txt does not keep crawlers out of %s", path)
		}
	}
	for _, path := range []string{"/p/", "/demo", "/feeds/"} {
		if strings.Contains(body, "Disallow: "+path) {
			t.Errorf("robots.txt keeps crawlers out of %s", path)
		}
	}
}

func TestAssets(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/buycard.js", "", "", "Accept-Encoding", "br, gzip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "br" || body == "" {
		t.Errorf("loader = %d encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	resp, body = ts.do(t, "GET", "/demo", "", "")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self' "+publicURL+";") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("demo CSP = %q, want strict, with the card stylesheet's origin", csp)
	}
	// The demo feed embeds with the recommended snippet: the pinned card
	// stylesheet, then the pinned loader.
	css, js := ts.Loader.Stylesheet(), ts.Loader
	link := `<link rel="stylesheet" href="` + publicURL + css.VersionedPath() + `" integrity="` + css.SRI() + `" crossorigin="anonymous">`
	script := `<script async src="` + publicURL + js.VersionedPath() + `" integrity="` + js.SRI() + `" crossorigin="anonymous">`
	if page := html.UnescapeString(body); !strings.Contains(page, link) || strings.Index(page, link) > strings.Index(page, script) {
		t.Errorf("demo page lacks %s before %s:\n%s", link, script, page)
	}
	resp, body = ts.do(t, "GET", "/healthz", "", "")
	if resp.StatusCode != 200 || !strings.Contains(body, "ok") {
		t.Errorf("healthz = %d %s", resp.StatusCode, body)
	}
}
