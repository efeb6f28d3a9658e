package buycard

import (
	"slices"
	"time"
)

// Edited returns the product stored after the merchant's edit of it: the
// editable fields (title, description, image, option name, max per order,
// kind unless edit's is empty)
// and the variants come from edit, everything else from p. A variant of
// edit with an id must be one of p's and is updated; one without an id is
// new (the store names it); p's variants missing from edit are returned as
// removed. A changed price bumps PriceVersion, so placement tokens naming
// the old prices are refused. Errors: EINVALID.
func (p *Product) Edited(edit *Product) (next *Product, removed []string, err error) {
	next = new(Product)
	*next = *p
	next.Title, next.Description, next.Image = edit.Title, edit.Description, edit.Image
	next.OptionName, next.MaxPerOrder = edit.OptionName, edit.MaxPerOrder
	if edit.Kind != "" {
		next.Kind = edit.Kind
	}
	next.Variants = slices.Clone(edit.Variants)
	kept := make(map[string]bool, len(edit.Variants))
	repriced := false
	for _, v := range edit.Variants {
		if v.ID == "" {
			continue
		}
		old := p.Variant(v.ID)
		if old == nil || kept[v.ID] {
			return nil, nil, Errorf(EINVALID, "Variant %q is not one of this product's, or is listed twice.", v.ID)
		}
		kept[v.ID] = true
		repriced = repriced || old.Price != v.Price
	}
	if repriced {
		next.PriceVersion++
	}
	if err := next.Validate(); err != nil {
		return nil, nil, err
	}
	for _, v := range p.Variants {
		if !kept[v.ID] {
			removed = append(removed, v.ID)
		}
	}
	return next, removed, nil
}

// Edited returns the widget stored after the merchant's edit of it: the
// button label, publisher share, allowed domains, checkout mode and design
// come from edit (an empty mode is CheckoutOverlay, an empty design the
// default, see SetDesignDefaults), everything else from w.
func (w *Widget) Edited(edit *Widget) *Widget {
	next := *w
	next.CTA, next.PublisherShareBPS = edit.CTA, edit.PublisherShareBPS
	next.AllowedDomains = slices.Clone(edit.AllowedDomains)
	if len(next.AllowedDomains) == 0 {
		next.AllowedDomains = nil
	}
	next.CheckoutMode, next.ClosedToPublishers = edit.CheckoutMode, edit.ClosedToPublishers
	next.ListedWithoutShare = edit.ListedWithoutShare
	if next.CheckoutMode == "" {
		next.CheckoutMode = CheckoutOverlay
	}
	next.ThemeColor, next.CornerRadius = edit.ThemeColor, edit.CornerRadius
	next.ColorScheme, next.Layout, next.Locale = edit.ColorScheme, edit.Layout, edit.Locale
	next.SetDesignDefaults()
	return &next
}

// ProductEdit is a merchant's edit of a product, the one shape it has on
// both sides of the HTTP boundary: the body of POST and PATCH
// /v1/products, which the API decodes and the console's forms send. A nil
// field (an absent one in JSON) leaves the value it edits; variants, when
// set, replace the list as Product.Edited describes.
type ProductEdit struct {
	Title       *string `json:"title,omitempty"`
	Description *string `json:"description,omitempty"`
	Image       *Image  `json:"image,omitempty"`
	// Currency names the currency of a new product; an edit may only
	// repeat the product's own.
	Currency    *string           `json:"currency,omitempty"`
	OptionName  *string           `json:"option_name,omitempty"`
	Variants    ListEdit[Variant] `json:"variants,omitzero"`
	MaxPerOrder *int              `json:"max_per_order,omitempty"`
	// Kind of a new product is ProductService when absent (the store
	// stores an empty kind as a service), what every client wrote before
	// kinds existed; the console's form starts new products as physical.
	Kind *ProductKind `json:"kind,omitempty"`
}

// NewProduct returns merchantID's new product the edit describes,
// created at now: at most 10 per order unless the edit says otherwise, and
// variants without ids (the store names them). The store validates it.
func (e *ProductEdit) NewProduct(merchantID string, now time.Time) *Product {
	p := &Product{MerchantID: merchantID, MaxPerOrder: 10, PriceVersion: 1, CreatedAt: now}
	set(&p.Currency, e.Currency)
	e.apply(p)
	for i := range p.Variants {
		p.Variants[i].ID = ""
	}
	return p
}

// Apply returns p after the edit, as Product.Edited stores it. Errors:
// EINVALID (another currency, an invalid field, a variant not p's).
func (e *ProductEdit) Apply(p *Product) (*Product, error) {
	if e.Currency != nil && *e.Currency != p.Currency {
		return nil, Errorf(EINVALID, "A product's currency cannot change.")
	}
	edit := *p
	e.apply(&edit)
	next, _, err := p.Edited(&edit)
	return next, err
}

// apply copies the edit's fields other than the currency into p.
func (e *ProductEdit) apply(p *Product) {
	set(&p.Title, e.Title)
	set(&p.Description, e.Description)
	set(&p.Image, e.Image)
	set(&p.OptionName, e.OptionName)
	e.Variants.apply(&p.Variants)
	set(&p.MaxPerOrder, e.MaxPerOrder)
	set(&p.Kind, e.Kind)
}
