package console

import (
	"strings"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// The platform fee form writes basis points as a percentage and fixed
// fees in major units, and reads them back exactly with amount.go.

// feeCurrencies are the currencies a fixed fee may be set in: those a
// product may be sold in, in the same order.
var feeCurrencies = func() []string {
	codes := make([]string, len(ui.Currencies))
	for i, c := range ui.Currencies {
		codes[i] = c.Value
	}
	return codes
}()

// parseFixed reads a fixed fee in major units of cur ("0.30", "50") as
// minor units, checked as the server checks it (buycard.ValidateFixedFee).
// An empty field is no fee. The error is the field's message.
func parseFixed(s, cur string) (int64, string) {
	if _, ok := buycard.CurrencyExponent(cur); !ok {
		return 0, "Unsupported currency " + cur + "."
	}
	if strings.TrimSpace(s) == "" {
		return 0, ""
	}
	amount, err := ui.ParseMoney(s, cur, "The fee in "+cur)
	if err == nil {
		err = buycard.ValidateFixedFee(amount, cur)
	}
	if err != nil {
		return 0, message(err)
	}
	return amount, ""
}
