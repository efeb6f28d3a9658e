package buycard

// OrderPrice is how an order's total is made up, in minor units of the
// order's currency, computed once when the order is created and stored
// on it. An order without discount, shipping or tax is priced as it
// always was: Subtotal is its total.
//
//	Total = Subtotal − Discount + Shipping + Tax (Tax only when exclusive)
//
// The commission base (CommissionBase) is the goods after discount, net
// of tax: the platform fee and the publisher's share are computed on it,
// so they are known before payment, and shipping and tax go to the
// merchant, the merchant of record.
type OrderPrice struct {
	// Subtotal is the unit price times the quantity, as listed.
	Subtotal int64 `json:"subtotal"`
	// Discount is what a discount code took off the subtotal.
	Discount int64 `json:"discount,omitempty"`
	// Shipping is the shipping charge, as listed (tax included when
	// TaxInclusive).
	Shipping int64 `json:"shipping,omitempty"`
	// Tax is all the tax of the order, TaxOnShipping the part of it due
	// on shipping.
	Tax           int64 `json:"tax,omitempty"`
	TaxOnShipping int64 `json:"tax_on_shipping,omitempty"`
	// TaxInclusive says the listed prices and the shipping charge
	// already contain Tax, which the total then does not add.
	TaxInclusive bool `json:"tax_inclusive,omitempty"`
	// DiscountCode and ShippingRateName are the code and the shipping
	// option the shopper chose, as they read when the order was created.
	DiscountCode     string `json:"discount_code,omitempty"`
	ShippingRateName string `json:"shipping_rate_name,omitempty"`
}

// DiscountCodeText bounds the code an order's price snapshots (its
// shipping rate's name is bounded by ShippingRateNameText).
var DiscountCodeText = TextField{Name: "The discount code", MaxLength: MaxDiscountCodeLength}

// Charge is what the shopper pays, the order's Total: the subtotal less
// the discount, plus shipping and, unless the prices include it, tax.
// Validate first: an unchecked price may overflow.
func (p OrderPrice) Charge() int64 {
	t := p.Subtotal - p.Discount + p.Shipping
	if !p.TaxInclusive {
		t += p.Tax
	}
	return t
}

// CommissionBase is the part of the total the platform fee and the
// publisher's share are computed on: the goods after discount, net of
// the tax they contain. Shipping and tax are the merchant's.
func (p OrderPrice) CommissionBase() int64 {
	base := p.Subtotal - p.Discount
	if p.TaxInclusive {
		base -= p.Tax - p.TaxOnShipping
	}
	return base
}

// ShippingNet is the part of the total that pays for shipping, net of
// the tax it contains: the total is CommissionBase + ShippingNet + Tax.
func (p OrderPrice) ShippingNet() int64 {
	if p.TaxInclusive {
		return p.Shipping - p.TaxOnShipping
	}
	return p.Shipping
}

// Validate checks p for an order in currency: every amount a
// non-negative multiple of the currency's minor-unit step, the discount
// at most the subtotal, the tax on shipping at most the tax (and, when
// prices include tax, at most the shipping charge, the rest of the tax
// at most the discounted goods), the names short one-line texts, and a
// positive total of at most MaxAmount. Errors: EINVALID.
func (p OrderPrice) Validate(currency string) error {
	if err := p.validateAmounts(currency); err != nil {
		return err
	}
	switch {
	case p.Discount > p.Subtotal:
		return Errorf(EINVALID, "The discount cannot be more than the subtotal.")
	case p.TaxOnShipping > p.Tax:
		return Errorf(EINVALID, "The tax on shipping cannot be more than the tax.")
	case p.TaxInclusive && (p.TaxOnShipping > p.Shipping || p.Tax-p.TaxOnShipping > p.Subtotal-p.Discount):
		return Errorf(EINVALID, "Tax included in prices cannot be more than the prices.")
	}
	if err := DiscountCodeText.Check(p.DiscountCode); err != nil {
		return err
	}
	if err := ShippingRateNameText.Check(p.ShippingRateName); err != nil {
		return err
	}
	if total := p.Charge(); total <= 0 || total > MaxAmount(currency) {
		return Errorf(EINVALID, "The total must be positive and at most %s, the most one payment can take.",
			Money{Amount: MaxAmount(currency), Currency: currency}.Format("en"))
	}
	return nil
}

// validateAmounts checks each amount on its own, which also keeps Total
// from overflowing: each is at most MaxAmount, far below int64's range.
func (p OrderPrice) validateAmounts(currency string) error {
	step, most := MinorUnitStep(currency), MaxAmount(currency)
	for _, a := range []int64{p.Subtotal, p.Discount, p.Shipping, p.Tax, p.TaxOnShipping} {
		if a < 0 || a > most || a%step != 0 {
			return Errorf(EINVALID, "Prices, discounts, shipping and tax must be non-negative multiples of %d, at most %s.",
				step, Money{Amount: most, Currency: currency}.Format("en"))
		}
	}
	return nil
}
