package buycard

import "time"

// WidgetEdit is a merchant's edit of a widget, the one shape it has on
// both sides of the HTTP boundary: the body of POST and PATCH /v1/widgets,
// which the API decodes and the console's designer sends. A nil field (an
// absent one in JSON) leaves the value it edits; allowed_domains null
// means no domains, so any site may embed the widget.
type WidgetEdit struct {
	// ProductID names the product of a new widget; an edit may only repeat
	// the widget's own.
	ProductID          *string          `json:"product_id,omitempty"`
	CTA                *string          `json:"cta,omitempty"`
	PublisherShareBPS  *int             `json:"publisher_share_bps,omitempty"`
	AllowedDomains     ListEdit[string] `json:"allowed_domains,omitzero"`
	CheckoutMode       *string          `json:"checkout_mode,omitempty"`
	ClosedToPublishers *bool            `json:"closed_to_publishers,omitempty"`
	ListedWithoutShare *bool            `json:"listed_without_share,omitempty"`
	// ThemeColor "" is DefaultThemeColor, leaving the radius as it is.
	ThemeColor   *string `json:"theme_color,omitempty"`
	CornerRadius *int    `json:"corner_radius,omitempty"`
	ColorScheme  *string `json:"color_scheme,omitempty"`
	Layout       *string `json:"layout,omitempty"`
	Locale       *string `json:"locale,omitempty"`
}

// NewWidget returns merchantID's new widget the edit describes, created
// at now: the button label "Buy", the default design and no publisher
// share unless the edit says otherwise. The store validates it.
func (e *WidgetEdit) NewWidget(merchantID string, now time.Time) *Widget {
	w := &Widget{MerchantID: merchantID, CTA: "Buy", CreatedAt: now}
	w.SetDesignDefaults()
	if e.ProductID != nil {
		w.ProductID = *e.ProductID
	}
	e.apply(w)
	return w
}

// Apply returns w after the edit, normalised as Widget.Edited stores it
// and validated. Errors: EINVALID (another product, an invalid field).
func (e *WidgetEdit) Apply(w *Widget) (*Widget, error) {
	if e.ProductID != nil && *e.ProductID != w.ProductID {
		return nil, Errorf(EINVALID, "A widget's product cannot change.")
	}
	edit := *w
	e.apply(&edit)
	next := w.Edited(&edit)
	return next, next.Validate()
}

// apply copies the edit's fields other than the product into w.
func (e *WidgetEdit) apply(w *Widget) {
	set(&w.CTA, e.CTA)
	set(&w.PublisherShareBPS, e.PublisherShareBPS)
	e.AllowedDomains.apply(&w.AllowedDomains)
	set(&w.CheckoutMode, e.CheckoutMode)
	set(&w.ClosedToPublishers, e.ClosedToPublishers)
	set(&w.ListedWithoutShare, e.ListedWithoutShare)
	set(&w.ThemeColor, e.ThemeColor)
	if w.ThemeColor == "" {
		// An empty colour would reset the whole design, radius included.
		w.ThemeColor = DefaultThemeColor
	}
	set(&w.CornerRadius, e.CornerRadius)
	set(&w.ColorScheme, e.ColorScheme)
	set(&w.Layout, e.Layout)
	set(&w.Locale, e.Locale)
}
