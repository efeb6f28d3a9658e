package buycard_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

func TestAddressNormalize(t *testing.T) {
	valid := func(edit func(a *buycard.Address)) buycard.Address {
		a := buycard.Address{Name: "Ada Lovelace", Line1: "1 Main St", City: "New York", Region: "ny", PostalCode: "10001", Country: "us"}
		edit(&a)
		return a
	}
	tests := []struct {
		name string
		addr buycard.Address
		want string
	}{
		{"ok", valid(func(*buycard.Address) {}), ""},
		{"zip+4", valid(func(a *buycard.Address) { a.PostalCode = "10001-1234" }), ""},
		{"canada", valid(func(a *buycard.Address) { a.Country, a.Region, a.PostalCode = "CA", "qc", "h2x 1y4" }), ""},
		{"no region list, no postal code", valid(func(a *buycard.Address) { a.Country, a.Region, a.PostalCode = "IE", "Co. Dublin", "" }), ""},
		{"japan", valid(func(a *buycard.Address) { a.Country, a.Region, a.PostalCode = "JP", "Tokyo", "100-0001" }), ""},
		{"no name", valid(func(a *buycard.Address) { a.Name = " " }), "Enter the name to ship to."},
		{"no street", valid(func(a *buycard.Address) { a.Line1 = "" }), "Enter the street address."},
		{"no city", valid(func(a *buycard.Address) { a.City = "" }), "Enter the city."},
		{"unknown country", valid(func(a *buycard.Address) { a.Country = "XX" }), "Choose a country from the list."},
		{"country name", valid(func(a *buycard.Address) { a.Country = "USA" }), "Choose a country from the list."},
		{"unknown state", valid(func(a *buycard.Address) { a.Region = "Manhattan" }), "Choose a state or province of United States."},
		{"bad zip", valid(func(a *buycard.Address) { a.PostalCode = "1000" }), "Enter a postal code of United States, such as 12345 or 12345-6789."},
		{"bad postcode", valid(func(a *buycard.Address) { a.Country, a.Region, a.PostalCode = "GB", "", "12345" }), "Enter a postal code of United Kingdom, such as SW1A 1AA."},
		{"postal code characters", valid(func(a *buycard.Address) { a.Country, a.Region, a.PostalCode = "NL", "", "1011<b>" }), "A postal code has letters, digits, spaces and hyphens only."},
		{"control character", valid(func(a *buycard.Address) { a.Line2 = "Apt\n4" }), "The address must not contain control characters or text direction controls."},
		{"too long", valid(func(a *buycard.Address) { a.City = strings.Repeat("é", 81) }), "The city must be at most 80 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.addr.Normalize()
			if tt.want != "" {
				wantInvalid(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestBuyerNormalize(t *testing.T) {
	tests := []struct {
		name     string
		buyer    buycard.Buyer
		askPhone bool
		want     buycard.Buyer
		err      string
	}{
		{"ok", buycard.Buyer{Email: " Ada@Example.COM ", Name: " Ada "}, false, buycard.Buyer{Email: "ada@example.com", Name: "Ada"}, ""},
		{"phone formatted", buycard.Buyer{Email: "a@b.co", Name: "A", Phone: "+1 (212) 555-0100"}, true,
			buycard.Buyer{Email: "a@b.co", Name: "A", Phone: "+12125550100"}, ""},
		{"national phone", buycard.Buyer{Email: "a@b.co", Name: "A", Phone: "03.12.34.56.78"}, false,
			buycard.Buyer{Email: "a@b.co", Name: "A", Phone: "0312345678"}, ""},
		{"bad email", buycard.Buyer{Email: "ada@", Name: "A"}, false, buycard.Buyer{}, "Enter a valid email address."},
		{"no name", buycard.Buyer{Email: "a@b.co"}, false, buycard.Buyer{}, "Enter your name."},
		{"phone asked", buycard.Buyer{Email: "a@b.co", Name: "A", Phone: " "}, true, buycard.Buyer{}, "Enter a phone number."},
		{"phone letters", buycard.Buyer{Email: "a@b.co", Name: "A", Phone: "+1 CALL NOW"}, false, buycard.Buyer{},
			"Enter a phone number of 6 to 15 digits, such as +1 212 555 0100."},
		{"phone too long", buycard.Buyer{Email: "a@b.co", Name: "A", Phone: "+1234567890123456"}, false, buycard.Buyer{},
			"Enter a phone number of 6 to 15 digits, such as +1 212 555 0100."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.buyer.Normalize(tt.askPhone)
			if tt.err != "" {
				wantInvalid(t, err, tt.err)
				return
			}
			if err != nil || tt.buyer != tt.want {
				t.Errorf("Normalize = %+v, %v; want %+v", tt.buyer, err, tt.want)
			}
		})
	}
}

func TestCountries(t *testing.T) {
	if len(buycard.Countries) != 249 {
		t.Errorf("%d countries, want ISO 3166-1's 249", len(buycard.Countries))
	}
	for i, c := range buycard.Countries {
		if i > 0 && buycard.Countries[i-1].Code >= c.Code {
			t.Errorf("countries not sorted at %s", c.Code)
		}
	}
	for country, regions := range buycard.Regions {
		for i := 1; i < len(regions); i++ {
			if regions[i-1].Code >= regions[i].Code {
				t.Errorf("regions of %s not sorted at %s", country, regions[i].Code)
			}
		}
	}
	if !buycard.ValidCountry("US") || buycard.ValidCountry("us") || buycard.CountryName("GB") != "United Kingdom" {
		t.Error("country lookups")
	}
	if !buycard.ValidRegion("US", "NY") || buycard.ValidRegion("FR", "NY") || !buycard.ValidRegion("CA", "QC") {
		t.Error("region lookups")
	}
}

// TestAddressLines: an address on a label, its empty parts left out (as
// after a buyer's erasure).
func TestAddressLines(t *testing.T) {
	a := &buycard.Address{Name: "Ada Lovelace", Line1: "1 Main St", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"}
	want := []string{"Ada Lovelace", "1 Main St", "Springfield IL 62701", buycard.CountryName("US")}
	if got := a.Lines(); !slices.Equal(got, want) {
		t.Errorf("lines = %q, want %q", got, want)
	}
	a.Line2, a.Region = "Apt 2", ""
	if got := a.Lines(); got[2] != "Apt 2" || got[3] != "Springfield 62701" {
		t.Errorf("lines = %q", got)
	}
	erased := &buycard.Address{Region: "IL", Country: "US"}
	if got := erased.Lines(); !slices.Equal(got, []string{"IL", buycard.CountryName("US")}) {
		t.Errorf("erased address lines = %q", got)
	}
}
