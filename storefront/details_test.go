package storefront

import (
	"net/url"
	"testing"

	"github.com/buycard/buycard"
)

func TestDetailsCheck(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(*Details)
		kind       buycard.ProductKind
		wantField  string
		wantPrefix string
	}{
		{"ok", func(*Details) {}, buycard.ProductPhysical, "", ""},
		{"no email", func(d *Details) { d.Email = " " }, buycard.ProductPhysical, fieldEmail, "Enter your email address."},
		{"bad email", func(d *Details) { d.Email = "ada@" }, buycard.ProductPhysical, fieldEmail, ""},
		{"no name", func(d *Details) { d.Name = "" }, buycard.ProductPhysical, fieldName, "Enter your name."},
		{"no phone when asked", func(d *Details) { d.Phone = "" }, buycard.ProductPhysical, fieldPhone, "Enter a phone number."},
		{"bad phone", func(d *Details) { d.Phone = "call me" }, buycard.ProductPhysical, fieldPhone, ""},
		{"no street", func(d *Details) { d.Line1 = "" }, buycard.ProductPhysical, fieldLine1, "Enter the street address."},
		{"no city", func(d *Details) { d.City = "" }, buycard.ProductPhysical, fieldCity, "Enter the city."},
		{"country not shipped to", func(d *Details) { d.Country = "FR" }, buycard.ProductPhysical, fieldCountry, "Choose a country this shop ships to."},
		{"unknown country", func(d *Details) { d.Country = "ZZ" }, buycard.ProductPhysical, fieldCountry, ""},
		{"no state", func(d *Details) { d.Region = "" }, buycard.ProductPhysical, fieldRegion, "Choose a state or province."},
		{"no such state", func(d *Details) { d.Region = "ZZ" }, buycard.ProductPhysical, fieldRegion, "Choose a state or province."},
		{"postal code too long", func(d *Details) { d.PostalCode = "12345678901234567" }, buycard.ProductPhysical, fieldPostalCode, ""},
		{"postal code of another format", func(d *Details) { d.PostalCode = "ABC" }, buycard.ProductPhysical, fieldPostalCode,
			"Enter a postal code of United States, such as 12345 or 12345-6789."},
		{"ZIP+4, spaced", func(d *Details) { d.PostalCode = " 10001-0001 " }, buycard.ProductPhysical, "", ""},
		{"no shipping option", func(d *Details) { d.ShippingRateID = "" }, buycard.ProductPhysical, fieldRate, "Choose a shipping option."},
		{"digital needs no address", func(d *Details) { d.Line1, d.Country, d.ShippingRateID = "", "", "" }, buycard.ProductDigital, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := testDetails()
			tt.edit(&d)
			c := testPhysicalOffer().Checkout
			c.Kind = tt.kind
			e := d.Check(c, "en")
			switch {
			case tt.wantField == "" && e != nil:
				t.Fatalf("Check = %+v, want nil", e)
			case tt.wantField == "":
			case e == nil || e.Field != tt.wantField || e.Message == "":
				t.Fatalf("Check = %+v, want an error on %s", e, tt.wantField)
			case tt.wantPrefix != "" && e.Message != tt.wantPrefix:
				t.Errorf("message = %q, want %q", e.Message, tt.wantPrefix)
			}
		})
	}
}

func TestDetailsRequest(t *testing.T) {
	choice := CheckoutRequest{Token: "tok", VariantID: "var_a5", Quantity: 2}
	c := testPhysicalOffer().Checkout
	d := testDetails()
	r := d.Request(choice, c, true)
	if r.Buyer == nil || r.Buyer.Email != d.Email || r.ShipTo == nil || r.ShipTo.Name != "Ada Lovelace" ||
		r.ShipTo.Country != "US" || r.ShippingRateID != "shr_std" || r.DiscountCode != "SPRING25" || r.Token != "tok" {
		t.Errorf("order request = %+v", r)
	}
	d.City = ""
	if r := d.Request(choice, c, false); r.ShipTo != nil || r.Buyer != nil {
		t.Errorf("quote of an incomplete address = %+v, want no address and no buyer", r)
	}
	c.Kind = buycard.ProductDigital
	if r := testDetails().Request(choice, c, true); r.ShipTo != nil || r.Buyer == nil {
		t.Errorf("digital order request = %+v, want a buyer and no address", r)
	}
}

func TestDetailsValuesRoundTrip(t *testing.T) {
	d := testDetails()
	q := d.Values()
	q.Set("t", "not a detail")
	if got := DetailsFrom(q); got != d {
		t.Errorf("DetailsFrom(Values()) = %+v, want %+v", got, d)
	}
	if got := (Details{Email: "a@b.example"}).Values(); len(got) != 1 {
		t.Errorf("Values keeps empty fields: %v", got)
	}
	if got := DetailsFrom(url.Values{"email": {"x"}, "unknown": {"y"}}); got != (Details{Email: "x"}) {
		t.Errorf("DetailsFrom = %+v", got)
	}
}

func TestDetailsOfOrder(t *testing.T) {
	o := &buycard.Order{
		Buyer:      &buycard.Buyer{Email: "ada@example.com", Name: "Ada", Phone: "+12125550100"},
		ShipTo:     &buycard.Address{Name: "Ada", Line1: "1 Main St", City: "Springfield", Region: "NY", PostalCode: "10001", Country: "US"},
		OrderPrice: buycard.OrderPrice{DiscountCode: "SPRING25", ShippingRateName: "Standard"},
	}
	d := DetailsOf(o)
	if d.Email != "ada@example.com" || d.Phone != "+12125550100" || d.Line1 != "1 Main St" || d.Country != "US" ||
		d.DiscountCode != "SPRING25" || d.ShippingRateID != "" {
		t.Errorf("DetailsOf = %+v", d)
	}
	if d := DetailsOf(&buycard.Order{}); d != (Details{}) {
		t.Errorf("DetailsOf an order without buyer = %+v", d)
	}
}
