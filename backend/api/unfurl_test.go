package api_test

import (
	"bytes"
	"image/png"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/buycard/buycard"
)

// headTags are a page's <meta> contents by property or name, and its
// <link> hrefs by rel and type.
func headTags(t *testing.T, page string) map[string]string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "meta" || n.Data == "link") {
			a := map[string]string{}
			for _, at := range n.Attr {
				a[at.Key] = at.Val
			}
			if n.Data == "meta" {
				tags[a["property"]+a["name"]] = a["content"]
			} else {
				tags["link "+a["rel"]+" "+a["type"]] = a["href"]
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return tags
}

// TestProductPageUnfurls reads /p/ as a social network's link preview
// does: the shared link keeps its publisher (?pl=), the picture is a PNG
// with its size and alt text even for an SVG product, and the price,
// availability and merchant's X handle are there.
func TestProductPageUnfurls(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	settings := buycard.NewMerchantSettings("mer_northwind")
	settings.TwitterHandle = "northwind"
	must(t, ts.db.SaveMerchantSettings(t.Context(), settings))
	for _, tc := range []struct {
		name, path string
		want       map[string]string
		absent     []string
	}{
		{name: "placement kept", path: "/p/wgt_notebook?pl=plc_feednotebook", want: map[string]string{
			"og:url":                                 publicURL + "/p/wgt_notebook?pl=plc_feednotebook",
			"link canonical ":                        publicURL + "/p/wgt_notebook",
			"link alternate application/json+oembed": publicURL + "/oembed?format=json&url=" + url.QueryEscape(publicURL+"/p/wgt_notebook?pl=plc_feednotebook"),
			"og:image":                               publicURL + "/web/demo/notebook.svg.png",
			"og:image:width":                         "1200",
			"og:image:height":                        "1200",
			"og:image:alt":                           "Leather field notebook",
			"twitter:image":                          publicURL + "/web/demo/notebook.svg.png",
			"twitter:site":                           "@northwind",
			"product:price:amount":                   "24.00",
			"product:price:currency":                 "USD",
			"og:availability":                        "instock",
			"product:availability":                   "in stock",
			"product:condition":                      "new",
		}},
		{name: "foreign placement dropped", path: "/p/wgt_notebook?pl=plc_feedtee", want: map[string]string{
			"og:url": publicURL + "/p/wgt_notebook",
		}},
		{name: "sold out", path: "/p/wgt_print", want: map[string]string{
			"og:availability": "oos", "product:availability": "out of stock", "product:price:amount": "60.00",
		}},
		{name: "merchant without payments, no handle", path: "/p/wgt_mug", want: map[string]string{
			"og:availability": "oos", "product:price:currency": "EUR",
		}, absent: []string{"twitter:site"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := ts.do(t, "GET", tc.path, "", "")
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s = %d", tc.path, resp.StatusCode)
			}
			tags := headTags(t, body)
			for k, v := range tc.want {
				if tags[k] != v {
					t.Errorf("%s = %q, want %q", k, tags[k], v)
				}
			}
			for _, k := range tc.absent {
				if _, ok := tags[k]; ok {
					t.Errorf("%s present: %q", k, tags[k])
				}
			}
		})
	}
}

// TestSVGImagePNGTwin fetches the PNG a preview names for an SVG product.
func TestSVGImagePNGTwin(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/web/demo/notebook.svg.png", "", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("GET = %d %q", resp.StatusCode, resp.Header)
	}
	img, err := png.Decode(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 1200 {
		t.Errorf("PNG is %v, want 1200×1200", b)
	}
	if resp, _ := ts.do(t, "GET", "/web/checkout.css.png", "", ""); resp.StatusCode != 404 {
		t.Errorf("a PNG of a non-SVG = %d, want 404", resp.StatusCode)
	}
}
