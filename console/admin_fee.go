package console

import (
	"strconv"
	"strings"

	"github.com/buycard/buycard"
)

// The platform fee form writes basis points as a percentage and fixed
// fees in major units, and reads them back exactly: on the digits, never
// through floats, so 12.34% is 1234 basis points and $0.30 is 30 cents.

// feeCurrencies are the currencies a fixed fee may be set in, the
// domain's supported ones (buycard.ValidCurrency), in a usual order.
var feeCurrencies = []string{"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "JPY", "KRW", "KWD", "BHD", "JOD"}

// percentText writes basis points as the percentage the form shows, with
// no trailing zeros: 1250 → "12.5", 1000 → "10", 5 → "0.05".
func percentText(bps int) string {
	s := bpsText(bps)
	s = strings.TrimSuffix(s, "%")
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// parsePercent reads a percentage of 0 to 100 with at most two decimals
// ("12.5", "12,50 %", "0.05") as basis points. The error is the field's
// message.
func parsePercent(s string) (int, string) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, "Enter the fee as a percentage, such as 8.75."
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if !digits(whole) || (frac != "" && !digits(frac)) || (whole == "" && frac == "") {
		return 0, "Enter a number such as 8.75, without other signs."
	}
	if len(frac) > 2 {
		return 0, "Use at most two decimals: the fee is set in steps of 0.01% (one basis point)."
	}
	frac += strings.Repeat("0", 2-len(frac))
	if len(strings.TrimLeft(whole, "0")) > 3 {
		return 0, "The fee must be 0% to 100%."
	}
	w, _ := strconv.Atoi(orDefault(whole, "0"))
	f, _ := strconv.Atoi(frac)
	bps := w*100 + f
	if bps > buycard.BPSDenominator {
		return 0, "The fee must be 0% to 100%."
	}
	return bps, ""
}

// fixedText writes a fixed fee in minor units as the form shows it, with
// the currency's decimals ("0.30", "50", "0.250").
func fixedText(amount int64, cur string) string {
	return buycard.Money{Amount: amount, Currency: cur}.Decimal()
}

// parseFixed reads a fixed fee in major units of cur ("0.30", "50") as
// minor units, checked as the server checks it (buycard.ValidateFixedFee).
// An empty field is no fee. The error is the field's message.
func parseFixed(s, cur string) (int64, string) {
	exp, ok := buycard.CurrencyExponent(cur)
	if !ok {
		return 0, "Unsupported currency " + cur + "."
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ""
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if !digits(whole) || (frac != "" && !digits(frac)) || (whole == "" && frac == "") {
		return 0, "Enter an amount such as " + fixedExample(exp) + ", without the currency sign."
	}
	if len(frac) > exp {
		if exp == 0 {
			return 0, cur + " has no decimals."
		}
		return 0, cur + " has " + strconv.Itoa(exp) + " decimals at most."
	}
	frac += strings.Repeat("0", exp-len(frac))
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 15 {
		return 0, "The amount is too large."
	}
	w, _ := strconv.ParseInt(orDefault(whole, "0"), 10, 64)
	f, _ := strconv.ParseInt(orDefault(frac, "0"), 10, 64)
	amount := w*pow10(exp) + f
	if err := buycard.ValidateFixedFee(amount, cur); err != nil {
		if step := buycard.MinorUnitStep(cur); amount%step != 0 {
			return 0, "In " + cur + " the last decimal must be 0."
		}
		return 0, message(err)
	}
	return amount, ""
}

// fixedExample is an amount written with exp decimals.
func fixedExample(exp int) string {
	if exp == 0 {
		return "50"
	}
	return "0.3" + strings.Repeat("0", exp-1)
}

// digits reports whether s is only ASCII digits (empty is).
func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}
