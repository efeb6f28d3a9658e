package ledger

import (
	"github.com/buycard/buycard"
)

// BPSDenominator is 100% in basis points.
const BPSDenominator = buycard.BPSDenominator

// RatesOf returns the rates snapshotted on o when it was created.
func RatesOf(o *buycard.Order) Rates {
	return Rates{PlatformBPS: o.PlatformFeeBPS, PlatformFixed: o.PlatformFeeFixed, PublisherBPS: o.PublisherShareBPS}
}

// Rates are the commission rates of one order, stored on the order when it
// is created so that changing a rate never changes a past order.
type Rates struct {
	PlatformBPS   int   `json:"platform_bps"`
	PlatformFixed int64 `json:"platform_fixed"` // minor units of the order's currency
	PublisherBPS  int   `json:"publisher_bps"`
}

// Validate returns an EINVALID error unless both rates are within
// [0, 10000], together at most 10000, and the fixed fee is a non-negative
// multiple of currency's minor-unit step.
func (r Rates) Validate(currency string) error {
	if !buycard.ValidCurrency(currency) {
		return buycard.Errorf(buycard.EINVALID, "Unsupported currency %q.", currency)
	}
	if r.PlatformBPS < 0 || r.PublisherBPS < 0 || r.PlatformBPS+r.PublisherBPS > BPSDenominator {
		return buycard.Errorf(buycard.EINVALID, "Platform and publisher shares must be 0 to 10000 basis points together.")
	}
	return buycard.ValidateFixedFee(r.PlatformFixed, currency)
}

// Commission is how one order total is divided. Platform, Publisher and
// Merchant divide the commission base (Base); Shipping and Tax are the
// merchant's too, outside the base. The five parts sum to Total.
type Commission struct {
	Currency  string `json:"currency"`
	Total     int64  `json:"total"`
	Platform  int64  `json:"platform"`  // platform fee: revenue
	Publisher int64  `json:"publisher"` // publisher share
	Merchant  int64  `json:"merchant"`  // merchant net of the goods
	// Shipping (net of the tax it contains) and Tax, both the merchant's.
	Shipping int64 `json:"shipping,omitempty"`
	Tax      int64 `json:"tax,omitempty"`
}

// Base is the commission base: what platform, publisher and merchant
// divide by the rates.
func (c Commission) Base() int64 { return c.Total - c.Shipping - c.Tax }

// MerchantTotal is all the merchant gets: its net of the goods, shipping
// and tax.
func (c Commission) MerchantTotal() int64 { return c.Merchant + c.Shipping + c.Tax }

// Party names used in commission splits; the names break the last ties.
const (
	shareMerchant  = "merchant"
	sharePlatform  = "platform"
	sharePublisher = "publisher"
	shareShipping  = "shipping"
	shareTax       = "tax"
)

// Commission divides total by the rates. First the whole total is split
// by the largest-remainder method between platform (PlatformBPS), publisher
// (PublisherBPS) and merchant (the rest of 10000). Then the fixed fee moves
// from the merchant's part to the platform's, capped at the merchant's part
// so the merchant net is never negative. The publisher share never pays the
// fixed fee. Errors: EINVALID (rates, currency, a total that is negative,
// above MaxAmount or not a multiple of the minor-unit step).
func (r Rates) Commission(total buycard.Money) (Commission, error) {
	if err := r.Validate(total.Currency); err != nil {
		return Commission{}, err
	}
	if total.Amount > MaxAmount {
		return Commission{}, buycard.Errorf(buycard.EINVALID, "Amount is too large.")
	}
	parts, err := Split(total.Amount, []Share{
		{sharePlatform, int64(r.PlatformBPS)},
		{sharePublisher, int64(r.PublisherBPS)},
		{shareMerchant, int64(BPSDenominator - r.PlatformBPS - r.PublisherBPS)},
	}, buycard.MinorUnitStep(total.Currency))
	if err != nil {
		return Commission{}, err
	}
	fixed := min(r.PlatformFixed, parts[2])
	return Commission{
		Currency:  total.Currency,
		Total:     total.Amount,
		Platform:  parts[0] + fixed,
		Publisher: parts[1],
		Merchant:  parts[2] - fixed,
	}, nil
}

// shares returns c's parts as weights for Clawback. Shipping and tax
// weigh nothing on an order without them, so they take no clawback and
// the other parts' clawbacks are what they were before the breakdown.
func (c Commission) shares() []Share {
	return []Share{{sharePlatform, c.Platform}, {sharePublisher, c.Publisher}, {shareMerchant, c.Merchant},
		{shareShipping, c.Shipping}, {shareTax, c.Tax}}
}

// Remaining returns what each party still holds of c after reversed
// (refunds and lost disputes together) was clawed back by cumulative
// allocation. A publisher release moves Remaining(...).Publisher.
// Errors: EINVALID (reversed out of range).
func (c Commission) Remaining(reversed int64) (Commission, error) {
	back, err := Clawback(c.shares(), 0, reversed, buycard.MinorUnitStep(c.Currency))
	if err != nil {
		return Commission{}, err
	}
	return Commission{
		Currency:  c.Currency,
		Total:     c.Total - reversed,
		Platform:  c.Platform - back[0],
		Publisher: c.Publisher - back[1],
		Merchant:  c.Merchant - back[2],
		Shipping:  c.Shipping - back[3],
		Tax:       c.Tax - back[4],
	}, nil
}
