package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// Discount codes (discount.go at the root). A merchant's codes under
// /v1/discount-codes, with the placements it may give one to
// (/v1/widget-placements); a publisher's view of its placements' codes
// (/v1/placement-codes: what they take off and how often they were used,
// never by whom). Shoppers use codes in the checkout's quote and order
// (POST /v1/checkout/quote and /v1/checkout), where a code refused counts
// against the client's network like a failed sign-in (guardCode), so
// that codes cannot be guessed by trying many.

// Code guessing: a network's first codeGuessesFree wrong codes cost
// nothing, then each doubles the wait as a failed sign-in does
// (loginThrottle). A shopper mistyping a code never notices; a script
// trying codes gets a few an hour.
const (
	codeGuessesFree = 10
	codeGuessKey    = "buycard:codes:network:"
)

// discountRoutes registers the discount routes; the merchant's and the
// publisher's need Auth.
func (s *Server) discountRoutes(v1 fiber.Router) {
	if s.Discounts == nil {
		return
	}
	guesses := s.loginThrottle(codeGuessesFree)
	s.codeGuesses = &guesses
	if s.Auth == nil {
		return
	}
	merchant := []fiber.Handler{s.authenticate, s.requireMerchant}
	m := v1.Group("/discount-codes", merchant...)
	m.Get("/", s.getDiscountCodes)
	m.Post("/", s.postDiscountCode)
	m.Get("/:id", s.getDiscountCode)
	m.Patch("/:id", s.patchDiscountCode)
	m.Post("/:id/archive", s.postArchiveDiscountCode)
	v1.Get("/widget-placements", append(merchant, s.getWidgetPlacements)...)
	v1.Get("/placement-codes", s.authenticate, s.requirePublisher, s.getPlacementCodes)
}

// getDiscountCodes serves GET /v1/discount-codes: the caller's codes with
// their use counts.
func (s *Server) getDiscountCodes(c *fiber.Ctx) error {
	list, err := s.Discounts.ListDiscountCodes(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"discount_codes": list})
}

// postDiscountCode serves POST /v1/discount-codes: a new code of the
// caller.
func (s *Server) postDiscountCode(c *fiber.Ctx) error {
	var edit buycard.DiscountCodeEdit
	if err := decodeJSON(c, &edit); err != nil {
		return err
	}
	code, err := s.createDiscountCode(c, &edit)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(code)
}

// createDiscountCode makes the code edit describes for the caller's
// merchant; the console's new-code form runs it too.
func (s *Server) createDiscountCode(c *fiber.Ctx, edit *buycard.DiscountCodeEdit) (*buycard.DiscountCode, error) {
	code, err := edit.NewDiscountCode(callerOf(c).PartyID, s.Now())
	if err != nil {
		return nil, err
	}
	if err := s.Discounts.CreateDiscountCode(c.UserContext(), code); err != nil {
		return nil, err
	}
	return code, nil
}

// ownDiscountCode returns the caller's code of the :id parameter; another
// merchant's answers exactly like an unknown one.
func (s *Server) ownDiscountCode(c *fiber.Ctx) (*buycard.DiscountCode, error) {
	id := c.Params("id")
	code, err := s.Discounts.FindDiscountCode(c.UserContext(), id)
	switch {
	case err != nil && buycard.ErrorCode(err) != buycard.ENOTFOUND:
		return nil, err
	case err != nil || code.MerchantID != callerOf(c).PartyID:
		return nil, buycard.Errorf(buycard.ENOTFOUND, "No discount code %s.", id)
	}
	return code, nil
}

// getDiscountCode serves GET /v1/discount-codes/{id}.
func (s *Server) getDiscountCode(c *fiber.Ctx) error {
	code, err := s.ownDiscountCode(c)
	if err != nil {
		return err
	}
	return c.JSON(code)
}

// patchDiscountCode serves PATCH /v1/discount-codes/{id}: edits the code,
// its limits, window, products, widgets and placement.
func (s *Server) patchDiscountCode(c *fiber.Ctx) error {
	code, err := s.ownDiscountCode(c)
	if err != nil {
		return err
	}
	var edit buycard.DiscountCodeEdit
	if err := decodeJSON(c, &edit); err != nil {
		return err
	}
	next, err := s.editDiscountCode(c, code, &edit)
	if err != nil {
		return err
	}
	return c.JSON(next)
}

// editDiscountCode applies edit to the caller's code and saves it; the
// console's placement form runs it too.
func (s *Server) editDiscountCode(c *fiber.Ctx, code *buycard.DiscountCode, edit *buycard.DiscountCodeEdit) (*buycard.DiscountCode, error) {
	next, err := edit.Apply(code)
	if err != nil {
		return nil, err
	}
	return next, s.Discounts.UpdateDiscountCode(c.UserContext(), next)
}

// postArchiveDiscountCode serves POST /v1/discount-codes/{id}/archive:
// the code can no longer be used.
func (s *Server) postArchiveDiscountCode(c *fiber.Ctx) error {
	code, err := s.archiveDiscountCode(c)
	if err != nil {
		return err
	}
	return c.JSON(code)
}

// archiveDiscountCode archives the caller's code named by the path's id;
// the console's End button runs it too.
func (s *Server) archiveDiscountCode(c *fiber.Ctx) (*buycard.DiscountCode, error) {
	code, err := s.ownDiscountCode(c)
	if err != nil {
		return nil, err
	}
	return s.Discounts.ArchiveDiscountCode(c.UserContext(), code.MerchantID, code.ID, s.Now())
}

// getWidgetPlacements serves GET /v1/widget-placements: the placements
// that carry the caller's widgets, which it may give a code.
func (s *Server) getWidgetPlacements(c *fiber.Ctx) error {
	list, err := s.Discounts.MerchantPlacements(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"placements": list})
}

// getPlacementCodes serves GET /v1/placement-codes: the codes of the
// caller's placements.
func (s *Server) getPlacementCodes(c *fiber.Ctx) error {
	list, err := s.Discounts.PlacementCodes(c.UserContext(), publisherOf(c), s.Now())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"discount_codes": list})
}

// guardCode runs fn, the checkout or the quote of req, for the client's
// network: while it is throttled a req naming a code is answered 429
// before the code is looked at, and a code fn refuses (unknown to the
// card's merchant, whichever other merchant has it, or not usable here)
// counts against the network.
func guardCode[T any](s *Server, c *fiber.Ctx, req checkoutRequest, fn func(context.Context, checkoutRequest) (T, error)) (T, error) {
	if req.DiscountCode == "" || s.codeGuesses == nil {
		return fn(c.UserContext(), req)
	}
	key := codeGuessKey + s.clientIP(c)
	if wait := s.codeGuesses.RetryAfter(key); wait > 0 {
		s.Metrics.RateLimited(limitDiscountCode)
		var none T
		secs := int((wait + time.Second - 1) / time.Second)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		return none, tooMany("Too many discount codes tried from this network.", secs)
	}
	v, err := fn(c.UserContext(), req)
	if buycard.IsRefusedCode(err) {
		s.codeGuesses.Fail(key)
	}
	return v, err
}
