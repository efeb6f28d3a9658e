package embed

import (
	"html"
	"net/url"
	"strings"

	"github.com/buycard/buycard"
)

// Snippets are the forms of embed code a publisher may paste for one card
// (GET /v1/embed/snippet, docs/contracts.md).
type Snippets struct {
	// Script is the versioned card stylesheet and loader, both pinned with
	// SRI, and the card element.
	Script string `json:"script"`
	// Link is a link to the hosted product page that the loader upgrades.
	Link string `json:"link"`
	// Latest is Script with the always-latest /buycard.css and
	// /buycard.js, and no SRI.
	Latest string `json:"latest"`
	// LoaderURL and Integrity are Script's src and integrity values;
	// StylesheetURL and StylesheetIntegrity its stylesheet's.
	LoaderURL           string `json:"loader_url"`
	Integrity           string `json:"integrity"`
	StylesheetURL       string `json:"stylesheet_url"`
	StylesheetIntegrity string `json:"stylesheet_integrity"`
}

// Card is the card a snippet embeds.
type Card struct {
	WidgetID    string
	PlacementID string // may be empty
	// Layout is the widget's (buycard.LayoutFull or LayoutCompact): the
	// card stylesheet reserves a box of its height.
	Layout string
	// Title is the link's text; empty shows the URL.
	Title string
}

// Snippets returns the embed code for a card, served from publicURL.
func (l *Loader) Snippets(publicURL string, c Card) Snippets {
	host := strings.TrimRight(publicURL, "/")
	css, js := l.stylesheet, l.Pinned
	return Snippets{
		Script:              stylesheetTag(host+css.VersionedPath(), css.sri) + scriptTag(host+js.VersionedPath(), js.sri) + cardElement(c),
		Link:                LinkSnippet(publicURL, c.WidgetID, c.PlacementID, c.Title),
		Latest:              stylesheetTag(host+css.LatestPath(), "") + scriptTag(host+js.LatestPath(), "") + cardElement(c),
		LoaderURL:           host + js.VersionedPath(),
		Integrity:           js.sri,
		StylesheetURL:       host + css.VersionedPath(),
		StylesheetIntegrity: css.sri,
	}
}

// stylesheetTag links the card stylesheet at href; see scriptTag for
// integrity.
func stylesheetTag(href, integrity string) string {
	return `<link rel="stylesheet" href="` + html.EscapeString(href) + `"` + integrityAttrs(integrity) + ">\n"
}

// scriptTag loads the loader from src, asynchronously.
func scriptTag(src, integrity string) string {
	return `<script async src="` + html.EscapeString(src) + `"` + integrityAttrs(integrity) + "></script>\n"
}

// integrityAttrs has the browser check a file against integrity, when set
// (crossorigin makes the response readable for the check).
func integrityAttrs(integrity string) string {
	if integrity == "" {
		return ""
	}
	return ` integrity="` + html.EscapeString(integrity) + `" crossorigin="anonymous"`
}

// cardElement is the element the loader turns into a card.
func cardElement(c Card) string {
	var b strings.Builder
	b.WriteString(`<div data-buycard="` + html.EscapeString(c.WidgetID) + `"`)
	if c.PlacementID != "" {
		b.WriteString(` data-placement="` + html.EscapeString(c.PlacementID) + `"`)
	}
	if c.Layout == buycard.LayoutCompact {
		b.WriteString(` data-buycard-layout="compact"`)
	}
	b.WriteString("></div>\n")
	return b.String()
}

// LinkSnippet returns a link to the widget's hosted product page. Pages
// with the loader upgrade it to a card; elsewhere it is a plain link.
// placementID may be empty; an empty text shows the URL.
func LinkSnippet(publicURL, widgetID, placementID, text string) string {
	href := strings.TrimRight(publicURL, "/") + "/p/" + url.PathEscape(widgetID)
	if placementID != "" {
		href += "?pl=" + url.QueryEscape(placementID)
	}
	if text == "" {
		text = href
	}
	return `<a href="` + html.EscapeString(href) + `">` + html.EscapeString(text) + `</a>`
}
