package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// getOffer returns what the overlay shows for a card the shopper tapped,
// with a freshly signed token that carries the current price version.
func (s *Server) getOffer(c *fiber.Ctx) error {
	offer, err := s.loadOffer(c.UserContext(), c.Params("widget"), c.Query("t"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(offer)
}

// loadOffer verifies a placement token for widgetID and builds the offer.
// The checkout page's prerender calls it too.
func (s *Server) loadOffer(ctx context.Context, widgetID, token string) (*buycard.Offer, error) {
	claims, err := s.verifyPlacement(widgetID, token)
	if err != nil {
		return nil, err
	}
	card, err := s.Catalog.FindCard(ctx, widgetID)
	if err != nil {
		return nil, err
	}
	if card.Product.ID != claims.ProductID {
		return nil, buycard.Errorf(buycard.ECONFLICT, buycard.StaleCardMessage)
	}
	claims.PriceVersion = card.Product.PriceVersion
	claims.ExpiresAt = s.tokenExpiry()
	offer := buycard.NewOffer(s.withPublicImage(card), s.Tokens.SignPlacement(claims))
	offer.Checkout, err = s.offerCheckout(ctx, card)
	return offer, err
}

// offerCheckout is what the checkout of card asks for, from its
// merchant's settings and shipping zones (the defaults and none without
// a SellerService).
func (s *Server) offerCheckout(ctx context.Context, card *buycard.Card) (buycard.OfferCheckout, error) {
	settings, zones := buycard.NewMerchantSettings(card.Merchant.ID), buycard.ShippingZones(nil)
	if sellers := s.Sellers; sellers != nil {
		var err error
		if settings, err = sellers.MerchantSettings(ctx, card.Merchant.ID); err != nil {
			return buycard.OfferCheckout{}, err
		}
		if zones, err = sellers.ShippingZones(ctx, card.Merchant.ID); err != nil {
			return buycard.OfferCheckout{}, err
		}
	}
	return buycard.NewOfferCheckout(card, settings, zones), nil
}

// verifyPlacement verifies a placement token for widgetID.
func (s *Server) verifyPlacement(widgetID, token string) (buycard.PlacementClaims, error) {
	claims, err := s.Tokens.VerifyPlacement(token, s.Now())
	if err == nil && claims.WidgetID != widgetID {
		err = buycard.Errorf(buycard.EUNAUTHORIZED, "The checkout token is for another card.")
	}
	return claims, err
}
