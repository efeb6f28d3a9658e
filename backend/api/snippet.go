package api

import (
	"regexp"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
)

var (
	widgetIDPattern    = regexp.MustCompile(`^wgt_[0-9a-z]{1,40}$`)
	placementIDPattern = regexp.MustCompile(`^plc_[0-9a-z]{1,40}$`)
)

// getEmbedSnippet returns the embed code for a widget in an optional
// placement (GET /v1/embed/snippet?widget=wgt_…&placement=plc_…): the
// versioned card stylesheet and loader with their SRI hashes, the link
// form and the always-latest files. It holds no secrets.
func (s *Server) getEmbedSnippet(c *fiber.Ctx) error {
	widgetID, placementID := c.Query("widget"), c.Query("placement")
	if !widgetIDPattern.MatchString(widgetID) {
		return buycard.Errorf(buycard.EINVALID, "widget must be a widget id: wgt_ then 1 to 40 of [0-9a-z].")
	}
	if placementID != "" && !placementIDPattern.MatchString(placementID) {
		return buycard.Errorf(buycard.EINVALID, "placement must be a placement id: plc_ then 1 to 40 of [0-9a-z], or absent.")
	}
	ctx := c.UserContext()
	card, err := s.Catalog.FindCard(ctx, widgetID)
	if err != nil {
		return err
	}
	if placementID != "" {
		found, err := s.Publishers.FindPlacements(ctx, []string{placementID})
		if err != nil {
			return err
		}
		if p := found[placementID]; p == nil || p.WidgetID != widgetID {
			return buycard.Errorf(buycard.ENOTFOUND, "No placement %s shows widget %s.", placementID, widgetID)
		}
	}
	// The versioned URL changes with each loader build.
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(s.snippets(card, placementID))
}

// snippets is the embed code of card in an optional placement.
func (s *Server) snippets(card *buycard.Card, placementID string) embed.Snippets {
	return s.Loader.Snippets(s.PublicURL, embed.Card{WidgetID: card.Widget.ID, PlacementID: placementID,
		Layout: card.Widget.Layout, Title: card.Product.Title})
}
