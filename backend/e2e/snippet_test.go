package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/buycard/buycard/embed"
)

// snippetPage registers a publisher page holding exactly a snippet, with
// nothing else loading the loader, and returns its URL. A capturing error
// listener titles the page "blocked" when a script fails to load.
func snippetPage(t *testing.T, snippet string) string {
	path := "/" + strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	h.pages.Store(path, `<!doctype html><html><head><meta charset="utf-8"><title>publisher</title><link rel="icon" href="data:,">`+
		`<script>addEventListener("error", (e) => { if (e.target.tagName === "SCRIPT") document.title = "blocked"; }, true);</script>`+
		`</head><body>`+snippet+`</body></html>`)
	return h.site + path
}

// fetchSnippets asks the server for a card's embed code, as the console does.
func fetchSnippets(t *testing.T, widget, placement string) embed.Snippets {
	t.Helper()
	resp, err := http.Get(h.host + "/v1/embed/snippet?widget=" + widget + "&placement=" + placement)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s embed.Snippets
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || resp.StatusCode != 200 {
		t.Fatalf("snippet: %d, %v", resp.StatusCode, err)
	}
	return s
}

func TestVersionedSnippetWithSRIRendersCard(t *testing.T) {
	t.Parallel()
	s := fetchSnippets(t, "wgt_notebook", "plc_feednotebook")
	if !strings.Contains(s.Script, `integrity="sha384-`) || !strings.Contains(s.LoaderURL, "/buycard.") {
		t.Fatalf("script snippet %s", s.Script)
	}
	tb := newTab(t)
	tb.do(navigate(snippetPage(t, s.Script)))
	tb.renderedCards(1)
	if n := tb.count(s.LoaderURL); n != 1 {
		t.Errorf("%d requests for %s, want 1", n, s.LoaderURL)
	}
	// HOST comes from the versioned script's src: card data came from it.
	if n := tb.count(h.host + "/v1/cards?ids=wgt_notebook:plc_feednotebook"); n != 1 {
		t.Errorf("%d card-data requests to HOST, want 1", n)
	}
	if !eval[bool](t, tb.ctx, `!!window.Buycard`) {
		t.Error("window.Buycard missing")
	}
	if title := eval[string](t, tb.ctx, `document.title`); title != "publisher" {
		t.Errorf("title %q: a script failed to load", title)
	}
	tb.noErrors()
}

func TestVersionedSnippetWithWrongSRIIsBlocked(t *testing.T) {
	t.Parallel()
	s := fetchSnippets(t, "wgt_notebook", "plc_feednotebook")
	// A well-formed hash of other bytes: the browser must refuse the loader.
	wrong := "sha384-" + strings.Repeat("A", 64)
	snippet := strings.Replace(s.Script, s.Integrity, wrong, 1)
	if snippet == s.Script {
		t.Fatal("integrity value not found in the snippet")
	}
	tb := newTab(t)
	tb.do(navigate(snippetPage(t, snippet)))
	waitFor(t, tb.ctx, `document.title === "blocked"`)
	if got := eval[bool](t, tb.ctx, `!!window.Buycard || !!document.querySelector("[data-buycard]").shadowRoot`); got {
		t.Error("the loader ran despite a wrong integrity value")
	}
	if n := tb.count("/v1/cards"); n != 0 {
		t.Errorf("%d card-data requests, want 0", n)
	}
}
