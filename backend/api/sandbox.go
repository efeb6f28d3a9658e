package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

type sandboxPayRequest struct {
	ClientSecret string `json:"client_secret"`
	CardNumber   string `json:"card_number"`
}

type orderResponse struct {
	Order *buycard.Order `json:"order"`
}

// postSandboxPay is the sandbox provider's payment form submission. The
// attempt becomes a payment event applied through the same path as a
// Stripe webhook; a declined card answers 402 and leaves the order pending.
func (s *Server) postSandboxPay(c *fiber.Ctx) error {
	if s.TestPayments == nil {
		return buycard.Errorf(buycard.ENOTFOUND, "Test payments are off: this server takes real payments.")
	}
	var req sandboxPayRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	orderID, sessionID, err := s.TestPayments.VerifySecret(req.ClientSecret)
	if err != nil {
		return err
	}
	order, err := s.Orders.FindOrder(c.UserContext(), orderID)
	if err != nil {
		return err
	}
	if order.ProviderSessionID != sessionID {
		return buycard.Errorf(buycard.EUNAUTHORIZED, "The payment session is not valid.")
	}
	event, err := s.TestPayments.Charge(order, req.CardNumber)
	if err != nil {
		return err
	}
	order, err = s.Orders.ApplyPaymentEvent(c.UserContext(), event)
	if err != nil {
		return err
	}
	if event.Type == buycard.PaymentFailed {
		return buycard.Errorf(buycard.EPAYMENT, "%s", event.Message)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(orderResponse{Order: order})
}
