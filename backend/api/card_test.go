package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

func TestGetCards(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/v1/cards?ids=wgt_notebook:plc_feednotebook,wgt_print,wgt_mug,wgt_nope,wgt_notebook:plc_feedmatcha&lang=en-US", "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("CORS header = %q", got)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "public") {
		t.Errorf("Cache-Control = %q, want public", cc)
	}
	var got struct {
		Cards   map[string]struct{ HTML, Token, State string }
		Missing []string
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{"wgt_notebook:plc_feednotebook": "buyable", "wgt_print": "sold_out", "wgt_mug": "unavailable"}
	for ref, state := range states {
		c := got.Cards[ref]
		if c.State != state || c.Token == "" || !strings.Contains(c.HTML, `class="bc-card"`) {
			t.Errorf("%s = %+v, want state %s with html and token", ref, c, state)
		}
	}
	if !strings.Contains(got.Cards["wgt_notebook:plc_feednotebook"].HTML, "$24.00") {
		t.Errorf("notebook card lacks its price: %s", got.Cards["wgt_notebook:plc_feednotebook"].HTML)
	}
	// An unknown widget and a placement of another widget are both missing.
	if strings.Join(got.Missing, ",") != "wgt_nope,wgt_notebook:plc_feedmatcha" {
		t.Errorf("missing = %v", got.Missing)
	}
}

func TestGetCardsLocalizedPrices(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct{ ref, lang, want string }{
		{"wgt_matcha", "ja-JP", "￥4,800"},
		{"wgt_matcha", "en-US", "¥4,800"},
		{"wgt_oud", "en", "KWD\u00a012.500"},
		{"wgt_tee", "en", "$28.00"},
	}
	for _, tt := range tests {
		_, body := ts.do(t, "GET", "/v1/cards?ids="+tt.ref+"&lang="+tt.lang, "", "")
		var got struct {
			Cards map[string]struct{ HTML string }
		}
		json.Unmarshal([]byte(body), &got)
		if !strings.Contains(got.Cards[tt.ref].HTML, tt.want) {
			t.Errorf("%s in %s: want %q in %s", tt.ref, tt.lang, tt.want, got.Cards[tt.ref].HTML)
		}
	}
}

func TestGetCardsETag(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, _ := ts.do(t, "GET", "/v1/cards?ids=wgt_notebook", "", "")
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	resp, body := ts.do(t, "GET", "/v1/cards?ids=wgt_notebook", "", "", "If-None-Match", etag)
	if resp.StatusCode != 304 || body != "" {
		t.Errorf("revalidation = %d %q, want 304 and no body", resp.StatusCode, body)
	}
}

func TestGetCardsBadInput(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct{ name, query, message string }{
		{"no ids", "", "Give the cards to load in ids, e.g. ids=wgt_abc,wgt_def:plc_xyz."},
		{"bad id", "ids=wgt_ABC", `"wgt_ABC" is not a card reference (wgt_… or wgt_…:plc_…).`},
		{"injection", "ids=wgt_a%27%3B--", `"wgt_a';--" is not a card reference (wgt_… or wgt_…:plc_…).`},
		{"empty ref", "ids=wgt_a,,wgt_b", `"" is not a card reference (wgt_… or wgt_…:plc_…).`},
		{"too many", "ids=" + strings.Repeat("wgt_a,", 100) + "wgt_b", "At most 100 cards per request."},
		{"bad lang", "ids=wgt_a&lang=%3Cscript%3E", "lang must be a language tag such as en-US."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, "GET", "/v1/cards?"+tt.query, "", "")
			wantError(t, resp, body, 400, "invalid", tt.message)
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Error("error responses of public endpoints need CORS too, or the loader cannot read them")
			}
		})
	}
}

func TestUnknownEndpoint(t *testing.T) {
	t.Parallel()
	resp, body := newTestServer(t).do(t, "GET", "/v1/nope", "", "")
	wantError(t, resp, body, 404, "not_found", "No such API endpoint: GET /v1/nope.")
}

func TestGetCardsReusedForAFewSeconds(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	const url = "/v1/cards?ids=wgt_notebook,wgt_tee&lang=en"
	first, firstBody := ts.do(t, "GET", url, "", "")
	ts.now = ts.now.Add(3 * time.Second)
	again, againBody := ts.do(t, "GET", url, "", "")
	if againBody != firstBody || again.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Fatal("card data asked again within the reuse window must be the same response")
	}
	if got := again.Header.Get("Cache-Control"); got != "public, max-age=57" {
		t.Errorf("Cache-Control 3 s after the response was built = %q, want max-age shortened to 57", got)
	}
	if got := again.Header.Get("Vary"); got != "Accept-Encoding, Origin" {
		t.Errorf("Vary = %q", got)
	}
	ts.now = ts.now.Add(3 * time.Second)
	later, _ := ts.do(t, "GET", url, "", "")
	if got := later.Header.Get("Cache-Control"); got != "public, max-age=60" {
		t.Errorf("Cache-Control after the reuse window = %q, want a freshly built response", got)
	}
}

// TestCardsOfAFullPage asks for the most cards one request may name, each
// with the longest ids the loader sends (wgt_ and plc_ with 40
// characters): a page of 100 placed cards must not meet fasthttp's 431.
func TestCardsOfAFullPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	refs := make([]string, 100) // the most one request may name
	for i := range refs {
		refs[i] = fmt.Sprintf("wgt_%040d:plc_%040d", i, i)
	}
	resp, body := ts.do(t, "GET", "/v1/cards?lang=en-US&ids="+strings.Join(refs, ","), "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("GET /v1/cards with %d long refs = %d: %.200s", len(refs), resp.StatusCode, body)
	}
}

// A widget whose allowed domains leave out the page's site (its Origin)
// is not_here there, with Buy disabled, and buyable on them; responses
// vary by Origin, and each site's is cached apart.
func TestGetCardsOffSite(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	card, err := ts.db.FindCard(t.Context(), "wgt_notebook")
	if err != nil {
		t.Fatal(err)
	}
	w := &buycard.Widget{MerchantID: card.Merchant.ID, ProductID: card.Product.ID, CTA: "Buy", AllowedDomains: []string{"news.example", "*.blog.example"}}
	if err := ts.db.CreateWidget(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ origin, state string }{
		{"https://news.example", "buyable"},
		{"https://evil.example", "not_here"},
		{"https://a.blog.example", "buyable"},
		{"http://news.example", "not_here"},
		{"", "buyable"},                      // no page asked
		{publicURL, "buyable"},               // Buycard's own pages
		{"https://evil.example", "not_here"}, // from the cache
	} {
		var headers []string
		if tt.origin != "" {
			headers = []string{"Origin", tt.origin}
		}
		resp, body := ts.do(t, "GET", "/v1/cards?ids="+w.ID+",wgt_tee&lang=fr", "", "", headers...)
		if vary := resp.Header.Get("Vary"); !strings.Contains(vary, "Origin") {
			t.Errorf("Vary = %q, want Origin", vary)
		}
		var got struct {
			Cards map[string]struct{ HTML, State string }
		}
		json.Unmarshal([]byte(body), &got)
		c := got.Cards[w.ID]
		if c.State != tt.state || got.Cards["wgt_tee"].State != "buyable" {
			t.Errorf("from %q: states %s and %s, want %s and buyable", tt.origin, c.State, got.Cards["wgt_tee"].State, tt.state)
		}
		if off := tt.state == "not_here"; off != strings.Contains(c.HTML, "Indisponible sur ce site") || off != strings.Contains(c.HTML, "disabled") {
			t.Errorf("from %q the card reads %s", tt.origin, c.HTML)
		}
	}
}
