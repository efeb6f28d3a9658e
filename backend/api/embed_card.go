package api

import (
	"html"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
)

// getEmbedCard serves GET /embed/card/{widget}[?pl=plc_…], the page an
// oEmbed iframe shows (oembed.go): the card alone, through the widget's
// snippet, its Buy opening the checkout in a window of its own. Framing
// follows the widget's allowed sites, as its checkout does; a placement
// that does not show the widget only loses its credit, as on /p/.
func (s *Server) getEmbedCard(c *fiber.Ctx) error {
	widgetID := c.Params("widget")
	if !widgetIDPattern.MatchString(widgetID) {
		return buycard.Errorf(buycard.ENOTFOUND, "No such card.")
	}
	card, err := s.Catalog.FindCard(c.UserContext(), widgetID)
	if err != nil {
		return err
	}
	placementID := ""
	if p := s.findPlacement(c.UserContext(), placementParam(c.Query("pl")), widgetID); p != nil {
		placementID = p.ID
	}
	c.Set(fiber.HeaderContentSecurityPolicy, embedPageCSP(s.otherPublicOrigin(c), card.Widget.FrameAncestors(!s.Production)))
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	snippets := s.Loader.Snippets(s.PublicURL, embed.Card{WidgetID: widgetID, PlacementID: placementID, Layout: card.Widget.Layout})
	// The script form's values are escaped by package embed; the card
	// asks for a checkout window of its own.
	body := strings.Replace(snippets.Script, "<div ", `<div data-buycard-checkout="popup" `, 1)
	return c.SendString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n" +
		"<title>" + html.EscapeString(card.Product.Title) + "</title>\n</head>\n" +
		"<body style=\"margin:0;background:transparent\">\n" + body + "</body>\n</html>\n")
}
