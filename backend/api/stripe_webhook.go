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

// maxWebhookBody bounds a webhook body. The app's BodyLimit (64 KiB), which
// fasthttp enforces before routing with the same 413, is lower today; this
// keeps the webhook bounded should that limit be raised.
const maxWebhookBody = 256 << 10

// postStripeWebhook hands a Stripe delivery to the webhooks: the body
// exactly as received (BodyRaw: no decompression, no re-encoding, so the
// signature holds) and its Stripe-Signature header.
func (s *Server) postStripeWebhook(c *fiber.Ctx) error {
	payload := c.BodyRaw()
	if len(payload) > maxWebhookBody {
		return fiber.ErrRequestEntityTooLarge
	}
	if err := s.StripeWebhooks.Handle(c.UserContext(), payload, c.Get("Stripe-Signature")); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"received": true})
}
