package storefront

import (
	"net/url"
	"slices"
	"strings"

	"github.com/buycard/buycard"
)

// Names of the details step's form fields, which are also the query
// parameters the server hands the details page's prerender.
const (
	fieldEmail        = "email"
	fieldName         = "name"
	fieldPhone        = "phone"
	fieldLine1        = "line1"
	fieldLine2        = "line2"
	fieldCity         = "city"
	fieldRegion       = "region"
	fieldPostalCode   = "postal_code"
	fieldCountry      = "country"
	fieldRate         = "shipping_rate_id"
	FieldDiscountCode = "discount_code"
)

// Details is what the details step collects: who buys, where a physical
// order ships (to the buyer's name), the shipping option and the discount
// code. It outlives the pay step, so Change finds it as it was typed.
type Details struct {
	Email, Name, Phone                              string
	Line1, Line2, City, Region, PostalCode, Country string
	ShippingRateID, DiscountCode                    string
}

// DetailsFields are the details step's form field names, in page order.
var DetailsFields = []string{
	fieldEmail, fieldName, fieldPhone, fieldLine1, fieldLine2, fieldCity, fieldRegion, fieldPostalCode,
	fieldCountry, fieldRate, FieldDiscountCode,
}

// field returns the details' field name.
func (d *Details) field(name string) *string {
	switch name {
	case fieldEmail:
		return &d.Email
	case fieldName:
		return &d.Name
	case fieldPhone:
		return &d.Phone
	case fieldLine1:
		return &d.Line1
	case fieldLine2:
		return &d.Line2
	case fieldCity:
		return &d.City
	case fieldRegion:
		return &d.Region
	case fieldPostalCode:
		return &d.PostalCode
	case fieldCountry:
		return &d.Country
	case fieldRate:
		return &d.ShippingRateID
	case FieldDiscountCode:
		return &d.DiscountCode
	}
	return nil
}

// Set sets field name, ignoring names of no field.
func (d *Details) Set(name, value string) {
	if f := d.field(name); f != nil {
		*f = value
	}
}

// DetailsFrom reads the details fields of q.
func DetailsFrom(q url.Values) Details {
	var d Details
	for _, name := range DetailsFields {
		d.Set(name, q.Get(name))
	}
	return d
}

// Values are the details as the fields of a form, the empty ones left
// out.
func (d Details) Values() url.Values {
	q := url.Values{}
	for _, name := range DetailsFields {
		if v := *d.field(name); v != "" {
			q.Set(name, v)
		}
	}
	return q
}

// DetailsOf are the details an order was made with: its buyer, ship-to
// address and code. The shipping option is named, not identified, on the
// order: a quote finds it again (Quote.RateNamed).
func DetailsOf(o *buycard.Order) Details {
	var d Details
	if b := o.Buyer; b != nil {
		d.Email, d.Name, d.Phone = b.Email, b.Name, b.Phone
	}
	if a := o.ShipTo; a != nil {
		d.Line1, d.Line2, d.City, d.Region, d.PostalCode, d.Country = a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country
	}
	d.DiscountCode = o.DiscountCode
	return d
}

// Buyer is who the details say buys.
func (d Details) Buyer() *buycard.Buyer {
	return &buycard.Buyer{Email: d.Email, Name: d.Name, Phone: d.Phone}
}

// ShipTo is the address the details say a physical order ships to.
func (d Details) ShipTo() *buycard.Address {
	return &buycard.Address{
		Name: d.Name, Line1: d.Line1, Line2: d.Line2, City: d.City, Region: d.Region,
		PostalCode: d.PostalCode, Country: d.Country,
	}
}

// addressComplete reports whether the address has what a quote needs to
// price shipping and tax to it (see CheckAddress); the server checks it
// whole.
func (d Details) addressComplete() bool {
	return d.Name != "" && d.Country != "" && d.CheckAddress(buycard.OfferCheckout{Kind: buycard.ProductPhysical, ShipCountries: []string{d.Country}}, "") == nil
}

// Request is the checkout request of the details for choice (token,
// variant and quantity) of an offer whose checkout is c: with the code
// in the code field, the shipping option, and the address of a physical
// offer once it is complete, so that shipping and tax can be priced;
// with the buyer when order, which makes the order.
func (d Details) Request(choice CheckoutRequest, c buycard.OfferCheckout, order bool) CheckoutRequest {
	r := choice
	r.DiscountCode, r.ShippingRateID = strings.TrimSpace(d.DiscountCode), d.ShippingRateID
	if c.Kind == buycard.ProductPhysical && (order || d.addressComplete()) {
		r.ShipTo = d.ShipTo()
	}
	if order {
		r.Buyer = d.Buyer()
	}
	return r
}

// FieldError is a details field the shopper must fix, with what to fix.
type FieldError struct {
	Field, Message string
}

// Check checks the details for an offer before the order is made: the
// buyer, and a physical product's address in a country it ships to and
// its shipping option (which a quote for the address chooses first). The
// server checks again, and prices; this names the field at fault, so
// the step ties its message to that field. Nil when nothing is wrong.
func (d Details) Check(c buycard.OfferCheckout, lang string) *FieldError {
	if e := d.checkBuyer(c.AskPhone, lang); e != nil {
		return e
	}
	if e := d.CheckAddress(c, lang); e != nil {
		return e
	}
	if c.Kind == buycard.ProductPhysical && d.ShippingRateID == "" {
		return &FieldError{fieldRate, tr(lang, msgChooseShippingOption)}
	}
	return nil
}

func (d Details) checkBuyer(askPhone bool, lang string) *FieldError {
	if strings.TrimSpace(d.Email) == "" {
		return &FieldError{fieldEmail, tr(lang, msgEnterEmail)}
	}
	if _, err := buycard.NormalizeEmail(d.Email); err != nil {
		return &FieldError{fieldEmail, tr(lang, msgEnterValidEmail)}
	}
	if err := buycard.PersonNameText.Check(d.Name); err != nil {
		return &FieldError{fieldName, localizedMessage(err, lang)}
	}
	if strings.TrimSpace(d.Name) == "" {
		return &FieldError{fieldName, tr(lang, msgEnterName)}
	}
	switch {
	case strings.TrimSpace(d.Phone) == "" && askPhone:
		return &FieldError{fieldPhone, tr(lang, msgEnterPhone)}
	case strings.TrimSpace(d.Phone) == "":
		return nil
	}
	if _, err := buycard.NormalizePhone(d.Phone); err != nil {
		return &FieldError{fieldPhone, tr(lang, msgEnterValidPhone)}
	}
	return nil
}

// CheckAddress checks the address of a physical offer, as Check does,
// before shipping is priced, in page order, the postal code against its
// country's format too (buycard.PostalCodeFits). The country's name in
// the message is the browser's (countryName): the domain's table of
// countries stays out of the WASM, some 13 KB of its size budget.
func (d Details) CheckAddress(c buycard.OfferCheckout, lang string) *FieldError {
	if c.Kind != buycard.ProductPhysical {
		return nil
	}
	for _, f := range []struct {
		name, value string
		text        buycard.TextField
		empty       Message
	}{
		{fieldLine1, d.Line1, buycard.AddressLineText, msgEnterLine1},
		{fieldLine2, d.Line2, buycard.AddressLineText, -1},
		{fieldCity, d.City, buycard.CityText, msgEnterCity},
	} {
		if err := f.text.Check(f.value); err != nil {
			return &FieldError{f.name, localizedMessage(err, lang)}
		}
		if f.empty >= 0 && strings.TrimSpace(f.value) == "" {
			return &FieldError{f.name, tr(lang, f.empty)}
		}
	}
	// As Address.Normalize has them: trimmed and upper-case.
	country, region, postalCode := upperTrimmed(d.Country), upperTrimmed(d.Region), upperTrimmed(d.PostalCode)
	if !slices.Contains(c.ShipCountries, country) {
		return &FieldError{fieldCountry, tr(lang, msgChooseShipping)}
	}
	if _, listed := buycard.Regions[country]; listed && !buycard.ValidRegion(country, region) {
		return &FieldError{fieldRegion, tr(lang, msgChooseRegion)}
	}
	if err := buycard.PostalCodeText.Check(d.PostalCode); err != nil {
		return &FieldError{fieldPostalCode, localizedMessage(err, lang)}
	}
	if example, ok := buycard.PostalCodeFits(country, postalCode); !ok {
		return &FieldError{fieldPostalCode, tr(lang, msgEnterPostalCode, countryName(country, lang), example)}
	}
	return nil
}

func upperTrimmed(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
