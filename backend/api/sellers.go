package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// Seller routes (issue 14): what a merchant configures for the sale after
// the payment — its settings (/v1/merchant/settings), shipping zones with
// their rates (/v1/shipping-zones) and tax rates (/v1/tax-rates). Like
// the other merchant routes they act on the caller's own rows only:
// another merchant's ids answer 404 like unknown ones.

// sellerRoutes registers the seller routes; none without an AuthService
// or a SellerService.
func (s *Server) sellerRoutes(v1 fiber.Router) {
	if s.Auth == nil || s.Sellers == nil {
		return
	}
	v1.Get("/merchant/settings", s.authenticate, s.requireMerchant, s.getMerchantSettings)
	v1.Patch("/merchant/settings", s.authenticate, s.requireMerchant, s.patchMerchantSettings)
	z := v1.Group("/shipping-zones", s.authenticate, s.requireMerchant)
	z.Get("/", s.getShippingZones)
	z.Post("/", s.postShippingZone)
	z.Get("/:id", s.getShippingZone)
	z.Put("/:id", s.putShippingZone)
	z.Delete("/:id", s.deleteShippingZone)
	r := v1.Group("/tax-rates", s.authenticate, s.requireMerchant)
	r.Get("/", s.getTaxRates)
	r.Post("/", s.postTaxRate)
	r.Put("/:id", s.putTaxRate)
	r.Delete("/:id", s.deleteTaxRate)
}

// getMerchantSettings serves GET /v1/merchant/settings.
func (s *Server) getMerchantSettings(c *fiber.Ctx) error {
	set, err := s.Sellers.MerchantSettings(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return err
	}
	return c.JSON(set)
}

// patchMerchantSettings serves PATCH /v1/merchant/settings: the body is a
// buycard.MerchantSettingsEdit.
func (s *Server) patchMerchantSettings(c *fiber.Ctx) error {
	var edit buycard.MerchantSettingsEdit
	if err := decodeJSON(c, &edit); err != nil {
		return err
	}
	next, err := s.editMerchantSettings(c, &edit)
	if err != nil {
		return err
	}
	return c.JSON(next)
}

// editMerchantSettings applies edit to the caller's settings and saves
// them; the console's settings form runs it too.
func (s *Server) editMerchantSettings(c *fiber.Ctx, edit *buycard.MerchantSettingsEdit) (*buycard.MerchantSettings, error) {
	set, err := s.Sellers.MerchantSettings(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return nil, err
	}
	next, err := edit.Apply(set)
	if err != nil {
		return nil, err
	}
	if err := s.Sellers.SaveMerchantSettings(c.UserContext(), next); err != nil {
		return nil, err
	}
	return next, nil
}

// shippingZoneBody is the body of POST and PUT /v1/shipping-zones: the
// whole zone, its rates replacing the stored ones (their ids, when sent,
// are ignored: every save names the rates anew).
type shippingZoneBody struct {
	Name      string                 `json:"name"`
	Countries []string               `json:"countries"`
	Rates     []buycard.ShippingRate `json:"rates"`
}

// zone returns the zone the body describes, of the caller.
func (b *shippingZoneBody) zone(c *fiber.Ctx, id string) *buycard.ShippingZone {
	return &buycard.ShippingZone{ID: id, MerchantID: callerOf(c).PartyID, Name: b.Name, Countries: b.Countries, Rates: b.Rates}
}

// getShippingZones serves GET /v1/shipping-zones: the caller's zones.
func (s *Server) getShippingZones(c *fiber.Ctx) error {
	zones, err := s.Sellers.ShippingZones(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"shipping_zones": nonNilList(zones)})
}

// getShippingZone serves GET /v1/shipping-zones/{id}.
func (s *Server) getShippingZone(c *fiber.Ctx) error {
	zones, err := s.Sellers.ShippingZones(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return err
	}
	for _, z := range zones {
		if z.ID == c.Params("id") {
			return c.JSON(z)
		}
	}
	return buycard.Errorf(buycard.ENOTFOUND, "Shipping zone %q not found.", c.Params("id"))
}

// postShippingZone serves POST /v1/shipping-zones: a new zone of the
// caller.
func (s *Server) postShippingZone(c *fiber.Ctx) error {
	var body shippingZoneBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	z := body.zone(c, "")
	if err := s.Sellers.CreateShippingZone(c.UserContext(), z); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(z)
}

// putShippingZone serves PUT /v1/shipping-zones/{id}: replaces the zone.
func (s *Server) putShippingZone(c *fiber.Ctx) error {
	var body shippingZoneBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	z := body.zone(c, c.Params("id"))
	if err := s.Sellers.UpdateShippingZone(c.UserContext(), z); err != nil {
		return err
	}
	return c.JSON(z)
}

// deleteShippingZone serves DELETE /v1/shipping-zones/{id}.
func (s *Server) deleteShippingZone(c *fiber.Ctx) error {
	if err := s.Sellers.DeleteShippingZone(c.UserContext(), callerOf(c).PartyID, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// taxRateBody is the body of POST and PUT /v1/tax-rates.
type taxRateBody struct {
	Country string `json:"country"`
	Region  string `json:"region"`
	RatePPM int64  `json:"rate_ppm"`
}

// getTaxRates serves GET /v1/tax-rates: the caller's rates.
func (s *Server) getTaxRates(c *fiber.Ctx) error {
	rates, err := s.Sellers.TaxRates(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tax_rates": nonNilList(rates)})
}

// postTaxRate serves POST /v1/tax-rates: a new rate of the caller.
func (s *Server) postTaxRate(c *fiber.Ctx) error {
	r, err := s.taxRateOf(c, "")
	if err != nil {
		return err
	}
	if err := s.Sellers.CreateTaxRate(c.UserContext(), r); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

// putTaxRate serves PUT /v1/tax-rates/{id}: replaces the rate.
func (s *Server) putTaxRate(c *fiber.Ctx) error {
	r, err := s.taxRateOf(c, c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.Sellers.UpdateTaxRate(c.UserContext(), r); err != nil {
		return err
	}
	return c.JSON(r)
}

// taxRateOf decodes the body as the caller's rate id.
func (s *Server) taxRateOf(c *fiber.Ctx, id string) (*buycard.TaxRate, error) {
	var body taxRateBody
	if err := decodeJSON(c, &body); err != nil {
		return nil, err
	}
	return &buycard.TaxRate{ID: id, MerchantID: callerOf(c).PartyID, Country: body.Country, Region: body.Region, RatePPM: body.RatePPM}, nil
}

// deleteTaxRate serves DELETE /v1/tax-rates/{id}.
func (s *Server) deleteTaxRate(c *fiber.Ctx) error {
	if err := s.Sellers.DeleteTaxRate(c.UserContext(), callerOf(c).PartyID, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
