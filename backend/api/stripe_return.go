package api

import (
	"context"
	"regexp"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// StripeReturns reads a Checkout Session back from Stripe
// (stripeconnect.Provider.SessionPayment): the payment event its state
// implies, and whether it is paid yet.
type StripeReturns interface {
	SessionPayment(ctx context.Context, sessionID string) (buycard.PaymentEvent, bool, error)
}

var sessionIDPattern = regexp.MustCompile(`^cs_[A-Za-z0-9_]{1,250}$`)

// getStripeReturn is where Stripe's checkout sends the overlay (embedded)
// or the popup (hosted) once the shopper has paid: GET /checkout/return?session_id=cs_…. It
// reads the session back from Stripe and applies its payment: whichever of
// this path and the webhook comes first pays the order, and the other
// changes nothing (a paid order stays paid; its sale journal is keyed by
// the order). Then it shows the receipt.
func (s *Server) getStripeReturn(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	id := c.Query("session_id")
	if !sessionIDPattern.MatchString(id) {
		return buycard.Errorf(buycard.EINVALID, "This link does not name a checkout.")
	}
	e, paid, err := s.StripeReturns.SessionPayment(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !paid {
		return buycard.Errorf(buycard.ECONFLICT, "The payment is not complete. Close this window and try again.")
	}
	o, err := s.Orders.ApplyPaymentEvent(c.UserContext(), e)
	if err != nil {
		return err
	}
	// The return URL carries the publisher's origin (o), the language and
	// wasm=false from the popup (stripeconnect.ReturnURL): the receipt
	// tells the page at that exact origin, and no other, about the
	// purchase. o only aims that message; a link with another o tells a
	// window at that origin only when it is the receipt's own parent or
	// opener, and the session id already shows this receipt to whoever
	// holds it.
	q := pick(c.Query, receiptParams)
	q.Set("order", o.ID)
	q.Set("ot", s.Tokens.SignOrder(buycard.OrderClaims{OrderID: o.ID, ExpiresAt: s.Now().Add(time.Hour)}))
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return c.Redirect("/checkout/"+o.WidgetID+"/receipt?"+q.Encode(), fiber.StatusSeeOther)
}
