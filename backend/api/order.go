package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// getOrder returns an order to the bearer of its order token (the overlay
// that created it), for the receipt.
func (s *Server) getOrder(c *fiber.Ctx) error {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok {
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Send the order token as Authorization: Bearer ….")
	}
	claims, err := s.Tokens.VerifyOrder(token, s.Now())
	if err != nil {
		return err
	}
	if claims.OrderID != c.Params("id") {
		return buycard.Errorf(buycard.EFORBIDDEN, "The order token is for another order.")
	}
	order, err := s.Orders.FindOrder(c.UserContext(), claims.OrderID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(orderResponse{Order: order})
}
