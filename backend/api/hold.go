package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// Holds (see hold.go at the root): a new order holds its units for
// HoldTTL. While the shopper has the checkout open and in view, its page
// (web/checkout.js) renews the hold now and then with POST
// /v1/orders/{id}/hold; when the shopper leaves — the overlay closes, the
// popup or the tab goes away — the page releases the order with POST
// /v1/orders/{id}/release, so its units go back on sale at once. Both
// carry the order token, which only the page that created the order has.

// DefaultHoldTTL is Config.HoldTTL's default: long enough that a renewal
// or two may be lost (the page renews every minute), short enough that an
// abandoned checkout gives its units back soon.
const DefaultHoldTTL = 5 * time.Minute

// SessionExpirer is a payment provider whose sessions can be ended before
// they run out (stripeconnect.Provider). A released order's session must
// not be payable any more. Providers without it (the sandbox) charge only
// pending orders, so canceling the order is enough.
type SessionExpirer interface {
	// ExpireSession ends the order's payment session. Errors: ECONFLICT
	// (the session has been paid, or is being paid), EPAYMENT.
	ExpireSession(ctx context.Context, o *buycard.Order) error
}

// postOrderHold renews the hold of the order in the path for HoldTTL from
// now, or holds its units again when its hold had lapsed. Errors: as
// bearerOrderID, and RenewHold's.
func (s *Server) postOrderHold(c *fiber.Ctx) error {
	id, err := s.bearerOrderID(c)
	if err != nil {
		return err
	}
	now := s.Now()
	order, err := s.Orders.RenewHold(c.UserContext(), buycard.HoldRenewal{
		OrderID: id, Until: now.Add(s.HoldTTL), Now: now, ClientNetwork: s.clientIP(c),
	})
	if err != nil {
		return err
	}
	return s.sendOrder(c, order)
}

// postOrderRelease cancels the pending order in the path, whose shopper
// left the checkout, and answers with the order as it ends: canceled, or
// paid when its payment came first. Releasing again changes nothing.
// Errors: as bearerOrderID, and releaseOrder's.
func (s *Server) postOrderRelease(c *fiber.Ctx) error {
	id, err := s.bearerOrderID(c)
	if err != nil {
		return err
	}
	order, err := s.releaseOrder(c.UserContext(), id)
	if err != nil {
		return err
	}
	return s.sendOrder(c, order)
}

// releaseOrder cancels order id if it is pending. The provider's session
// is ended first: an order is canceled only once its session can no
// longer be paid, and a payment that got through all the same still pays
// it (buycard.Order.Apply). Errors: ENOTFOUND, and ExpireSession's.
func (s *Server) releaseOrder(ctx context.Context, id string) (*buycard.Order, error) {
	order, err := s.Orders.FindOrder(ctx, id)
	if err != nil || order.Status != buycard.OrderPending {
		return order, err
	}
	if p, ok := s.Payments.(SessionExpirer); ok && order.Provider == s.Payments.Name() && order.ProviderSessionID != "" {
		if err := p.ExpireSession(ctx, order); err != nil {
			return nil, err
		}
	}
	if err := s.Orders.CancelOrder(ctx, id); err != nil {
		return nil, err
	}
	return s.Orders.FindOrder(ctx, id)
}
