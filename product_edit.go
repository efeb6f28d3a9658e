package buycard

import "slices"

// Edited returns the product stored after the merchant's edit of it: the
// editable fields (title, description, image, option name, max per order)
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
	if next.CheckoutMode == "" {
		next.CheckoutMode = CheckoutOverlay
	}
	next.ThemeColor, next.CornerRadius = edit.ThemeColor, edit.CornerRadius
	next.ColorScheme, next.Layout, next.Locale = edit.ColorScheme, edit.Layout, edit.Locale
	next.SetDesignDefaults()
	return &next
}
