package demo

import (
	"html/template"
	"io"
	"strings"

	"github.com/buycard/buycard/embed"
)

// post is one entry of the demo feed. Exactly one of Widget (an embedded
// card) and Link (a plain product link the loader upgrades) may be set.
// A link becomes a card only when the loader runs, and moves what is
// below it then: the feed's link is its last post, below the first
// screen, where that moves nothing a reader sees.
type post struct {
	Author, Handle, Initials, Ago, Text string
	Widget, Placement                   string
	Link, LinkText                      string
}

var feed = []post{
	{Author: "Maya Chen", Handle: "mayamakes", Initials: "MC", Ago: "2m",
		Text:   "Three months in and this notebook has survived two flights, one coffee spill and my toddler. Worth every cent.",
		Widget: notebook.widget, Placement: notebook.placement},
	{Author: "Dev Patel", Handle: "devwrites", Initials: "DP", Ago: "9m",
		Text: "Hot take: the best productivity system is the one you actually open in the morning."},
	{Author: "Aiko Tanaka", Handle: "aikobrews", Initials: "AT", Ago: "1h",
		Text:   "Morning ritual: whisk, breathe, sip. This starter set is how I got hooked.",
		Widget: matcha.widget, Placement: matcha.placement},
	{Author: "Layla Al-Sabah", Handle: "laylascents", Initials: "LA", Ago: "2h",
		Text:   "Found my signature scent for winter. Smoky, warm, a little mysterious.",
		Widget: oud.widget, Placement: oud.placement},
	{Author: "Sam Ortiz", Handle: "samprints", Initials: "SO", Ago: "3h",
		Text:   "The signed edition went faster than I could post about it. Thank you all!",
		Widget: riso.widget, Placement: riso.placement},
	{Author: "Inês Duarte", Handle: "inesclay", Initials: "ID", Ago: "5h",
		Text:   "New mugs out of the kiln. The shop opens as soon as payments are set up.",
		Widget: mug.widget, Placement: mug.placement},
	{Author: "Tom Becker", Handle: "tombecker", Initials: "TB", Ago: "6h",
		Text: "Reminder that you can close the laptop and go outside. I'll wait."},
	{Author: "The Daily Scroll", Handle: "dailyscroll", Initials: "DS", Ago: "7h",
		Text: "Our first merch drop is live — organic cotton, printed in small batches.",
		Link: tee.widget, Placement: tee.placement, LinkText: "Get the Daily Scroll tee"},
}

var feedPage = template.Must(template.New("feed").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The Daily Scroll — feed</title>
<meta name="description" content="The Daily Scroll's feed: posts from makers, with products you can buy without leaving the page.">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/web/demo/feed.css">
<link rel="stylesheet" href="{{.Host}}{{.Stylesheet.VersionedPath}}" integrity="{{.Stylesheet.SRI}}" crossorigin="anonymous">
<script async src="{{.Host}}{{.Loader.VersionedPath}}" integrity="{{.Loader.SRI}}" crossorigin="anonymous"></script>
<script defer src="/web/demo/feed.js"></script>
</head>
<body>
<header class="top"><strong>The Daily Scroll</strong><span>Home</span></header>
<main class="feed" id="feed">
{{range .Posts}}<article class="post">
  <div class="avatar" aria-hidden="true">{{.Initials}}</div>
  <div class="content">
    <p class="meta"><b>{{.Author}}</b> <span>@{{.Handle}} · {{.Ago}}</span></p>
    <p>{{.Text}}</p>
    {{if .Widget}}<div class="embed" data-buycard="{{.Widget}}" data-placement="{{.Placement}}"></div>{{end}}
    {{if .Link}}<p><a href="{{$.Host}}/p/{{.Link}}?pl={{.Placement}}">{{.LinkText}}</a></p>{{end}}
  </div>
</article>
{{end}}</main>
<p class="more"><button type="button" id="load-more" data-widget="{{.MoreWidget}}" data-placement="{{.MorePlacement}}">Load more posts</button></p>
</body>
</html>`))

// WriteFeed writes the demo publisher page. host is Buycard's public URL:
// the page embeds Buycard from there, as any publisher would, with the
// recommended snippet's pinned card stylesheet and loader (l).
func WriteFeed(w io.Writer, host string, l *embed.Loader) error {
	return feedPage.Execute(w, map[string]any{
		"Host": strings.TrimRight(host, "/"), "Posts": feed, "Loader": l.Pinned, "Stylesheet": l.Stylesheet(),
		"MoreWidget": tee.widget, "MorePlacement": tee.placement,
	})
}

// FeedCSP is the demo page's Content-Security-Policy: as strict as a
// careful publisher's, allowing Buycard's origin only for the loader, the
// card stylesheet, card data, images and the checkout frame, and no
// inline style or script. connect-src keeps 'self' as a publisher's own
// pages would: Lighthouse fetches robots.txt from inside the page, and
// without it reports the file missing (SEO 92 instead of 100).
func FeedCSP(host string) string {
	host = strings.TrimRight(host, "/")
	return "default-src 'self'; script-src 'self' " + host + "; style-src 'self' " + host + "; img-src 'self' data: " + host +
		"; connect-src 'self' " + host + "; frame-src " + host + "; base-uri 'none'; form-action 'none'"
}
