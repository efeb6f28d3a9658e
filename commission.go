package buycard

// BPSDenominator is 100% in basis points.
const BPSDenominator = 10000

// MaxFixedFee bounds a fixed platform fee: 10^15 minor units, the ledger's
// largest amount.
const MaxFixedFee = 1_000_000_000_000_000

// PlatformFee is the operator's commission on every sale: basis points of
// the total plus an optional fixed amount per currency, in minor units.
// Orders snapshot it when they are created (Order.PlatformFeeBPS and
// PlatformFeeFixed), so changing it never changes a past order.
type PlatformFee struct {
	BPS   int              `json:"bps"`
	Fixed map[string]int64 `json:"fixed,omitempty"`
}

// Validate returns an EINVALID error unless BPS is within [0, 10000] and
// every fixed amount is for a supported currency and valid in it.
func (f PlatformFee) Validate() error {
	if f.BPS < 0 || f.BPS > BPSDenominator {
		return Errorf(EINVALID, "Platform fee must be 0 to 10000 basis points.")
	}
	for cur, amount := range f.Fixed {
		if !ValidCurrency(cur) {
			return Errorf(EINVALID, "Unsupported currency %q.", cur)
		}
		if err := ValidateFixedFee(amount, cur); err != nil {
			return err
		}
	}
	return nil
}

// ValidateFixedFee returns an EINVALID error unless amount is a
// non-negative multiple of currency's minor-unit step, at most MaxFixedFee.
func ValidateFixedFee(amount int64, currency string) error {
	step := MinorUnitStep(currency)
	if amount < 0 || amount > MaxFixedFee || amount%step != 0 {
		return Errorf(EINVALID, "Fixed %s fee must be a non-negative multiple of %d.", currency, step)
	}
	return nil
}
