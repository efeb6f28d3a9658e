package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// Merchant routes (issue 6): a merchant's products and widgets, for its
// signed-in users (with the CSRF header) and its API keys. Every route
// acts on the caller's own objects only: another merchant's ids answer
// 404 exactly like unknown ones, so they reveal nothing.

// merchantRoutes registers /v1/products and /v1/widgets; none without an
// AuthService.
func (s *Server) merchantRoutes(v1 fiber.Router) {
	if s.Auth == nil {
		return
	}
	p := v1.Group("/products", s.authenticate, s.requireMerchant)
	p.Get("/", s.getProducts)
	p.Post("/", s.postProduct)
	p.Get("/:id", s.getProduct)
	p.Patch("/:id", s.patchProduct)
	p.Post("/:id/archive", s.postArchiveProduct)
	p.Post("/:id/images", s.postProductImage)
	w := v1.Group("/widgets", s.authenticate, s.requireMerchant)
	w.Get("/", s.getWidgets)
	w.Post("/", s.postWidget)
	w.Get("/:id", s.getWidget)
	w.Patch("/:id", s.patchWidget)
}

// requireMerchant lets through callers acting for a merchant only.
func (s *Server) requireMerchant(c *fiber.Ctx) error {
	who := callerOf(c)
	switch {
	case who == nil:
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Sign in or send an API key.")
	case who.PartyKind != buycard.PartyMerchant || who.PartyID == "":
		return buycard.Errorf(buycard.EFORBIDDEN, "This needs a merchant account.")
	}
	return c.Next()
}

// ownProduct returns the caller's product of the :id parameter.
func (s *Server) ownProduct(c *fiber.Ctx) (*buycard.Product, error) {
	p, err := s.Catalog.FindProduct(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	return p, ownedBy(c, buycard.PartyMerchant, p.MerchantID)
}

// getProducts serves GET /v1/products: the caller's products.
func (s *Server) getProducts(c *fiber.Ctx) error {
	ps, err := s.Catalog.ListProducts(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"products": nonNilList(ps)})
}

// postProduct serves POST /v1/products: a new product of the caller.
func (s *Server) postProduct(c *fiber.Ctx) error {
	var edit buycard.ProductEdit
	if err := decodeJSON(c, &edit); err != nil {
		return err
	}
	p, err := s.createProduct(c, &edit)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// createProduct makes the caller's product of edit; the console's
// new-product form runs it too.
func (s *Server) createProduct(c *fiber.Ctx, edit *buycard.ProductEdit) (*buycard.Product, error) {
	p := edit.NewProduct(callerOf(c).PartyID, s.Now())
	return p, s.Catalog.CreateProduct(c.UserContext(), p)
}

// getProduct serves GET /v1/products/{id}.
func (s *Server) getProduct(c *fiber.Ctx) error {
	p, err := s.ownProduct(c)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// patchProduct serves PATCH /v1/products/{id}: edits the product; the
// currency cannot change.
func (s *Server) patchProduct(c *fiber.Ctx) error {
	p, err := s.ownProduct(c)
	if err != nil {
		return err
	}
	// The image merges into the stored one: {"alt": …} keeps the picture.
	edit := buycard.ProductEdit{Image: new(p.Image)}
	if err := decodeJSON(c, &edit); err != nil {
		return err
	}
	next, err := s.editProduct(c, p, &edit)
	if err != nil {
		return err
	}
	return c.JSON(next)
}

// editProduct applies edit to the stored product p and saves it; the
// console's product form runs it too.
func (s *Server) editProduct(c *fiber.Ctx, p *buycard.Product, edit *buycard.ProductEdit) (*buycard.Product, error) {
	next, err := edit.Apply(p)
	if err != nil {
		return nil, err
	}
	if err := s.Catalog.UpdateProduct(c.UserContext(), next); err != nil {
		return nil, err
	}
	return next, nil
}

// postArchiveProduct serves POST /v1/products/{id}/archive: its cards can
// no longer be bought.
func (s *Server) postArchiveProduct(c *fiber.Ctx) error {
	p, err := s.archiveProduct(c)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// archiveProduct archives the caller's product of the route and returns
// it; the console's Archive button runs it too.
func (s *Server) archiveProduct(c *fiber.Ctx) (*buycard.Product, error) {
	p, err := s.ownProduct(c)
	if err != nil {
		return nil, err
	}
	if err := s.Catalog.ArchiveProduct(c.UserContext(), p.MerchantID, p.ID, s.Now()); err != nil {
		return nil, err
	}
	return s.Catalog.FindProduct(c.UserContext(), p.ID)
}

// ownWidget returns the caller's widget of the :id parameter.
func (s *Server) ownWidget(c *fiber.Ctx) (*buycard.Widget, error) {
	w, err := s.Catalog.FindWidget(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	return w, ownedBy(c, buycard.PartyMerchant, w.MerchantID)
}

// getWidgets serves GET /v1/widgets: the caller's widgets.
func (s *Server) getWidgets(c *fiber.Ctx) error {
	ws, err := s.Catalog.ListWidgets(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"widgets": nonNilList(ws)})
}

// postWidget serves POST /v1/widgets: a new widget for one of the
// caller's products.
func (s *Server) postWidget(c *fiber.Ctx) error {
	var edit buycard.WidgetEdit
	if err := decodeJSON(c, &edit); err != nil {
		return err
	}
	w, err := s.createWidget(c, &edit)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(w)
}

// createWidget makes the widget edit describes for the caller's merchant;
// the console's new-widget form runs it too.
func (s *Server) createWidget(c *fiber.Ctx, edit *buycard.WidgetEdit) (*buycard.Widget, error) {
	w := edit.NewWidget(callerOf(c).PartyID, s.Now())
	// Another merchant's product reads as unknown.
	if p, err := s.Catalog.FindProduct(c.UserContext(), w.ProductID); err != nil || p.MerchantID != w.MerchantID {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Product %q not found.", w.ProductID)
	}
	if err := s.Catalog.CreateWidget(c.UserContext(), w); err != nil {
		return nil, err
	}
	return w, nil
}

// getWidget serves GET /v1/widgets/{id}.
func (s *Server) getWidget(c *fiber.Ctx) error {
	w, err := s.ownWidget(c)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

// patchWidget serves PATCH /v1/widgets/{id}: edits the widget's label,
// publisher share, allowed domains, checkout mode and card design.
func (s *Server) patchWidget(c *fiber.Ctx) error {
	w, err := s.ownWidget(c)
	if err != nil {
		return err
	}
	var edit buycard.WidgetEdit
	if err := decodeJSON(c, &edit); err != nil {
		return err
	}
	next, err := s.editWidget(c, w, &edit)
	if err != nil {
		return err
	}
	return c.JSON(next)
}

// editWidget applies edit to the stored widget w and saves it; the
// console's designer form runs it too.
func (s *Server) editWidget(c *fiber.Ctx, w *buycard.Widget, edit *buycard.WidgetEdit) (*buycard.Widget, error) {
	next, err := edit.Apply(w)
	if err != nil {
		return nil, err
	}
	if err := s.Catalog.UpdateWidget(c.UserContext(), next); err != nil {
		return nil, err
	}
	return next, nil
}

// nonNilList is list, or an empty list for nil, so JSON shows [].
func nonNilList[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
