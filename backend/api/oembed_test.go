package api_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// oEmbedReply is a rich oEmbed response (https://oembed.com, 2.3.4).
type oEmbedReply struct {
	Version, Type, Title, HTML string
	AuthorName                 string `json:"author_name"`
	ProviderName               string `json:"provider_name"`
	ProviderURL                string `json:"provider_url"`
	ThumbnailURL               string `json:"thumbnail_url"`
	ThumbnailWidth             int    `json:"thumbnail_width"`
	ThumbnailHeight            int    `json:"thumbnail_height"`
	Width, Height              int
	CacheAge                   int `json:"cache_age"`
}

func oEmbedPath(pageURL, extra string) string {
	return "/oembed?url=" + url.QueryEscape(pageURL) + extra
}

// TestOEmbed asks for the embed of pasted /p/ links as a CMS does, with
// and without size limits, and for what the provider must refuse.
func TestOEmbed(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	page := publicURL + "/p/wgt_notebook?pl=plc_feednotebook"
	for _, tc := range []struct {
		name, path        string
		status            int
		width, height     int
		thumbnail, iframe string
	}{
		{name: "ok", path: oEmbedPath(page, "&format=json"), status: 200, width: 480, height: 132,
			thumbnail: publicURL + "/web/demo/notebook.svg.png",
			iframe:    `<iframe src="` + publicURL + `/embed/card/wgt_notebook?pl=plc_feednotebook" width="480" height="132" title="Leather field notebook"`},
		{name: "format defaults to json", path: oEmbedPath(publicURL+"/p/wgt_tee", ""), status: 200, width: 480, height: 132,
			thumbnail: publicURL + "/web/demo/tee.svg.png", iframe: `<iframe src="` + publicURL + `/embed/card/wgt_tee" width="480"`},
		{name: "maxwidth", path: oEmbedPath(page, "&maxwidth=320&maxheight=600"), status: 200, width: 320, height: 132,
			iframe: `width="320" height="132"`},
		{name: "foreign placement dropped", path: oEmbedPath(publicURL+"/p/wgt_notebook?pl=plc_feedtee", ""), status: 200, width: 480, height: 132,
			thumbnail: publicURL + "/web/demo/notebook.svg.png", iframe: `/embed/card/wgt_notebook" width`},
		{name: "maxheight below the card", path: oEmbedPath(page, "&maxheight=100"), status: 404},
		{name: "maxwidth below the card", path: oEmbedPath(page, "&maxwidth=100"), status: 404},
		{name: "bad maxwidth", path: oEmbedPath(page, "&maxwidth=wide"), status: 400},
		{name: "xml", path: oEmbedPath(page, "&format=xml"), status: 501},
		{name: "other host", path: oEmbedPath("https://evil.example/p/wgt_notebook", ""), status: 404},
		{name: "other scheme", path: oEmbedPath("https://localhost:8080/p/wgt_notebook", ""), status: 404},
		{name: "user info", path: oEmbedPath("http://a@localhost:8080/p/wgt_notebook", ""), status: 404},
		{name: "not a product page", path: oEmbedPath(publicURL+"/checkout/wgt_notebook", ""), status: 404},
		{name: "unknown widget", path: oEmbedPath(publicURL+"/p/wgt_nope", ""), status: 404},
		{name: "no url", path: "/oembed", status: 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := ts.do(t, "GET", tc.path, "", "")
			if resp.StatusCode != tc.status {
				t.Fatalf("GET %s = %d %s, want %d", tc.path, resp.StatusCode, body, tc.status)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type = %q", resp.Header.Get("Content-Type"))
			}
			if tc.status != 200 {
				return
			}
			var r oEmbedReply
			must(t, json.Unmarshal([]byte(body), &r))
			if r.Version != "1.0" || r.Type != "rich" || r.ProviderName != "Buycard" || r.ProviderURL != publicURL ||
				r.AuthorName != "Northwind Goods" || r.Title == "" || r.CacheAge <= 0 {
				t.Errorf("reply = %+v", r)
			}
			if r.Width != tc.width || r.Height != tc.height {
				t.Errorf("size %d×%d, want %d×%d", r.Width, r.Height, tc.width, tc.height)
			}
			if r.ThumbnailURL != tc.thumbnail || (tc.thumbnail != "") != (r.ThumbnailWidth == 1200 && r.ThumbnailHeight == 1200) {
				t.Errorf("thumbnail %q %d×%d, want %q", r.ThumbnailURL, r.ThumbnailWidth, r.ThumbnailHeight, tc.thumbnail)
			}
			if !strings.Contains(r.HTML, tc.iframe) || strings.Contains(r.HTML, "<script") {
				t.Errorf("html = %s, want an iframe with %s", r.HTML, tc.iframe)
			}
		})
	}
}

// TestEmbedCard loads the page an oEmbed iframe shows: the card of the
// widget in its placement, its checkout in a window of its own, framed
// where the widget allows.
func TestEmbedCard(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/embed/card/wgt_notebook?pl=plc_feednotebook", "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`data-buycard="wgt_notebook"`, `data-placement="plc_feednotebook"`, `data-buycard-checkout="popup"`,
		`<title>Leather field notebook</title>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s:\n%s", want, body)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors *") {
		t.Errorf("CSP = %q: a widget open to every site may be framed anywhere", csp)
	}
	_, err := ts.sql(t).ExecContext(t.Context(), `UPDATE widgets SET allowed_domains = '["blog.example"]' WHERE id = 'wgt_notebook'`)
	must(t, err)
	resp, body = ts.do(t, "GET", "/embed/card/wgt_notebook?pl=plc_feedtee", "", "")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self' https://blog.example") {
		t.Errorf("CSP = %q, want the widget's allowed site", csp)
	}
	if strings.Contains(body, "data-placement") {
		t.Errorf("a placement of another widget is credited:\n%s", body)
	}
	if resp, _ := ts.do(t, "GET", "/embed/card/wgt_nope", "", ""); resp.StatusCode != 404 {
		t.Errorf("unknown widget = %d", resp.StatusCode)
	}
}
