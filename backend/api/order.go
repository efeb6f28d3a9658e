package api

import (
	"context"
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
	order, err := s.findOrderWithToken(c.UserContext(), c.Params("id"), token)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(orderResponse{Order: order})
}

// findOrderWithToken returns order orderID to the bearer of its order
// token. Errors: EUNAUTHORIZED (bad token), EFORBIDDEN (another order's
// token), ENOTFOUND.
func (s *Server) findOrderWithToken(ctx context.Context, orderID, token string) (*buycard.Order, error) {
	claims, err := s.Tokens.VerifyOrder(token, s.Now())
	if err != nil {
		return nil, err
	}
	if claims.OrderID != orderID {
		return nil, buycard.Errorf(buycard.EFORBIDDEN, "The order token is for another order.")
	}
	return s.Orders.FindOrder(ctx, orderID)
}
