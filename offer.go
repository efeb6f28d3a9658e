package buycard

import "time"

// Offer is what the checkout overlay shows and lets the shopper choose
// from: a card seen from the buyer's side. The server builds it from a Card
// and a fresh placement token; the overlay uses it, prerendered and then in
// the WASM, to show product, variant and quantity pickers and the total.
type Offer struct {
	WidgetID     string         `json:"widget_id"`
	Token        string         `json:"token"`
	Merchant     string         `json:"merchant"`
	Title        string         `json:"title"`
	Description  string         `json:"description"`
	Image        Image          `json:"image"`
	Currency     string         `json:"currency"`
	OptionName   string         `json:"option_name,omitempty"`
	Variants     []OfferVariant `json:"variants"`
	MaxQuantity  int            `json:"max_quantity"`
	Availability Availability   `json:"availability"`
	// HeldUntil is when the first hold ends, when the offer is Held: the
	// time to check back.
	HeldUntil *time.Time `json:"held_until,omitempty"`
	CTA       string     `json:"cta"`
	// Checkout is what the checkout asks the shopper for, and who sells.
	Checkout OfferCheckout `json:"checkout"`
	// Design is the widget's design, which the checkout wears.
	Design Design `json:"design"`
}

// OfferCheckout is what an offer's checkout asks for besides variant and
// quantity: a phone when the merchant asks for one, an address in one of
// ShipCountries for a physical product; and the seller the shopper deals
// with.
type OfferCheckout struct {
	Kind     ProductKind `json:"kind"`
	AskPhone bool        `json:"ask_phone"`
	// ShipCountries are the countries a physical product ships to: those
	// of the merchant's zones with a rate in the offer's currency,
	// sorted; none for other kinds.
	ShipCountries    []string    `json:"ship_countries"`
	PricesIncludeTax bool        `json:"prices_include_tax"`
	Seller           OfferSeller `json:"seller"`
}

// OfferSeller is the merchant as the checkout presents it: the business
// name (the merchant's name until it sets one), where to write, and its
// refund policy.
type OfferSeller struct {
	Name         string `json:"name"`
	SupportEmail string `json:"support_email,omitempty"`
	RefundPolicy string `json:"refund_policy,omitempty"`
}

// NewOfferCheckout is the checkout of card's offer, with its merchant's
// settings and shipping zones.
func NewOfferCheckout(card *Card, settings *MerchantSettings, zones ShippingZones) OfferCheckout {
	kind := card.Product.Kind
	if kind == "" {
		kind = ProductService
	}
	oc := OfferCheckout{
		Kind: kind, AskPhone: settings.AskPhone, ShipCountries: []string{},
		PricesIncludeTax: settings.PricesIncludeTax && settings.TaxMode != TaxNone,
		Seller:           OfferSeller{Name: card.sellerName(settings), SupportEmail: settings.SupportEmail, RefundPolicy: settings.RefundPolicy},
	}
	if kind == ProductPhysical {
		oc.ShipCountries = zones.Countries(card.Product.Currency)
	}
	return oc
}

// OfferVariant is a variant as the shopper sees it. Available is capped at
// the product's per-order maximum so stock levels are not disclosed.
type OfferVariant struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Price     int64  `json:"price"`
	Available int    `json:"available"`
}

// NewOffer builds the offer for card, carrying token.
func NewOffer(card *Card, token string) *Offer {
	p := &card.Product
	o := &Offer{
		WidgetID:     card.Widget.ID,
		Token:        token,
		Merchant:     card.Merchant.Name,
		Title:        p.Title,
		Description:  p.Description,
		Image:        p.Image,
		Currency:     p.Currency,
		OptionName:   p.OptionName,
		MaxQuantity:  p.MaxPerOrder,
		Availability: card.Availability(),
		CTA:          card.Widget.CTA,
		Design:       card.Widget.Design(),
	}
	if o.Availability == Held {
		o.HeldUntil = p.HeldUntil()
	}
	for _, v := range p.Variants {
		available := min(v.Stock, p.MaxPerOrder)
		if v.Unlimited {
			available = p.MaxPerOrder
		}
		if p.LicenseKeysFree != nil {
			available = max(0, min(available, *p.LicenseKeysFree))
		}
		o.Variants = append(o.Variants, OfferVariant{
			ID: v.ID, Name: v.Name, Price: v.Price, Available: available,
		})
	}
	return o
}

// DefaultVariant is the first variant in stock, or the first variant.
func (o *Offer) DefaultVariant() *OfferVariant {
	for i := range o.Variants {
		if o.Variants[i].Available > 0 {
			return &o.Variants[i]
		}
	}
	if len(o.Variants) == 0 {
		return nil
	}
	return &o.Variants[0]
}

// Variant returns the variant with id, or nil.
func (o *Offer) Variant(id string) *OfferVariant {
	for i := range o.Variants {
		if o.Variants[i].ID == id {
			return &o.Variants[i]
		}
	}
	return nil
}

// Total is the price of quantity units of variantID. Errors: EINVALID for
// an unknown variant or a quantity outside 1..available.
func (o *Offer) Total(variantID string, quantity int) (Money, error) {
	v := o.Variant(variantID)
	if v == nil {
		return Money{}, Errorf(EINVALID, "Choose one of the listed options.")
	}
	if err := ValidateQuantity(quantity, v.Available); err != nil {
		return Money{}, err
	}
	return Money{Amount: v.Price, Currency: o.Currency}.Times(int64(quantity))
}

// ValidateQuantity checks that quantity is within 1..max. Errors: EINVALID.
func ValidateQuantity(quantity, max int) error {
	switch {
	case max < 1:
		return Errorf(ECONFLICT, "This option is sold out.")
	case quantity < 1:
		return Errorf(EINVALID, "Quantity must be at least 1.")
	case quantity > max:
		return Errorf(EINVALID, "You can buy at most %d at a time.", max)
	}
	return nil
}
