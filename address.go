package buycard

import (
	"regexp"
	"slices"
	"strings"
)

// The fields of a shopper's address and contact, checked like merchant
// text (TextField): they are shown to the merchant, printed on labels and
// exported as CSV.
var (
	PersonNameText   = TextField{Name: "The name", MaxLength: 100}
	AddressLineText  = TextField{Name: "The address", MaxLength: 120}
	CityText         = TextField{Name: "The city", MaxLength: 80}
	RegionText       = TextField{Name: "The region", MaxLength: 80}
	PostalCodeText   = TextField{Name: "The postal code", MaxLength: 16}
	PhoneNumberText  = TextField{Name: "The phone number", MaxLength: 32}
	postalCodeFormat = map[string]struct {
		pattern *regexp.Regexp
		example string
	}{
		"US": {regexp.MustCompile(`^[0-9]{5}(-[0-9]{4})?$`), "12345 or 12345-6789"},
		"CA": {regexp.MustCompile(`^[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]$`), "K1A 0B1"},
		"GB": {regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$`), "SW1A 1AA"},
		"DE": {regexp.MustCompile(`^[0-9]{5}$`), "10115"},
		"FR": {regexp.MustCompile(`^[0-9]{5}$`), "75001"},
		"JP": {regexp.MustCompile(`^[0-9]{3}-?[0-9]{4}$`), "100-0001"},
	}
	// postalCodeChars are the characters of any country's postal code.
	postalCodeChars = regexp.MustCompile(`^[A-Z0-9][A-Z0-9 -]*$`)
)

// Address is where a physical order ships. Country is an ISO 3166-1
// alpha-2 code; Region is a code of Regions for the countries that have a
// list (a US state, a Canadian province) and free text elsewhere.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country"`
}

// Normalize trims the fields, upper-cases the country, region and postal
// code, and validates the address: a name, a first line, a city and a
// known country are required; a country with Regions needs one of them;
// a few countries' postal codes are checked against their format (the
// ones Buycard's merchants ship to most), others only for their
// characters. Errors: EINVALID.
func (a *Address) Normalize() error {
	for _, f := range []*string{&a.Name, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country} {
		*f = strings.TrimSpace(*f)
	}
	a.Country, a.PostalCode = strings.ToUpper(a.Country), strings.ToUpper(a.PostalCode)
	if _, listed := Regions[a.Country]; listed {
		a.Region = strings.ToUpper(a.Region)
	}
	return a.Validate()
}

// Validate checks a normalized address (see Normalize). Errors: EINVALID.
func (a *Address) Validate() error {
	if err := a.validateText(); err != nil {
		return err
	}
	switch {
	case a.Name == "":
		return Errorf(EINVALID, "Enter the name to ship to.")
	case a.Line1 == "":
		return Errorf(EINVALID, "Enter the street address.")
	case a.City == "":
		return Errorf(EINVALID, "Enter the city.")
	case !ValidCountry(a.Country):
		return Errorf(EINVALID, "Choose a country from the list.")
	}
	if _, listed := Regions[a.Country]; listed && !ValidRegion(a.Country, a.Region) {
		return Errorf(EINVALID, "Choose a state or province of %s.", CountryCode(a.Country))
	}
	return a.validatePostalCode()
}

// validateText checks each field as text.
func (a *Address) validateText() error {
	for _, t := range []struct {
		field TextField
		text  string
	}{{PersonNameText, a.Name}, {AddressLineText, a.Line1}, {AddressLineText, a.Line2}, {CityText, a.City},
		{RegionText, a.Region}, {PostalCodeText, a.PostalCode}} {
		if err := t.field.Check(t.text); err != nil {
			return err
		}
	}
	return nil
}

// validatePostalCode checks the postal code against its country's format
// when Buycard knows it; any other country's is optional.
func (a *Address) validatePostalCode() error {
	if example, ok := PostalCodeFits(a.Country, a.PostalCode); !ok {
		return Errorf(EINVALID, "Enter a postal code of %s, such as %s.", CountryCode(a.Country), example)
	}
	if a.PostalCode != "" && !postalCodeChars.MatchString(a.PostalCode) {
		return Errorf(EINVALID, "A postal code has letters, digits, spaces and hyphens only.")
	}
	return nil
}

// PostalCodeFits reports whether the normalized postal code fits the
// format of country (an upper-case code) when Buycard knows that format,
// and else true; when it does not fit, example is one that would. The
// checkout asks it before pricing shipping, so the shopper's mistake is
// shown at the field, in the shopper's language.
func PostalCodeFits(country, code string) (example string, ok bool) {
	format, known := postalCodeFormat[country]
	if known && !format.pattern.MatchString(code) {
		return format.example, false
	}
	return "", true
}

// Lines is a as it goes on a label, one line per part that has text: the
// name, the street lines, "City Region PostalCode", the country's name.
func (a *Address) Lines() []string {
	city := strings.Join(slices.DeleteFunc([]string{a.City, a.Region, a.PostalCode}, func(s string) bool { return s == "" }), " ")
	return slices.DeleteFunc([]string{a.Name, a.Line1, a.Line2, city, CountryName(a.Country)}, func(s string) bool { return s == "" })
}

// Buyer is who pays for an order: the email the receipt goes to, a name,
// and a phone number when the merchant asks for one
// (MerchantSettings.AskPhone).
type Buyer struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
}

// Normalize normalizes and validates the buyer: the email as
// NormalizeEmail does, the name trimmed and required, the phone (required
// when askPhone) as NormalizePhone does. Errors: EINVALID.
func (b *Buyer) Normalize(askPhone bool) error {
	email, err := NormalizeEmail(b.Email)
	if err != nil {
		return err
	}
	b.Email, b.Name = email, strings.TrimSpace(b.Name)
	if err := PersonNameText.Check(b.Name); err != nil {
		return err
	}
	if b.Name == "" {
		return Errorf(EINVALID, "Enter your name.")
	}
	if strings.TrimSpace(b.Phone) == "" {
		b.Phone = ""
		if askPhone {
			return Errorf(EINVALID, "Enter a phone number.")
		}
		return nil
	}
	b.Phone, err = NormalizePhone(b.Phone)
	return err
}

// NormalizePhone returns a phone number in a loose E.164 form: the
// separators people type (spaces, dots, hyphens, parentheses) removed,
// an optional leading "+", then 6 to 15 digits. Numbers without a "+" stay
// national: Buycard does not guess the country code. Errors: EINVALID.
func NormalizePhone(s string) (string, error) {
	if err := PhoneNumberText.Check(s); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	digits := strings.Map(func(r rune) rune {
		switch {
		case '0' <= r && r <= '9':
			return r
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
			return -1
		}
		return 'x'
	}, strings.TrimPrefix(s, "+"))
	if strings.Contains(digits, "x") || len(digits) < 6 || len(digits) > 15 {
		return "", Errorf(EINVALID, "Enter a phone number of 6 to 15 digits, such as +1 212 555 0100.")
	}
	if plus {
		return "+" + digits, nil
	}
	return digits, nil
}
