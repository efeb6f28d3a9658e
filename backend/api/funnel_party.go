package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// Funnels per party (issue 6): a merchant reads the funnels of its own
// widgets, a publisher those of its own placements; the operator and
// admins read any. Another party's widget or placement answers 404, as
// an unknown one does.

// scopeFunnel narrows q to the caller's party after checking that the
// widget and placement it names are the caller's. q must be valid, with
// a scope filled in when the caller has one.
func (s *Server) scopeFunnel(c *fiber.Ctx, q *buycard.FunnelQuery) error {
	if isAdmin(c) {
		if q.WidgetID == "" {
			return buycard.Errorf(buycard.EINVALID, "widget is required.")
		}
		return nil
	}
	who := callerOf(c)
	if who == nil {
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Sign in or send an API key.")
	}
	ctx := c.UserContext()
	switch who.PartyKind {
	case buycard.PartyMerchant:
		q.MerchantID = who.PartyID
		if q.WidgetID != "" {
			w, err := s.Catalog.FindWidget(ctx, q.WidgetID)
			if err != nil || w.MerchantID != who.PartyID {
				return buycard.Errorf(buycard.ENOTFOUND, "No widget %s.", q.WidgetID)
			}
		}
		if q.PlacementID != "" {
			found, err := s.Publishers.FindPlacements(ctx, []string{q.PlacementID})
			if err != nil {
				return err
			}
			p := found[q.PlacementID]
			if p == nil {
				return buycard.Errorf(buycard.ENOTFOUND, "No placement %s.", q.PlacementID)
			}
			// The placement is of one of the merchant's widgets.
			if w, err := s.Catalog.FindWidget(ctx, p.WidgetID); err != nil || w.MerchantID != who.PartyID {
				return buycard.Errorf(buycard.ENOTFOUND, "No placement %s.", q.PlacementID)
			}
		}
	case buycard.PartyPublisher:
		q.PublisherID = who.PartyID
		if q.WidgetID != "" {
			if _, err := s.Catalog.FindWidget(ctx, q.WidgetID); err != nil {
				return buycard.Errorf(buycard.ENOTFOUND, "No widget %s.", q.WidgetID)
			}
		}
		if q.PlacementID != "" {
			found, err := s.Publishers.FindPlacements(ctx, []string{q.PlacementID})
			if err != nil {
				return err
			}
			if p := found[q.PlacementID]; p == nil || p.PublisherID != who.PartyID {
				return buycard.Errorf(buycard.ENOTFOUND, "No placement %s.", q.PlacementID)
			}
		}
	default:
		return buycard.Errorf(buycard.EFORBIDDEN, "This needs a merchant, publisher or admin account.")
	}
	return nil
}

// getFunnelBreakdown serves GET
// /v1/analytics/funnel/breakdown?by=widget|placement[&widget&placement]
// [&from&to]: one row per widget or placement of the caller's funnel,
// with its total and conversion rates. The operator and admins name a
// widget.
func (s *Server) getFunnelBreakdown(c *fiber.Ctx) error {
	by := c.Query("by")
	if err := buycard.ValidateBreakdown(by); err != nil {
		return err
	}
	q := s.funnelQuery(c)
	if err := q.ValidateRange(); err != nil {
		return err
	}
	if err := s.scopeFunnel(c, &q); err != nil {
		return err
	}
	rows, err := s.Funnels.FunnelBreakdown(c.UserContext(), q, by)
	if err != nil {
		return err
	}
	return c.JSON(buycard.FunnelBreakdown{FunnelQuery: q, By: by, Rows: nonNilList(rows)})
}
