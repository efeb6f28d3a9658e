package buycard

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
)

// PPM is one millionth: tax rates are parts per million, so that US local
// rates (8.875% = 88_750) are exact.
const PPM = 1_000_000

// MaxTaxRatePPM is the highest tax rate a merchant may set, 100%.
const MaxTaxRatePPM = PPM

// TaxRate is a merchant's tax rate for addresses in a country, or in one
// region of it (a US state, a Canadian province: a code of Regions). A
// region's rate replaces its country's rather than adding to it: the
// merchant enters the combined rate it charges there.
type TaxRate struct {
	ID         string `json:"id"` // "txr_…"
	MerchantID string `json:"merchant_id"`
	Country    string `json:"country"`
	Region     string `json:"region"` // "" for the whole country
	RatePPM    int64  `json:"rate_ppm"`
}

// Normalize upper-cases the country and region and validates the rate.
// Errors: EINVALID.
func (r *TaxRate) Normalize() error {
	r.Country = strings.ToUpper(strings.TrimSpace(r.Country))
	r.Region = strings.ToUpper(strings.TrimSpace(r.Region))
	return r.Validate()
}

// Validate checks a normalized rate. Errors: EINVALID.
func (r *TaxRate) Validate() error {
	_, listed := Regions[r.Country]
	switch {
	case !ValidCountry(r.Country):
		return Errorf(EINVALID, "Choose a country from the list.")
	case r.Region != "" && !listed:
		return Errorf(EINVALID, "Tax rates by region are for the United States and Canada; %s has one rate.", CountryName(r.Country))
	case r.Region != "" && !ValidRegion(r.Country, r.Region):
		return Errorf(EINVALID, "%q is not a state or province of %s.", r.Region, CountryName(r.Country))
	case r.RatePPM < 0 || r.RatePPM > MaxTaxRatePPM:
		return Errorf(EINVALID, "A tax rate is between 0%% and 100%%.")
	}
	return nil
}

// TaxRateList is a merchant's tax rates.
type TaxRateList []*TaxRate

// Sort orders the list by country, then region (the country's own rate
// first).
func (rates TaxRateList) Sort() {
	slices.SortFunc(rates, func(a, b *TaxRate) int {
		return cmp.Or(strings.Compare(a.Country, b.Country), strings.Compare(a.Region, b.Region))
	})
}

// Rate returns the rate, in parts per million, of an address: its
// region's when the merchant set one, else its country's, else 0.
func (rates TaxRateList) Rate(addr Address) int64 {
	var country int64
	for _, r := range rates {
		switch {
		case r.Country != addr.Country:
		case r.Region == "":
			country = r.RatePPM
		case r.Region == addr.Region:
			return r.RatePPM
		}
	}
	return country
}

// TaxFor is the tax on amount (minor units of currency) delivered to
// addr. With inclusive, amount already contains the tax, which is
// amount × rate / (1 + rate); otherwise the tax is amount × rate. Either
// is rounded half up to the currency's MinorUnitStep, once.
func (rates TaxRateList) TaxFor(addr Address, currency string, amount int64, inclusive bool) int64 {
	rate := rates.Rate(addr)
	if rate == 0 || amount <= 0 {
		return 0
	}
	den := uint64(PPM)
	if inclusive {
		den += uint64(rate)
	}
	return mulDivHalfUp(uint64(amount), uint64(rate), den, uint64(MinorUnitStep(currency)))
}

// mulDivHalfUp is a × b / den rounded half up to a multiple of step, in
// 128 bits so that no product overflows. The result is at most a when
// b ≤ den.
func mulDivHalfUp(a, b, den, step uint64) int64 {
	// q = floor((2ab + den·step) / (2·den·step)) steps.
	hi, lo := bits.Mul64(a, b)
	hi, lo = hi<<1|lo>>63, lo<<1
	unit := den * step
	var carry uint64
	lo, carry = bits.Add64(lo, unit, 0)
	hi += carry
	q, _ := bits.Div64(hi, lo, 2*unit)
	return int64(q * step)
}

// TaxQuote is the tax of an order: Tax in all, of which OnShipping is due
// on shipping.
type TaxQuote struct {
	Tax, OnShipping int64
}

// Quote is the tax of an order to addr in currency of goods (after
// discount) and shipping, with the merchant's settings: none unless
// settings.TaxMode is TaxRates, shipping taxed only with
// settings.TaxShipping. Goods and shipping are rounded each on its own, so
// that OnShipping is exact and refunds can unwind it. With TaxStripe the
// tax is Stripe's, known after the payment; the sandbox uses the rates.
func (rates TaxRateList) Quote(settings *MerchantSettings, addr Address, currency string, goods, shipping int64, sandbox bool) TaxQuote {
	if settings.TaxMode != TaxRates && (settings.TaxMode != TaxStripe || !sandbox) {
		return TaxQuote{}
	}
	q := TaxQuote{Tax: rates.TaxFor(addr, currency, goods, settings.PricesIncludeTax)}
	if settings.TaxShipping {
		q.OnShipping = rates.TaxFor(addr, currency, shipping, settings.PricesIncludeTax)
		q.Tax += q.OnShipping
	}
	return q
}
