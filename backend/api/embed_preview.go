package api

import (
	"html"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// embedPreviewPath is the page the console frames to show a publisher's
// snippet really running (console/publisher_placement.go).
const embedPreviewPath = "/embed/preview"

// embedPageCSP is the policy of a page holding a snippet (the preview,
// the oEmbed card): the loader from this origin, the card's style sheets,
// product images from anywhere secure, the checkout overlay's frame from
// this origin, and framing by frameAncestors (the preview: this origin
// only, the console). publicOrigin is added to the sources when the page
// is opened on another origin than PublicURL (development: 127.0.0.1
// against localhost), since the snippet loads the loader from PublicURL.
func embedPageCSP(publicOrigin, frameAncestors string) string {
	extra := ""
	if publicOrigin != "" {
		extra = " " + publicOrigin
	}
	return "default-src 'self'" + extra + "; script-src 'self'" + extra + "; style-src 'self'" + extra + " 'unsafe-inline'; img-src 'self' data: https:" + extra +
		"; connect-src 'self'" + extra + "; frame-src 'self'" + extra + "; base-uri 'none'; frame-ancestors " + frameAncestors
}

// previewScript is the snippet's script form with the loader's analytics
// off: the publisher looking at its own preview is no impression of its
// placement.
func previewScript(script string) string {
	return strings.Replace(script, "<script ", `<script data-buycard-analytics="off" `, 1)
}

// getEmbedPreview serves GET /embed/preview?widget=wgt_…&placement=plc_…:
// a minimal publisher page holding exactly the script form of the
// widget's snippet (GET /v1/embed/snippet), so the console can frame the
// card as a publisher's readers will see it. The ids are checked as the
// snippet API checks them; an unknown widget, or a placement that does
// not show it, is a 404 page.
func (s *Server) getEmbedPreview(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, embedPageCSP(s.otherPublicOrigin(c), "'self'"))
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)

	widgetID, placementID := c.Query("widget"), c.Query("placement")
	if !widgetIDPattern.MatchString(widgetID) || (placementID != "" && !placementIDPattern.MatchString(placementID)) {
		return c.Status(fiber.StatusBadRequest).SendString(previewMessage(
			"The preview needs a widget id (wgt_…) and, optionally, a placement id (plc_…)."))
	}
	notFound := func() error {
		return c.Status(fiber.StatusNotFound).SendString(previewMessage(
			"There is no card for this widget and placement."))
	}
	ctx := c.UserContext()
	card, err := s.Catalog.FindCard(ctx, widgetID)
	switch {
	case buycard.ErrorCode(err) == buycard.ENOTFOUND:
		return notFound()
	case err != nil:
		return err
	}
	if placementID != "" {
		found, err := s.Publishers.FindPlacements(ctx, []string{placementID})
		if err != nil {
			return err
		}
		if p := found[placementID]; p == nil || p.WidgetID != widgetID {
			return notFound()
		}
	}
	snippets := s.snippets(card, placementID)
	// Script is HTML already, its values escaped by package embed.
	return c.SendString(previewPage("Preview of "+card.Product.Title+" · Buycard", "Preview", previewScript(snippets.Script)))
}

// otherPublicOrigin is PublicURL when the request came to another origin
// (development: 127.0.0.1 against localhost), else "".
func (s *Server) otherPublicOrigin(c *fiber.Ctx) string {
	if s.PublicURL == "" || strings.EqualFold(s.PublicURL, c.BaseURL()) {
		return ""
	}
	return s.PublicURL
}

// previewPage is the preview's document titled docTitle; body is HTML.
func previewPage(docTitle, heading, body string) string {
	return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n" +
		"<meta name=\"robots\" content=\"noindex\">\n" +
		"<title>" + html.EscapeString(docTitle) + "</title>\n</head>\n" +
		"<body style=\"margin:16px;font:16px/1.5 system-ui,sans-serif;color:#111827;background:#fff\">\n" +
		"<h1 style=\"font-size:1.1rem;margin:0 0 12px\">" + html.EscapeString(heading) + "</h1>\n" +
		body + "</body>\n</html>\n"
}

// previewMessage is a preview page that only says msg.
func previewMessage(msg string) string {
	return previewPage("Preview unavailable · Buycard", "Preview unavailable", "<p>"+html.EscapeString(msg)+"</p>\n")
}
