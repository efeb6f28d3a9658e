package e2e

import (
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/embed"
)

// balancer is the fleet's public address: it sends every request to the
// node it routes to now, as a load balancer does during a deploy.
type balancer struct {
	*httptest.Server
	// URL is the public URL, on localhost: a site other than the
	// publisher's 127.0.0.1, as Buycard's host is in every test.
	URL  string
	node atomic.Pointer[url.URL]
}

func newBalancer(t *testing.T) *balancer {
	t.Helper()
	lb := new(balancer)
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(lb.node.Load())
		r.Out.Host = r.In.Host // the public host, as the nodes are told it
	}}
	lb.Server = httptest.NewServer(proxy)
	lb.URL = strings.Replace(lb.Server.URL, "127.0.0.1", "localhost", 1)
	t.Cleanup(lb.Close)
	return lb
}

// route sends the traffic to m from now on.
func (lb *balancer) route(m *server.Main) {
	lb.node.Store(&url.URL{Scheme: "http", Host: m.Addr().String()})
}

// loaderA180da4 builds the loader as it was at commit a180da4, with the
// card CSS baked into it then: a build publishers pinned before this
// issue's loader changes.
func loaderA180da4(t *testing.T) *embed.Loader {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "loader-a180da4", "buycard.js"))
	if err != nil {
		t.Fatal(err)
	}
	css, err := os.ReadFile(filepath.Join("testdata", "loader-a180da4", "card.css"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := embed.BuildLoader(src, strings.ReplaceAll(string(css), "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestPinnedSnippetSurvivesDeploy is a publisher who pastes the
// recommended snippet (the versioned loader with SRI) while the fleet runs
// an older loader; the operator then deploys a newer one on the same
// database, and no node has the old build in its binary any more. The
// publisher's page still loads the pinned loader, byte for byte, renders
// its card in the old loader's stylesheet and buys to the receipt.
func TestPinnedSnippetSurvivesDeploy(t *testing.T) {
	t.Parallel()
	lb := newBalancer(t)
	fleet := map[string]string{
		"BUYCARD_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "fleet.db"),
		"BUYCARD_PUBLIC_URL":   lb.URL,
		"BUYCARD_NO_SEED":      "",
	}
	older := loaderA180da4(t)
	before := startNode(t, fleet, &outages{}, func(m *server.Main) { m.Loader = older })
	lb.route(before)
	var s embed.Snippets
	getJSONAt(t, lb.URL, "GET", "/v1/embed/snippet?widget=wgt_notebook&placement=plc_feednotebook", nil, &s)
	if s.LoaderURL != lb.URL+older.VersionedPath() || s.Integrity != older.SRI() {
		t.Fatalf("snippet loads %s %s, want the running build %s", s.LoaderURL, s.Integrity, older.VersionedPath())
	}

	// The deploy: the newer node starts on the same database and takes the
	// traffic; the older one stops.
	after := startNode(t, fleet, &outages{})
	if after.Server.Loader.VersionedPath() == older.VersionedPath() {
		t.Fatal("the deployed loader is the older build")
	}
	lb.route(after)
	if err := before.Close(); err != nil {
		t.Fatal(err)
	}

	tb := newTab(t)
	tb.do(navigate(snippetPage(t, s.Script)))
	tb.renderedCards(1)
	if title := eval[string](t, tb.ctx, `document.title`); title != "publisher" {
		t.Fatalf("title %q: the pinned loader did not load", title)
	}
	if n := tb.count(s.LoaderURL); n != 1 {
		t.Errorf("%d requests for %s, want 1", n, s.LoaderURL)
	}
	// The old stylesheet lays the new card HTML out in the box it reserved,
	// its Buy button inside the card.
	if !eval[bool](t, tb.ctx, skeletonMatchesCardJS) {
		t.Error("the card is not the height of the old loader's skeleton")
	}
	if !eval[bool](t, tb.ctx, buyInsideCardJS) {
		t.Error("the Buy button is not inside its card")
	}
	screenshot(t, tb.ctx, "pinned-old-loader-card.png")

	eval[bool](t, tb.ctx, `(window.purchases = [], document.addEventListener('buycard:purchase', e => purchases.push(e.detail)), true)`)
	frame := tb.buy("wgt_notebook")
	number := payToReceipt(t, frame)
	screenshot(t, tb.ctx, "pinned-old-loader-receipt.png")
	waitFor(t, tb.ctx, `purchases.length === 1`)
	if got := eval[string](t, tb.ctx, `purchases[0].order.number`); got != number {
		t.Errorf("buycard:purchase order %q, want %s", got, number)
	}
	tb.noErrors()
}

// buyInsideCardJS holds when the first card's Buy button is drawn, inside
// its card.
const buyInsideCardJS = `(() => {
	const card = document.querySelector('[data-buycard]');
	const c = card.getBoundingClientRect(), b = card.shadowRoot.querySelector('[data-buycard-buy]').getBoundingClientRect();
	return b.width > 0 && b.height > 0 && b.left >= c.left && b.right <= c.right && b.top >= c.top && b.bottom <= c.bottom;
})()`
