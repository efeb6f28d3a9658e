package api_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/embed"
)

// markupBreakers is what a merchant (sign-up is open) might type into a
// title, a description, a variant or a button label to break out of the
// markup it lands in: attribute and element breaks, raw-text breaks, meta
// refreshes, script URLs, escapes of the encoders involved (Go quoting,
// HTML entities, JSON, fmt verbs) and Unicode controls.
var markupBreakers = []string{
	`Nice mug"><meta http-equiv=refresh content=0;url=https://evil.example/><x y=`,
	`Nice mug'><meta http-equiv=refresh content=0;url=https://evil.example/><x y='`,
	`Nice mug\"><meta http-equiv=refresh content=0;url=https://evil.example/>`,
	`</title><meta http-equiv="refresh" content="0;url=https://evil.example/">`,
	`</script><script>alert(1)</script>`,
	`</style><style>*{display:none}</style>`,
	`<img src=x onerror=alert(1)><svg onload=alert(1)>`,
	`javascript:alert(1)`,
	`<!-- --><![CDATA[ ]]><!DOCTYPE html>`,
	`&lt;b&gt; &amp;quot; &#34; &#x22;`,
	`{{.}} ${alert(1)} %s %v %!d(MISSING) \u0022 \x22`,
	"bidi \u202egnp.exe\u202c zero\u200bwidth line\u2028sep \u0007bell \u001b[31m",
	"nul \x00 byte",
}

// merchantPages are the pages that carry merchant text, each rendered
// through the real server from the store.
var merchantPages = []string{"card", "product page", "choose", "popup", "details", "pay", "receipt", "order page", "embed preview", "console",
	"oembed", "embed card"}

// TestMerchantTextCannotChangePages stores each hostile string as every
// piece of merchant text of a product (merchant name, title, description,
// image and its alt text, variant, option, button label, the settings'
// business name, support email, refund policy and X handle), renders every page that carries it and parses the result as a browser
// would: the element tree, each element with its attribute names, must be
// exactly the one rendered with harmless text, and the text must come
// through whole where it is shown. (The design fields, drawn into style
// properties, are TestDrawnDesign's and TestCardDesignCannotInjectCSS's.)
func TestMerchantTextCannotChangePages(t *testing.T) {
	t.Parallel()
	want := renderMerchantPages(t, "Mug")
	for i, text := range markupBreakers {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got := renderMerchantPages(t, text)
			for _, page := range merchantPages {
				if got[page].tree != want[page].tree {
					t.Errorf("%s: the element tree changed with text %q:\n%s", page, text, diffLines(want[page].tree, got[page].tree))
				}
			}
			// Browsers drop NUL from text.
			shown := strings.ReplaceAll(text, "\x00", "")
			for _, page := range []string{"card", "product page", "choose", "details", "pay", "receipt", "order page"} {
				if !slices.Contains(got[page].texts, shown) {
					t.Errorf("%s does not show the title %q whole; texts: %q", page, shown, got[page].texts)
				}
			}
		})
	}
}

// renderedPage is a page reduced to what must not change: its element
// tree, and the texts it shows.
type renderedPage struct {
	tree  string
	texts []string
}

// renderMerchantPages stores text as the demo notebook's merchant text and
// renders every page of merchantPages, with a paid order for the receipt.
func renderMerchantPages(t *testing.T, text string) map[string]renderedPage {
	t.Helper()
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams = auth.TestParams
		svc.Auth = svc.Catalog.(buycard.AuthService)
		svc.ConsoleWasm = embed.NewAsset("application/wasm", []byte("\x00asm console"))
	})
	storeMerchantText(t, ts.dbPath, text)
	token := ts.cardToken(t, "wgt_notebook")
	pages := map[string]string{}
	_, body := ts.do(t, "GET", "/v1/cards?ids=wgt_notebook&lang=en", "", "")
	var cards struct {
		Cards map[string]struct{ HTML string }
	}
	if err := json.Unmarshal([]byte(body), &cards); err != nil {
		t.Fatalf("cards: %v: %s", err, body)
	}
	pages["card"] = cards.Cards["wgt_notebook"].HTML
	get := func(name, path string) {
		resp, body := ts.do(t, "GET", path, "", "", "Accept-Language", "en")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: GET %s = %d: %s", name, path, resp.StatusCode, body)
		}
		pages[name] = body
	}
	get("product page", "/p/wgt_notebook")
	get("choose", "/checkout/wgt_notebook?t="+url.QueryEscape(token)+"&lang=en")
	get("popup", "/checkout/wgt_notebook/popup?t="+url.QueryEscape(token)+"&lang=en&wasm=false")
	get("details", "/checkout/wgt_notebook/details?"+ts.chooseDetails(t, "wgt_notebook", "1").Encode())
	q := ts.formCheckout(t, "1")
	get("pay", "/checkout/wgt_notebook/pay?"+q.Encode())
	resp, body := ts.postForm(t, "/checkout/wgt_notebook/pay", url.Values{
		"order": {q.Get("order")}, "ot": {q.Get("ot")}, "cs": {q.Get("cs")}, "o": {q.Get("o")}, "lang": {"en"},
		"card_number": {"4242 4242 4242 4242"},
	})
	get("receipt", "/checkout/wgt_notebook/receipt?"+seeOther(t, resp, body, "/checkout/wgt_notebook/receipt").Encode())
	get("order page", "/order?t="+url.QueryEscape(ts.tokens.SignOrderPage(buycard.OrderPageClaims{
		OrderID: q.Get("order"), ExpiresAt: ts.now.Add(time.Hour)})))
	get("embed preview", "/embed/preview?widget=wgt_notebook")
	get("console", "/console/products")
	get("embed card", "/embed/card/wgt_notebook?pl=plc_feednotebook")
	var embed struct{ HTML string }
	_, body = ts.do(t, "GET", "/oembed?url="+url.QueryEscape(publicURL+"/p/wgt_notebook"), "", "")
	if err := json.Unmarshal([]byte(body), &embed); err != nil {
		t.Fatalf("oembed: %v: %s", err, body)
	}
	pages["oembed"] = embed.HTML

	rendered := map[string]renderedPage{}
	for name, page := range pages {
		rendered[name] = parsePage(t, name, page)
	}
	return rendered
}

// storeMerchantText writes text straight into the store, past the API's
// validation: rendering must be safe whatever a row holds (rows written
// before a rule existed, by hand, or by a future path that forgets).
func storeMerchantText(t *testing.T, dbPath, text string) {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{
		`UPDATE merchants SET name = ?1 WHERE id = 'mer_northwind'`,
		`UPDATE products SET title = ?1, description = ?1, image_alt = ?1, option_name = ?1,
		 image_url = ?1 WHERE id = 'prd_notebook'`,
		`UPDATE variants SET name = ?1 WHERE product_id = 'prd_notebook'`,
		`UPDATE widgets SET cta = ?1 WHERE id = 'wgt_notebook'`,
		`INSERT INTO merchant_settings (merchant_id, business_name, support_email, refund_policy, origin_country,
			tax_id, tax_mode, prices_include_tax, tax_shipping, ask_phone, twitter_handle, updated_at)
		 SELECT id, ?1, ?1, ?1, '', '', 'none', 0, 0, 0, ?1, created_at FROM merchants WHERE id = 'mer_northwind'`,
	} {
		if _, err := db.ExecContext(t.Context(), stmt, text); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// parsePage parses page as a browser does (a card and an oEmbed's HTML
// as a fragment in a <div>) and returns its element tree, one line per element with its
// depth and attribute names, and the texts it shows.
func parsePage(t *testing.T, name, page string) renderedPage {
	t.Helper()
	var root *html.Node
	if name == "card" || name == "oembed" {
		nodes, err := html.ParseFragment(strings.NewReader(page), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
		if err != nil {
			t.Fatal(err)
		}
		root = &html.Node{Type: html.DocumentNode}
		for _, n := range nodes {
			root.AppendChild(n)
		}
	} else {
		var err error
		if root, err = html.Parse(strings.NewReader(page)); err != nil {
			t.Fatal(err)
		}
	}
	var p renderedPage
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		switch n.Type {
		case html.ElementNode:
			keys := make([]string, 0, len(n.Attr))
			for _, a := range n.Attr {
				keys = append(keys, a.Namespace+a.Key)
			}
			slices.Sort(keys)
			fmt.Fprintf(&b, "%s<%s %s>\n", strings.Repeat(" ", depth), n.Data, strings.Join(keys, " "))
		case html.CommentNode:
			fmt.Fprintf(&b, "%s<!-- -->\n", strings.Repeat(" ", depth))
		case html.TextNode:
			p.texts = append(p.texts, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	p.tree = b.String()
	return p
}

// diffLines shows the first line where two trees part.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return fmt.Sprintf("line %d\nwant %s\ngot  %s", i+1, w[i], g[i])
		}
	}
	return fmt.Sprintf("want %d lines, got %d", len(w), len(g))
}
