package embed

import (
	"html"
	"net/url"
	"strings"
)

// Snippets are the forms of embed code a publisher may paste for one card
// (GET /v1/embed/snippet, docs/contracts.md).
type Snippets struct {
	// Script is the versioned loader, pinned with SRI, and the card element.
	Script string `json:"script"`
	// Link is a link to the hosted product page that the loader upgrades.
	Link string `json:"link"`
	// Latest is Script with the always-latest /buycard.js and no SRI.
	Latest string `json:"latest"`
	// LoaderURL and Integrity are Script's src and integrity values.
	LoaderURL string `json:"loader_url"`
	Integrity string `json:"integrity"`
}

// Snippets returns the embed code for a widget, in an optional placement,
// served from publicURL. linkText is the link's text; empty shows the URL.
func (l *Loader) Snippets(publicURL, widgetID, placementID, linkText string) Snippets {
	loaderURL := strings.TrimRight(publicURL, "/") + l.VersionedPath()
	return Snippets{
		Script:    scriptTag(loaderURL, l.sri) + cardElement(widgetID, placementID),
		Link:      LinkSnippet(publicURL, widgetID, placementID, linkText),
		Latest:    Snippet(publicURL, widgetID, placementID),
		LoaderURL: loaderURL,
		Integrity: l.sri,
	}
}

// Snippet returns the HTML a publisher pastes to show a widget's card:
// the always-latest loader script and the card element. placementID may
// be empty.
func Snippet(publicURL, widgetID, placementID string) string {
	return scriptTag(strings.TrimRight(publicURL, "/")+"/buycard.js", "") + cardElement(widgetID, placementID)
}

// scriptTag loads the loader from src; with an integrity value the browser
// checks it (crossorigin makes the response readable for the check).
func scriptTag(src, integrity string) string {
	attrs := ""
	if integrity != "" {
		attrs = ` integrity="` + html.EscapeString(integrity) + `" crossorigin="anonymous"`
	}
	return `<script async src="` + html.EscapeString(src) + `"` + attrs + "></script>\n"
}

// cardElement is the element the loader turns into a card.
func cardElement(widgetID, placementID string) string {
	var b strings.Builder
	b.WriteString(`<div data-buycard="` + html.EscapeString(widgetID) + `"`)
	if placementID != "" {
		b.WriteString(` data-placement="` + html.EscapeString(placementID) + `"`)
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
