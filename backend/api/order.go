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
	id, err := s.bearerOrderID(c)
	if err != nil {
		return err
	}
	order, err := s.Orders.FindOrder(c.UserContext(), id)
	if err != nil {
		return err
	}
	return s.sendOrder(c, order)
}

// sendOrder answers with order, which no cache may keep, and the link to
// its page once it is paid.
func (s *Server) sendOrder(c *fiber.Ctx, order *buycard.Order) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(orderResponse{Order: order, PageURL: s.orderPageURL(order)})
}

// bearerOrderID returns the order id of the path when the request
// carries that order's token as Authorization: Bearer. Errors: as
// checkOrderToken.
func (s *Server) bearerOrderID(c *fiber.Ctx) (string, error) {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok {
		return "", buycard.Errorf(buycard.EUNAUTHORIZED, "Send the order token as Authorization: Bearer ….")
	}
	id := c.Params("id")
	return id, s.checkOrderToken(id, token)
}

// findOrderWithToken returns order orderID to the bearer of its order
// token. Errors: as checkOrderToken, ENOTFOUND.
func (s *Server) findOrderWithToken(ctx context.Context, orderID, token string) (*buycard.Order, error) {
	if err := s.checkOrderToken(orderID, token); err != nil {
		return nil, err
	}
	return s.Orders.FindOrder(ctx, orderID)
}

// checkOrderToken checks that token is a valid order token for orderID.
// Errors: EUNAUTHORIZED (bad token), EFORBIDDEN (another order's token).
func (s *Server) checkOrderToken(orderID, token string) error {
	claims, err := s.Tokens.VerifyOrder(token, s.Now())
	if err != nil {
		return err
	}
	if claims.OrderID != orderID {
		return buycard.Errorf(buycard.EFORBIDDEN, "The order token is for another order.")
	}
	return nil
}
