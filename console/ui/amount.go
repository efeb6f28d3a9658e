package ui

import (
	"strconv"
	"strings"

	"github.com/buycard/buycard"
)

// Currencies are the currencies a product may be sold in (buycard's
// supported ISO 4217 codes), most common first.
var Currencies = []Option{
	{Value: "USD", Label: "USD – US dollar"}, {Value: "EUR", Label: "EUR – Euro"}, {Value: "GBP", Label: "GBP – Pound sterling"},
	{Value: "CAD", Label: "CAD – Canadian dollar"}, {Value: "AUD", Label: "AUD – Australian dollar"}, {Value: "CHF", Label: "CHF – Swiss franc"},
	{Value: "SEK", Label: "SEK – Swedish krona"}, {Value: "JPY", Label: "JPY – Japanese yen"}, {Value: "KRW", Label: "KRW – South Korean won"},
	{Value: "KWD", Label: "KWD – Kuwaiti dinar"}, {Value: "BHD", Label: "BHD – Bahraini dinar"}, {Value: "JOD", Label: "JOD – Jordanian dinar"},
}

// ParseDecimal reads a non-negative decimal number written with digits
// and at most one point ("12", "12.5", ".75") as an integer of 10^-exp
// units: ParseDecimal("12.5", 2) is 1250. It works on the digits, never
// on floats, and refuses more than exp decimals, signs, exponents,
// thousands separators and numbers beyond int64. The error is a sentence
// for the person who typed s; what names the amount ("Price").
func ParseDecimal(s string, exp int, what string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, buycard.Errorf(buycard.EINVALID, "%s is required.", what)
	}
	whole, frac, _ := strings.Cut(s, ".")
	switch {
	case strings.ContainsAny(s, ", '\u00a0\u202f"):
		return 0, buycard.Errorf(buycard.EINVALID, "%s: write digits with a point for decimals, without thousands separators (1234.50).", what)
	case strings.HasPrefix(s, "-"):
		return 0, buycard.Errorf(buycard.EINVALID, "%s must not be negative.", what)
	case !isDigits(whole) || !isDigits(frac) || whole == "" && frac == "" || strings.Contains(frac, "."):
		return 0, buycard.Errorf(buycard.EINVALID, "%s must be a number, such as 12.50.", what)
	case len(frac) > exp && exp == 0:
		return 0, buycard.Errorf(buycard.EINVALID, "%s: this currency has no decimals.", what)
	case len(frac) > exp:
		return 0, buycard.Errorf(buycard.EINVALID, "%s: at most %d decimals.", what, exp)
	}
	digits := strings.TrimLeft(whole+frac+strings.Repeat("0", exp-len(frac)), "0")
	if digits == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, buycard.Errorf(buycard.EINVALID, "%s is too large.", what)
	}
	return n, nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Exponent is the number of decimals of currency, 2 for unknown ones.
func Exponent(currency string) int {
	if e, ok := buycard.CurrencyExponent(currency); ok {
		return e
	}
	return 2
}

// ParseMoney reads an amount typed in major units of currency ("12.50"
// USD, "1500" JPY, "1.250" KWD) as minor units, exactly. A price that
// the payment provider could not charge (KWD amounts must end in 0) is
// refused with the reason.
func ParseMoney(s, currency, what string) (int64, error) {
	n, err := ParseDecimal(s, Exponent(currency), what)
	if err != nil {
		return 0, err
	}
	if step := buycard.MinorUnitStep(currency); n%step != 0 {
		return 0, buycard.Errorf(buycard.EINVALID, "%s: %s amounts must end in 0 (such as 1.250).", what, currency)
	}
	return n, nil
}

// ParsePrice is ParseMoney for a price, which must be positive.
func ParsePrice(s, currency, what string) (int64, error) {
	n, err := ParseMoney(s, currency, what)
	if err == nil && n <= 0 {
		return 0, buycard.Errorf(buycard.EINVALID, "%s must be more than 0.", what)
	}
	return n, err
}

// DecimalText writes minor units of currency as major units for a form
// field: 1250 USD is "12.50", 1500 JPY "1500", 1250 KWD "1.250".
func DecimalText(amount int64, currency string) string {
	return buycard.Money{Amount: amount, Currency: currency}.Decimal()
}

// MoneyText writes minor units of currency for reading: "$12.50".
func MoneyText(amount int64, currency string) string {
	return buycard.Money{Amount: amount, Currency: currency}.Format("en")
}

// PercentField writes basis points as a percent with two decimals:
// 1250 is "12.50".
func PercentField(bps int) string {
	sign := ""
	if bps < 0 {
		sign, bps = "-", -bps
	}
	return sign + strconv.Itoa(bps/100) + "." + strconv.Itoa(bps%100/10) + strconv.Itoa(bps%10)
}

// ParsePercent reads a percent with at most two decimals ("12.5",
// "12.50 %") as basis points (1250), from 0 to 100 %.
func ParsePercent(s, what string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	n, err := ParseDecimal(s, 2, what)
	if err != nil {
		return 0, err
	}
	if n > 10000 {
		return 0, buycard.Errorf(buycard.EINVALID, "%s must be at most 100%%.", what)
	}
	return int(n), nil
}

// ParseCount reads a whole number of at least 0 (a stock level) or at
// least min.
func ParseCount(s string, min int, what string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, buycard.Errorf(buycard.EINVALID, "%s is required.", what)
	}
	if !isDigits(s) {
		return 0, buycard.Errorf(buycard.EINVALID, "%s must be a whole number of at least %d.", what, min)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 1_000_000_000 {
		return 0, buycard.Errorf(buycard.EINVALID, "%s is too large.", what)
	}
	if n < min {
		return 0, buycard.Errorf(buycard.EINVALID, "%s must be at least %d.", what, min)
	}
	return n, nil
}

// ParseDomains reads allowed publisher domains, one per line (commas and
// spaces separate them too), lower-cased, without blanks or repeats.
func ParseDomains(text string) []string {
	seen := map[string]bool{}
	list := []string{}
	for _, d := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == '\t' }) {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" || seen[d] {
			continue
		}
		seen[d] = true
		list = append(list, d)
	}
	return list
}

// BPSText writes basis points as a percentage with two decimals, exactly
// (1250 → "12.50%", 5 → "0.05%"): no floats.
func BPSText(bps int) string {
	sign := ""
	if bps < 0 {
		sign, bps = "-", -bps
	}
	frac := strconv.Itoa(bps % 100)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + strconv.Itoa(bps/100) + "." + frac + "%"
}

// SignedMoney writes minor units with a true minus sign: "−$4.56".
func SignedMoney(amount int64, currency string) string {
	if amount < 0 {
		return "−" + MoneyText(-amount, currency)
	}
	return MoneyText(amount, currency)
}
