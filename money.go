package buycard

import (
	"math"
	"strconv"
	"strings"
)

// Money is an amount in the minor unit of its currency (cents for USD, yen
// for JPY, fils for KWD). Amounts are never floats.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"` // ISO 4217, upper case
}

// currency describes how a currency is written and how much one payment
// in it may be.
type currency struct {
	exponent int    // digits after the decimal point
	symbol   string // symbol used by locales that write one; "" means the code
	// max is the largest amount, in minor units, Stripe takes in one
	// payment (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
	max int64
}

// stripeMax is Stripe's maximum amount of a payment for most currencies:
// eight digits of minor units ($999,999.99, ¥99,999,999). Stripe documents
// larger maxima for a few currencies (IDR's is twelve digits); such a
// currency gets its own max in the table when Buycard supports it.
const stripeMax = 99_999_999

// currencies is the table of supported ISO 4217 currencies. The exponent is
// what Stripe and ISO use; for three-decimal currencies Stripe also wants the
// last digit to be 0 (see MinorUnitStep).
var currencies = map[string]currency{
	"USD": {2, "$", stripeMax},
	"EUR": {2, "€", stripeMax},
	"GBP": {2, "£", stripeMax},
	"CAD": {2, "CA$", stripeMax},
	"AUD": {2, "A$", stripeMax},
	"CHF": {2, "", stripeMax},
	"SEK": {2, "kr", stripeMax},
	"JPY": {0, "¥", stripeMax},
	"KRW": {0, "₩", stripeMax},
	"KWD": {3, "", stripeMax},
	"BHD": {3, "", stripeMax},
	"JOD": {3, "", stripeMax},
}

// CurrencyExponent returns the number of minor-unit digits of code and
// whether the currency is supported.
func CurrencyExponent(code string) (int, bool) {
	c, ok := currencies[code]
	return c.exponent, ok
}

// ValidCurrency reports whether code is a supported ISO 4217 code.
func ValidCurrency(code string) bool {
	_, ok := currencies[code]
	return ok
}

// MaxAmount is the largest amount, in minor units, of one payment in
// code: no price or order total may be more. It is 0 for an unsupported
// currency.
func MaxAmount(code string) int64 {
	return currencies[code].max
}

// MinorUnitStep is the smallest amount step the payment provider accepts for
// code: 10 for three-decimal currencies (Stripe requires a trailing 0), else 1.
func MinorUnitStep(code string) int64 {
	if e, _ := CurrencyExponent(code); e == 3 {
		return 10
	}
	return 1
}

// Times returns m multiplied by n, or an EINVALID error for a negative n
// or a result above what one payment can take (MaxAmount), overflow
// included: a total is always payable.
func (m Money) Times(n int64) (Money, error) {
	if n < 0 {
		return Money{}, Errorf(EINVALID, "Quantity must not be negative.")
	}
	if n != 0 && (m.Amount > math.MaxInt64/n || m.Amount < math.MinInt64/n || m.Amount*n > MaxAmount(m.Currency)) {
		return Money{}, Errorf(EINVALID, "The total is above %s, the most one payment can take: buy fewer at a time.",
			Money{Amount: MaxAmount(m.Currency), Currency: m.Currency}.Format("en"))
	}
	return Money{Amount: m.Amount * n, Currency: m.Currency}, nil
}

// locale describes how a locale writes numbers and places the currency.
type locale struct {
	group, decimal string
	symbolAfter    bool // "12,50 €" rather than "€12.50"
	useSymbol      bool // write the symbol rather than the ISO code
	yen            string
}

// locales maps a language or language-region tag to its number format. A
// lookup tries the full tag, then the language, then falls back to "en".
var locales = map[string]locale{
	"en":    {group: ",", decimal: ".", useSymbol: true},
	"en-IN": {group: ",", decimal: ".", useSymbol: true},
	"de":    {group: ".", decimal: ",", symbolAfter: true, useSymbol: true},
	"fr":    {group: "\u202f", decimal: ",", symbolAfter: true, useSymbol: true},
	"es":    {group: ".", decimal: ",", symbolAfter: true, useSymbol: true},
	"it":    {group: ".", decimal: ",", symbolAfter: true, useSymbol: true},
	"nl":    {group: ".", decimal: ",", useSymbol: true},
	"ja":    {group: ",", decimal: ".", useSymbol: true, yen: "￥"},
	"ar":    {group: ",", decimal: ".", useSymbol: false},
}

func lookupLocale(tag string) locale {
	tag = strings.ReplaceAll(strings.TrimSpace(tag), "_", "-")
	if l, ok := locales[tag]; ok {
		return l
	}
	lang, _, _ := strings.Cut(strings.ToLower(tag), "-")
	if l, ok := locales[lang]; ok {
		return l
	}
	return locales["en"]
}

// MoneyText is an amount as an error message's argument: it prints in
// English, and a translation of the message (Error.Template) formats it
// for its own language.
type MoneyText Money

func (m MoneyText) String() string { return Money(m).Format("en") }

// Format writes m for people reading localeTag (a BCP 47 tag such as
// "en-US", "de-DE" or "ja"): the currency's own number of decimals (JPY
// none, KWD three), the locale's separators, and its symbol placement.
// Unknown locales format as English; unknown currencies as their code with
// two decimals.
func (m Money) Format(localeTag string) string {
	loc := lookupLocale(localeTag)
	cur, ok := currencies[m.Currency]
	if !ok {
		cur = currency{exponent: 2}
	}
	number := formatNumber(m.Amount, cur.exponent, loc)
	symbol := cur.symbol
	if m.Currency == "JPY" && loc.yen != "" {
		symbol = loc.yen
	}
	if symbol == "" || !loc.useSymbol {
		if loc.symbolAfter {
			return number + "\u00a0" + m.Currency
		}
		return m.Currency + "\u00a0" + number
	}
	if loc.symbolAfter {
		return number + "\u00a0" + symbol
	}
	return symbol + number
}

// formatNumber writes a minor-unit amount with exp decimals and the
// locale's separators. It works on the digits, never on floats.
func formatNumber(amount int64, exp int, loc locale) string {
	neg := amount < 0
	digits := strconv.FormatUint(absUint(amount), 10)
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-exp], digits[len(digits)-exp:]
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(loc.group)
		}
		b.WriteRune(r)
	}
	if exp > 0 {
		b.WriteString(loc.decimal)
		b.WriteString(frac)
	}
	return b.String()
}

func absUint(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

// Decimal writes m as a plain decimal number with the currency's number of
// decimals and no grouping ("1234.50", "4800", "12.500"), as schema.org
// and other machine readers want it.
func (m Money) Decimal() string {
	exp, ok := CurrencyExponent(m.Currency)
	if !ok {
		exp = 2
	}
	return formatNumber(m.Amount, exp, locale{decimal: "."})
}
