package api

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// StripeWebhooks applies Stripe's webhook deliveries
// (stripeconnect.Webhooks). Handle's error code is the answer:
// unauthorized (no valid signature) 401, invalid (not an event, or
// unreadable) 400, conflict (deliver again later) 409; any other error is
// ours (500), and Stripe retries it.
type StripeWebhooks interface {
	Handle(ctx context.Context, payload []byte, signature string) error
}

// postStripeWebhook hands a Stripe delivery to the webhooks: the body
// exactly as received (BodyRaw: no decompression, no re-encoding, so the
// signature holds) and its Stripe-Signature header. The app's BodyLimit
// (64 KiB) bounds the body before routing, with a 413.
func (s *Server) postStripeWebhook(c *fiber.Ctx) error {
	if err := s.StripeWebhooks.Handle(c.UserContext(), c.BodyRaw(), c.Get("Stripe-Signature")); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"received": true})
}
