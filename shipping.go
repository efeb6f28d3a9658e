package buycard

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// ShippingRateKind says how a shipping rate is charged.
type ShippingRateKind string

const (
	// ShipFlat charges Amount once per order.
	ShipFlat ShippingRateKind = "flat"
	// ShipPerItem charges Amount for each unit ordered.
	ShipPerItem ShippingRateKind = "per_item"
)

// The fields of shipping zones.
var (
	ShippingZoneNameText = TextField{Name: "The zone name", MaxLength: 100}
	ShippingRateNameText = TextField{Name: "The shipping rate name", MaxLength: 100}
)

// Limits of a shipping zone.
const (
	MaxRatesPerZone = 20
)

// ShippingZone is a set of countries a merchant ships to, with the rates
// a shopper there can choose from. A country may be in several zones:
// the shopper sees the rates of all of them.
type ShippingZone struct {
	ID         string         `json:"id"` // "shz_…"
	MerchantID string         `json:"merchant_id"`
	Name       string         `json:"name"`
	Countries  []string       `json:"countries"` // ISO 3166-1 alpha-2, sorted
	Rates      []ShippingRate `json:"rates"`
	CreatedAt  time.Time      `json:"created_at"`
}

// ShippingRate is one way of shipping to a zone, in one currency: an
// order in another currency does not see it.
type ShippingRate struct {
	ID       string           `json:"id"` // "shr_…"
	Name     string           `json:"name"`
	Currency string           `json:"currency"`
	Kind     ShippingRateKind `json:"kind"`
	Amount   int64            `json:"amount"` // minor units, ≥ 0
	// FreeOver makes the rate free for orders whose subtotal (after
	// discount) is at least this amount; 0 never.
	FreeOver int64 `json:"free_over"`
}

// Normalize sorts and upper-cases the zone's countries, dropping
// duplicates, trims the names, and validates the zone. Errors: EINVALID.
func (z *ShippingZone) Normalize() error {
	z.Name = strings.TrimSpace(z.Name)
	countries := make([]string, len(z.Countries))
	for i, c := range z.Countries {
		countries[i] = strings.ToUpper(strings.TrimSpace(c))
	}
	slices.Sort(countries)
	z.Countries = slices.Compact(countries)
	z.Rates = slices.Clone(z.Rates)
	for i := range z.Rates {
		z.Rates[i].Name = strings.TrimSpace(z.Rates[i].Name)
	}
	return z.Validate()
}

// Validate checks a normalized zone. Errors: EINVALID.
func (z *ShippingZone) Validate() error {
	if err := ShippingZoneNameText.Check(z.Name); err != nil {
		return err
	}
	switch {
	case z.Name == "":
		return Errorf(EINVALID, "The zone needs a name.")
	case len(z.Countries) == 0:
		return Errorf(EINVALID, "The zone needs at least one country.")
	case len(z.Countries) > len(Countries):
		return Errorf(EINVALID, "The zone lists more countries than there are.")
	case len(z.Rates) == 0 || len(z.Rates) > MaxRatesPerZone:
		return Errorf(EINVALID, "A zone has between 1 and %d shipping rates.", MaxRatesPerZone)
	}
	for _, c := range z.Countries {
		if !ValidCountry(c) {
			return Errorf(EINVALID, "%q is not a country code (ISO 3166-1 alpha-2, such as US or FR).", c)
		}
	}
	for _, r := range z.Rates {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a rate. Errors: EINVALID.
func (r *ShippingRate) Validate() error {
	if err := ShippingRateNameText.Check(r.Name); err != nil {
		return err
	}
	switch {
	case r.Name == "":
		return Errorf(EINVALID, "A shipping rate needs a name, such as Standard.")
	case !ValidCurrency(r.Currency):
		return Errorf(EINVALID, "Shipping rate %q: currency %q is not supported.", r.Name, r.Currency)
	case r.Kind != ShipFlat && r.Kind != ShipPerItem:
		return Errorf(EINVALID, "Shipping rate %q: the kind must be flat or per_item.", r.Name)
	}
	for _, a := range []int64{r.Amount, r.FreeOver} {
		switch {
		case a < 0 || a > MaxAmount(r.Currency):
			return Errorf(EINVALID, "Shipping rate %q: amounts are between 0 and %s.",
				r.Name, Money{Amount: MaxAmount(r.Currency), Currency: r.Currency}.Format("en"))
		case a%MinorUnitStep(r.Currency) != 0:
			return Errorf(EINVALID, "Shipping rate %q: %s amounts must end in 0.", r.Name, r.Currency)
		}
	}
	return nil
}

// ShippingOption is a shipping rate priced for one order, as the checkout
// offers it.
type ShippingOption struct {
	RateID string `json:"rate_id"`
	Name   string `json:"name"`
	Amount Money  `json:"amount"`
}

// ShippingZones are a merchant's zones.
type ShippingZones []*ShippingZone

// Options are the shipping options of an order of quantity units to
// country in currency, whose subtotal (after discount) is subtotal: every
// rate in currency of the zones listing the country, priced, cheapest
// first (ties by name, then id). A rate whose price would be more than
// one payment can take is left out. None when the merchant does not ship
// there.
func (zones ShippingZones) Options(country, currency string, subtotal int64, quantity int) []ShippingOption {
	var opts []ShippingOption
	for _, z := range zones {
		if _, ok := slices.BinarySearch(z.Countries, country); !ok {
			continue
		}
		for _, r := range z.Rates {
			if r.Currency != currency {
				continue
			}
			if price, ok := r.price(subtotal, quantity); ok {
				opts = append(opts, ShippingOption{RateID: r.ID, Name: r.Name, Amount: Money{Amount: price, Currency: currency}})
			}
		}
	}
	slices.SortFunc(opts, func(a, b ShippingOption) int {
		return cmp.Or(cmp.Compare(a.Amount.Amount, b.Amount.Amount), strings.Compare(a.Name, b.Name), strings.Compare(a.RateID, b.RateID))
	})
	return opts
}

// Countries are the countries zones ship to in currency: those of the
// zones with a rate in it, sorted.
func (zones ShippingZones) Countries(currency string) []string {
	countries := []string{}
	for _, z := range zones {
		if slices.ContainsFunc(z.Rates, func(r ShippingRate) bool { return r.Currency == currency }) {
			countries = append(countries, z.Countries...)
		}
	}
	slices.Sort(countries)
	return slices.Compact(countries)
}

// price is what r charges an order of quantity units with subtotal, and
// false when that is more than one payment can take.
func (r *ShippingRate) price(subtotal int64, quantity int) (int64, bool) {
	switch {
	case r.FreeOver > 0 && subtotal >= r.FreeOver:
		return 0, true
	case r.Kind == ShipFlat:
		return r.Amount, true
	}
	m, err := Money{Amount: r.Amount, Currency: r.Currency}.Times(int64(quantity))
	return m.Amount, err == nil
}
