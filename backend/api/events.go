package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// Events takes the loader's event batches; *analytics.Ingestor is one.
type Events interface {
	// Add ingests one request body received at now from a client with
	// this User-Agent on this network (Server.clientIP), which bounds
	// what the client can add. It fails with EINVALID for a malformed
	// body, which then counts nothing.
	Add(ctx context.Context, batch []byte, now time.Time, userAgent, network string) error
	// Entry counts a checkout opened from a link with this placement
	// token, which no loader reported: a view and a tap at once.
	Entry(ctx context.Context, token string, now time.Time, userAgent, network string)
}

// defaultFunnelDays is the range of a funnel query that names no dates:
// the last 30 UTC days, today included.
const defaultFunnelDays = 30

// analyticsRoutes are the loader's event beacon and the funnel queries;
// each is off while its service is nil. Funnels answer the operator (and
// admins) about any widget, a merchant about its own widgets and a
// publisher about its own placements (funnel_party.go).
func (s *Server) analyticsRoutes(v1 fiber.Router) {
	if s.Events != nil {
		v1.Post("/events", s.postEvents)
	}
	if s.Funnels != nil {
		v1.Get("/analytics/funnel", s.operatorOrCaller, s.getFunnel)
		v1.Get("/analytics/funnel/breakdown", s.operatorOrCaller, s.getFunnelBreakdown)
	}
}

// postEvents serves POST /v1/events, what navigator.sendBeacon sends: a
// text/plain body holding a JSON batch (docs/contracts.md). Any origin may
// send one; the answer is 204 unless the body is malformed.
func (s *Server) postEvents(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := s.Events.Add(c.UserContext(), c.Body(), s.Now(), c.Get(fiber.HeaderUserAgent), s.clientIP(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// getFunnel serves GET /v1/analytics/funnel?widget=…[&placement=…]
// [&from=YYYY-MM-DD&to=YYYY-MM-DD]: the days of the range with their
// counts, the total and its conversion rates. The widget is optional for
// merchants and publishers, whose funnel then sums all of theirs.
func (s *Server) getFunnel(c *fiber.Ctx) error {
	q := s.funnelQuery(c)
	if err := q.ValidateRange(); err != nil {
		return err
	}
	if err := s.scopeFunnel(c, &q); err != nil {
		return err
	}
	days, err := s.Funnels.FunnelDays(c.UserContext(), q)
	if err != nil {
		return err
	}
	return c.JSON(buycard.NewFunnel(q, days))
}

// funnelQuery reads the query string, defaulting to the last
// defaultFunnelDays days up to to.
func (s *Server) funnelQuery(c *fiber.Ctx) buycard.FunnelQuery {
	q := buycard.FunnelQuery{WidgetID: c.Query("widget"), PlacementID: c.Query("placement"), From: c.Query("from"), To: c.Query("to")}
	if q.To == "" {
		q.To = s.Now().UTC().Format(buycard.DayLayout)
	}
	if to, err := time.Parse(buycard.DayLayout, q.To); err == nil && q.From == "" {
		q.From = to.AddDate(0, 0, 1-defaultFunnelDays).Format(buycard.DayLayout)
	}
	return q
}
