package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/webhooks"
)

// A party's webhook endpoints (buycard.WebhookService): each merchant or
// publisher manages its own, through the console or an API key; another
// party's endpoint or delivery answers 404 like an unknown one. An
// endpoint's secret is shown when it is created and when it is rotated,
// never again.

// defaultDeliveryPage is the page size of an endpoint's deliveries.
const defaultDeliveryPage = 50

// webhookSendsPerMinute bounds the test events and resends a party asks
// for: each is a POST to a URL of its choosing, which must not make
// Buycard a way to flood someone else's server.
const webhookSendsPerMinute = 30

// webhookRoutes registers /v1/webhooks; none without Webhooks and Auth.
func (s *Server) webhookRoutes(v1 fiber.Router) {
	if s.Webhooks == nil || s.Auth == nil {
		return
	}
	w := v1.Group("/webhooks", s.authenticate, s.requireParty)
	w.Get("/", s.getWebhooks)
	w.Post("/", s.postWebhook)
	sends := s.webhookSends()
	w.Post("/deliveries/:id/resend", sends, s.postResendDelivery)
	w.Get("/:id", s.getWebhook)
	w.Patch("/:id", s.patchWebhook)
	w.Delete("/:id", s.deleteWebhook)
	w.Post("/:id/rotate-secret", s.postRotateSecret)
	w.Get("/:id/deliveries", s.getDeliveries)
	w.Post("/:id/test", sends, s.postTestEvent)
}

// webhookSends bounds the test events and resends of a party, in the
// API and the console's forms alike: each call counts in the same store
// under the same key.
func (s *Server) webhookSends() fiber.Handler {
	return limiter.New(limiter.Config{
		Max: webhookSendsPerMinute, Expiration: time.Minute, Storage: s.limits,
		KeyGenerator: func(c *fiber.Ctx) string {
			who := callerOf(c)
			return "webhook-sends:" + who.PartyKind + ":" + who.PartyID
		},
		LimitReached: s.limitReached(limitWebhookSends, "Too many test events and resends."),
	})
}

// endpointReply is an endpoint as the API shows it: without its secret,
// unless it was just made.
type endpointReply struct {
	Endpoint *buycard.WebhookEndpoint `json:"endpoint"`
}

func hideSecret(e *buycard.WebhookEndpoint) *buycard.WebhookEndpoint {
	shown := *e
	shown.Secret = ""
	return &shown
}

// getWebhooks serves GET /v1/webhooks: the caller's endpoints and the
// event types they may subscribe to.
func (s *Server) getWebhooks(c *fiber.Ctx) error {
	who := callerOf(c)
	list, err := s.Webhooks.WebhookEndpoints(c.UserContext(), who.PartyKind, who.PartyID)
	if err != nil {
		return err
	}
	for i, e := range list {
		list[i] = hideSecret(e)
	}
	return c.JSON(fiber.Map{"endpoints": list, "event_types": buycard.PartyEventTypes(who.PartyKind)})
}

// postWebhook serves POST /v1/webhooks: a new endpoint, with its secret.
func (s *Server) postWebhook(c *fiber.Ctx) error {
	var edit buycard.WebhookEndpointEdit
	if err := decodeJSON(c, &edit); err != nil {
		return err
	}
	e, err := s.createWebhook(c, &edit)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(endpointReply{e})
}

// createWebhook makes the endpoint edit describes for the caller's party,
// with a new signing secret; the console's new-endpoint form runs it too.
func (s *Server) createWebhook(c *fiber.Ctx, edit *buycard.WebhookEndpointEdit) (*buycard.WebhookEndpoint, error) {
	who := callerOf(c)
	e := &buycard.WebhookEndpoint{PartyKind: who.PartyKind, PartyID: who.PartyID, Secret: webhooks.NewSecret()}
	if err := edit.Apply(e, s.Production, s.Now()); err != nil {
		return nil, err
	}
	if err := s.Webhooks.CreateWebhookEndpoint(c.UserContext(), e); err != nil {
		return nil, err
	}
	return e, nil
}

// getWebhook serves GET /v1/webhooks/{id}.
func (s *Server) getWebhook(c *fiber.Ctx) error {
	who := callerOf(c)
	e, err := s.Webhooks.FindWebhookEndpoint(c.UserContext(), who.PartyKind, who.PartyID, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(endpointReply{hideSecret(e)})
}

// patchWebhook serves PATCH /v1/webhooks/{id}: the fields sent change.
func (s *Server) patchWebhook(c *fiber.Ctx) error {
	var edit buycard.WebhookEndpointEdit
	if err := decodeJSON(c, &edit); err != nil {
		return err
	}
	e, err := s.editWebhook(c, &edit)
	if err != nil {
		return err
	}
	return c.JSON(endpointReply{hideSecret(e)})
}

// editWebhook applies edit to the caller's endpoint of the route; the
// console's Enable and Disable buttons run it too.
func (s *Server) editWebhook(c *fiber.Ctx, edit *buycard.WebhookEndpointEdit) (*buycard.WebhookEndpoint, error) {
	return s.updateWebhook(c, func(e *buycard.WebhookEndpoint) error { return edit.Apply(e, s.Production, s.Now()) })
}

// postRotateSecret serves POST /v1/webhooks/{id}/rotate-secret: a new
// secret, shown this once; the old one signs too for
// buycard.WebhookSecretOverlap, while the receiver switches.
func (s *Server) postRotateSecret(c *fiber.Ctx) error {
	e, err := s.rotateSecret(c)
	if err != nil {
		return err
	}
	return c.JSON(endpointReply{e})
}

// rotateSecret gives the caller's endpoint of the route a new secret and
// returns it, secret and all; the console's Rotate button runs it too.
func (s *Server) rotateSecret(c *fiber.Ctx) (*buycard.WebhookEndpoint, error) {
	return s.updateWebhook(c, func(e *buycard.WebhookEndpoint) error {
		until := s.Now().Add(buycard.WebhookSecretOverlap)
		e.PreviousSecret, e.PreviousSecretExpiresAt, e.Secret = e.Secret, &until, webhooks.NewSecret()
		return nil
	})
}

// updateWebhook applies edit to the caller's endpoint of the route and
// returns it, its secret included.
func (s *Server) updateWebhook(c *fiber.Ctx, edit func(*buycard.WebhookEndpoint) error) (*buycard.WebhookEndpoint, error) {
	who := callerOf(c)
	return s.Webhooks.UpdateWebhookEndpoint(c.UserContext(), who.PartyKind, who.PartyID, c.Params("id"), edit)
}

// deleteWebhook serves DELETE /v1/webhooks/{id}: the endpoint and its
// deliveries go; nothing more is sent to it.
func (s *Server) deleteWebhook(c *fiber.Ctx) error {
	if err := s.removeWebhook(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// removeWebhook deletes the caller's endpoint of the route; the
// console's Delete button runs it too.
func (s *Server) removeWebhook(c *fiber.Ctx) error {
	who := callerOf(c)
	return s.Webhooks.DeleteWebhookEndpoint(c.UserContext(), who.PartyKind, who.PartyID, c.Params("id"))
}

// getDeliveries serves GET /v1/webhooks/{id}/deliveries?limit=N: the
// endpoint's deliveries, newest first.
func (s *Server) getDeliveries(c *fiber.Ctx) error {
	limit := defaultDeliveryPage
	if q := c.Query("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 500 {
			return buycard.Errorf(buycard.EINVALID, "limit must be a whole number from 1 to 500.")
		}
		limit = n
	}
	who := callerOf(c)
	list, err := s.Webhooks.WebhookDeliveries(c.UserContext(), who.PartyKind, who.PartyID, c.Params("id"), limit)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"deliveries": list})
}

// postTestEvent serves POST /v1/webhooks/{id}/test: a test event, sent to
// this endpoint alone.
func (s *Server) postTestEvent(c *fiber.Ctx) error {
	d, err := s.sendTestEvent(c)
	return deliveryReply(c, d, err)
}

// sendTestEvent sends a test event to the caller's endpoint of the route;
// the console's Send test event button runs it too.
func (s *Server) sendTestEvent(c *fiber.Ctx) (*buycard.WebhookDelivery, error) {
	who := callerOf(c)
	return s.Webhooks.SendTestEvent(c.UserContext(), who.PartyKind, who.PartyID, c.Params("id"))
}

// postResendDelivery serves POST /v1/webhooks/deliveries/{id}/resend:
// the delivery is sent again, with the same event id.
func (s *Server) postResendDelivery(c *fiber.Ctx) error {
	d, err := s.resendDelivery(c)
	return deliveryReply(c, d, err)
}

// resendDelivery sends the caller's delivery of the route again; the
// console's Resend button runs it too.
func (s *Server) resendDelivery(c *fiber.Ctx) (*buycard.WebhookDelivery, error) {
	who := callerOf(c)
	return s.Webhooks.ResendWebhookDelivery(c.UserContext(), who.PartyKind, who.PartyID, c.Params("id"))
}

// deliveryReply answers a delivery sent: 202 and the delivery, or err.
func deliveryReply(c *fiber.Ctx, d *buycard.WebhookDelivery, err error) error {
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"delivery": d})
}
