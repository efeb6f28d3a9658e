package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// Discount codes (discount.go at the root). A merchant's codes under
// /v1/discount-codes, with the placements it may give one to
// (/v1/widget-placements); a publisher's view of its placements' codes
// (/v1/placement-codes: what they take off and how often they were used,
// never by whom); and the shopper's check of a code in the checkout
// (POST /v1/checkout/discount), which is throttled per client network like
// sign-in, so that codes cannot be guessed by trying many.

// Code guessing: a network's first codeGuessesFree wrong codes cost
// nothing, then each doubles the wait as a failed sign-in does
// (loginThrottle). A shopper mistyping a code never notices; a script
// trying codes gets a few an hour.
const (
	codeGuessesFree = 10
	codeGuessKey    = "buycard:codes:network:"
)

// discounts is the store's DiscountService: Services.Discounts, or the
// Catalog when it implements it; nil turns the routes off.
func (s *Server) discounts() buycard.DiscountService {
	if s.Discounts != nil {
		return s.Discounts
	}
	d, _ := s.Catalog.(buycard.DiscountService)
	return d
}

// discountRoutes registers the discount routes; the merchant's and the
// publisher's need Auth.
func (s *Server) discountRoutes(v1 fiber.Router) {
	d := s.discounts()
	if d == nil {
		return
	}
	s.Discounts = d
	guesses := s.loginThrottle(codeGuessesFree)
	s.codeGuesses = &guesses
	v1.Post("/checkout/discount", s.postCheckoutDiscount)
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
	code, err := edit.NewDiscountCode(callerOf(c).PartyID, s.Now())
	if err != nil {
		return err
	}
	if err := s.Discounts.CreateDiscountCode(c.UserContext(), code); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(code)
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
	next, err := edit.Apply(code)
	if err != nil {
		return err
	}
	if err := s.Discounts.UpdateDiscountCode(c.UserContext(), next); err != nil {
		return err
	}
	return c.JSON(next)
}

// postArchiveDiscountCode serves POST /v1/discount-codes/{id}/archive:
// the code can no longer be used.
func (s *Server) postArchiveDiscountCode(c *fiber.Ctx) error {
	code, err := s.ownDiscountCode(c)
	if err != nil {
		return err
	}
	code, err = s.Discounts.ArchiveDiscountCode(c.UserContext(), code.MerchantID, code.ID, s.Now())
	if err != nil {
		return err
	}
	return c.JSON(code)
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

type discountCheckRequest struct {
	Token     string `json:"token"`
	VariantID string `json:"variant_id"`
	Quantity  int    `json:"quantity"`
	Code      string `json:"code"`
}

// discountCheckReply is what a code would take off a checkout.
type discountCheckReply struct {
	Code     string        `json:"code"`
	Subtotal buycard.Money `json:"subtotal"`
	Discount buycard.Money `json:"discount"`
	// Total is the subtotal less the discount, before shipping and tax.
	Total buycard.Money `json:"total"`
}

// postCheckoutDiscount serves POST /v1/checkout/discount: what the code
// would take off the checkout of a placement token, variant and quantity.
// It takes no use of the code (the order does, when it is created). A
// code the card's merchant does not have is not valid, whichever other
// merchant has it. Wrong codes count against the client's network; while
// it is throttled the answer is 429 before the code is looked at.
func (s *Server) postCheckoutDiscount(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	var req discountCheckRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	key := codeGuessKey + s.clientIP(c)
	if wait := s.codeGuesses.RetryAfter(key); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		return tooMany("Too many discount codes tried from this network.", secs)
	}
	now := s.Now()
	claims, err := s.Tokens.VerifyPlacement(req.Token, now)
	if err != nil {
		return err
	}
	card, err := s.Catalog.FindCard(c.UserContext(), claims.WidgetID)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND {
		return buycard.Errorf(buycard.ENOTFOUND, buycard.StaleCardMessage)
	}
	if err != nil {
		return err
	}
	// The order the checkout would make prices the goods, and checks the
	// variant and quantity as the checkout does.
	o, _, err := card.Order(buycard.NewOrder{Claims: claims, VariantID: req.VariantID, Quantity: req.Quantity, Now: now, ExpiresAt: now})
	if err != nil {
		return err
	}
	code, err := s.Discounts.LookupDiscountCode(c.UserContext(), card.Merchant.ID, req.Code)
	var off int64
	if err == nil {
		off, err = code.Apply(o.Total, o.ProductID, o.WidgetID, now)
	}
	if err != nil {
		if kind := buycard.ErrorCode(err); kind == buycard.ENOTFOUND || kind == buycard.EINVALID || kind == buycard.ECONFLICT {
			s.codeGuesses.Fail(key)
		}
		return err
	}
	cur := o.Total.Currency
	return c.JSON(discountCheckReply{Code: code.Code, Subtotal: o.Total,
		Discount: buycard.Money{Amount: off, Currency: cur}, Total: buycard.Money{Amount: o.Total.Amount - off, Currency: cur}})
}
