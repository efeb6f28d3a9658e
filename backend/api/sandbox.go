package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sandbox"
	"github.com/buycard/buycard/storefront"
)

type sandboxPayRequest struct {
	ClientSecret string `json:"client_secret"`
	CardNumber   string `json:"card_number"`
	// Lang is the shopper's language, optional: a refusal is worded in it.
	Lang string `json:"lang,omitempty"`
}

type orderResponse struct {
	Order *buycard.Order `json:"order"`
	// PageURL is the shopper's order page (order_page.go), once paid.
	PageURL string `json:"page_url,omitempty"`
}

// postSandboxPay is the sandbox provider's payment form submission as
// JSON.
func (s *Server) postSandboxPay(c *fiber.Ctx) error {
	var req sandboxPayRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	order, err := s.payWithTestCard(c.UserContext(), req.ClientSecret, req.CardNumber)
	if err != nil {
		return storefront.LocalizeError(err, req.Lang)
	}
	return s.sendOrder(c, order)
}

// payWithTestCard turns a test card into a payment event applied through
// the same path as a Stripe webhook. A declined card is an EPAYMENT error
// and leaves the order pending. POST /v1/sandbox/pay and the pay form both
// call it.
func (s *Server) payWithTestCard(ctx context.Context, clientSecret, cardNumber string) (*buycard.Order, error) {
	order, err := s.findOrderBySecret(ctx, clientSecret)
	if err != nil {
		return nil, err
	}
	event, err := s.TestPayments.Charge(order, cardNumber)
	if err != nil {
		return nil, err
	}
	order, err = s.Orders.ApplyPaymentEvent(ctx, event)
	if err != nil {
		return nil, err
	}
	if event.Type == buycard.PaymentFailed {
		return nil, errDeclined
	}
	return order, nil
}

// errDeclined is the sandbox's decline, which the checkout's catalog
// words in the shopper's language.
var errDeclined = buycard.Errorf(buycard.EPAYMENT, sandbox.DeclineMessage)

// findOrderBySecret returns the order a sandbox client secret pays for,
// while the secret's session is still the order's.
func (s *Server) findOrderBySecret(ctx context.Context, clientSecret string) (*buycard.Order, error) {
	if s.TestPayments == nil {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Test payments are off: this server takes real payments.")
	}
	orderID, sessionID, err := s.TestPayments.VerifySecret(clientSecret)
	if err != nil {
		return nil, err
	}
	order, err := s.Orders.FindOrder(ctx, orderID)
	if err != nil {
		return nil, err
	}
	if order.ProviderSessionID != sessionID {
		return nil, buycard.Errorf(buycard.EUNAUTHORIZED, "The payment session is not valid.")
	}
	return order, nil
}
