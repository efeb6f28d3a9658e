package buycard

import "slices"

// Checkout pricing. One function prices a checkout, Card.Quote: the quote
// the shopper sees while filling in the checkout (read-only) and the order
// the store creates (Card.Order, in CreateOrder's transaction) are the same
// computation on the same inputs, so the total shown is the total charged.
// The shopper never sends an amount, only choices: a variant, a quantity,
// an address, a shipping rate id and a code.
//
//  1. Subtotal: the variant's price times the quantity.
//  2. Discount: what the code takes off the subtotal (DiscountCode.Apply).
//  3. Shipping, for a physical product with an address: the options of
//     the merchant's zones listing the address's country, in the order's
//     currency, priced on the subtotal after discount (ShippingZones.Options);
//     the one the shopper chose.
//  4. Tax (TaxRateList.Quote): on the goods after discount and on
//     shipping, at the rate of the ship-to address; a product that does not
//     ship is taxed at the rate of the merchant's origin country, where it
//     is sold from, and untaxed until the merchant sets one.

// Pricing is what the store holds that prices a checkout, read in the
// transaction that prices it: the merchant's settings, shipping zones and
// tax rates, and the code the shopper typed.
type Pricing struct {
	// Settings are the merchant's; nil prices as NewMerchantSettings.
	Settings *MerchantSettings
	Zones    ShippingZones
	TaxRates TaxRateList
	// Code is the merchant's code NewOrder.DiscountCode names, nil for
	// none; a NewOrder naming a code the store did not find is refused
	// with ErrUnknownDiscountCode.
	Code *DiscountCode
	// CodeOwner is the placement owning Code, nil when it has none.
	CodeOwner *CodeOwner
}

// CodeOwner is the placement that owns a discount code, as an order using
// the code credits it: the order's publisher share goes to the placement's
// publisher, whichever card the shopper bought through, because the
// shopper typed that publisher's code on purpose. The share is the
// merchant's contract with that publisher when there is one, else the one
// of the widget the placement carries: what the merchant offered that
// publisher for the sales it brings.
type CodeOwner struct {
	PlacementID string
	PublisherID string
	// WidgetShareBPS is the publisher share of the placement's widget.
	WidgetShareBPS int
}

// CheckoutQuote is a checkout priced: the price, the shipping options for
// the address (none without one, or for a product that does not ship),
// and the rate priced in, "" for none.
type CheckoutQuote struct {
	Price           OrderPrice
	Currency        string
	ShippingOptions []ShippingOption
	ShippingRateID  string
}

// Total is what the shopper would pay.
func (q *CheckoutQuote) Total() Money { return Money{Amount: q.Price.Charge(), Currency: q.Currency} }

// Quote prices the checkout n describes with n.Pricing, as far as the
// shopper has filled it in: without an address a physical product has no
// shipping or tax yet, and without a chosen rate the cheapest option is
// priced. Nothing is held or counted: limits that need the store (stock,
// the code's uses per buyer) are checked when the order is created.
// Errors: as CheckClaims, EINVALID (variant, quantity, address, shipping
// rate, a code that does not apply), ENOTFOUND (ErrUnknownDiscountCode),
// ECONFLICT (a code ended or used up).
func (c *Card) Quote(n NewOrder) (*CheckoutQuote, error) {
	if err := c.CheckClaims(n.Claims); err != nil {
		return nil, err
	}
	_, subtotal, err := c.subtotal(n)
	if err != nil {
		return nil, err
	}
	var to *Address
	if n.ShipTo != nil {
		a := *n.ShipTo
		if err := c.Product.checkShipTo(&a); err != nil {
			return nil, err
		}
		to = &a
	}
	return c.price(n, subtotal, to, false)
}

// subtotal returns the variant n buys and the price of its quantity.
// Errors: EINVALID (variant, quantity), ECONFLICT (sold out).
func (c *Card) subtotal(n NewOrder) (*Variant, Money, error) {
	p := &c.Product
	v := p.Variant(n.VariantID)
	if v == nil {
		return nil, Money{}, Errorf(EINVALID, "Choose one of the listed options.")
	}
	if err := ValidateQuantity(n.Quantity, p.MaxPerOrder); err != nil {
		return nil, Money{}, err
	}
	subtotal, err := Money{Amount: v.Price, Currency: p.Currency}.Times(int64(n.Quantity))
	return v, subtotal, err
}

// checkShipTo normalizes an address to ship p to. Errors: EINVALID (the
// address; p does not ship).
func (p *Product) checkShipTo(a *Address) error {
	if p.Kind != ProductPhysical {
		return Errorf(EINVALID, "This product is not shipped: it needs no address.")
	}
	return a.Normalize()
}

// price prices n, whose goods cost subtotal, shipped to the normalized
// address to (nil for none); mustChoose requires n.ShippingRateID among
// the options, where a quote prices the cheapest.
func (c *Card) price(n NewOrder, subtotal Money, to *Address, mustChoose bool) (*CheckoutQuote, error) {
	settings := n.Pricing.Settings
	if settings == nil {
		settings = NewMerchantSettings(c.Merchant.ID)
	}
	q := &CheckoutQuote{Currency: subtotal.Currency, Price: OrderPrice{
		Subtotal: subtotal.Amount, TaxInclusive: settings.PricesIncludeTax && settings.TaxMode != TaxNone,
	}}
	if err := c.discount(n, subtotal, &q.Price); err != nil {
		return nil, err
	}
	if c.Product.Kind == ProductPhysical && to != nil {
		if err := c.ship(n, *to, mustChoose, q); err != nil {
			return nil, err
		}
	}
	if taxAt := c.taxAddress(settings, to); taxAt != nil {
		p := &q.Price
		t := n.Pricing.TaxRates.Quote(settings, *taxAt, q.Currency, p.Subtotal-p.Discount, p.Shipping, n.Sandbox)
		p.Tax, p.TaxOnShipping = t.Tax, t.OnShipping
	}
	return q, q.Price.Validate(q.Currency)
}

// discount prices the code n names into p.
func (c *Card) discount(n NewOrder, subtotal Money, p *OrderPrice) error {
	code := n.Pricing.Code
	switch {
	case n.DiscountCode == "":
		return nil
	case code == nil:
		return ErrUnknownDiscountCode
	}
	off, err := code.Apply(subtotal, c.Product.ID, c.Widget.ID, n.Now)
	if err != nil {
		return &RefusedCode{Err: err}
	}
	p.Discount, p.DiscountCode = off, code.Code
	return nil
}

// ship prices the shipping to to into q: the options, and the one n
// chose (the cheapest when it chose none and !mustChoose). Errors:
// EINVALID (the merchant does not ship there, a rate that is not an
// option).
func (c *Card) ship(n NewOrder, to Address, mustChoose bool, q *CheckoutQuote) error {
	p := &q.Price
	q.ShippingOptions = n.Pricing.Zones.Options(to.Country, q.Currency, p.Subtotal-p.Discount, n.Quantity)
	if len(q.ShippingOptions) == 0 {
		return Errorf(EINVALID, "%s doesn't ship to %s.", c.sellerName(n.Pricing.Settings), CountryCode(to.Country))
	}
	i := slices.IndexFunc(q.ShippingOptions, func(o ShippingOption) bool { return o.RateID == n.ShippingRateID })
	switch {
	case i < 0 && (mustChoose || n.ShippingRateID != ""):
		return Errorf(EINVALID, "Choose one of the shipping options for %s.", CountryCode(to.Country))
	case i < 0:
		i = 0
	}
	opt := q.ShippingOptions[i]
	q.ShippingRateID, p.Shipping, p.ShippingRateName = opt.RateID, opt.Amount.Amount, opt.Name
	return nil
}

// taxAddress is where the order is taxed: the ship-to address of a
// physical product (nil until known), the merchant's origin country for
// other products (nil until set).
func (c *Card) taxAddress(settings *MerchantSettings, to *Address) *Address {
	switch {
	case c.Product.Kind == ProductPhysical:
		return to
	case settings.OriginCountry != "":
		return &Address{Country: settings.OriginCountry}
	}
	return nil
}

// sellerName is the name shoppers know the merchant by: its business
// name, else its name.
func (c *Card) sellerName(settings *MerchantSettings) string {
	if settings != nil && settings.BusinessName != "" {
		return settings.BusinessName
	}
	return c.Merchant.Name
}
