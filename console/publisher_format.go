package console

import (
	"sort"

	"github.com/buycard/buycard/console/ui"
)

// priceRangeText is a product's price, or its range when variants differ.
func priceRangeText(min, max int64, cur string) string {
	if min == max {
		return ui.MoneyText(min, cur)
	}
	return ui.MoneyText(min, cur) + " – " + ui.MoneyText(max, cur)
}

// earnings is GET /v1/earnings: per currency, the publisher's balance of
// each ledger account kind (pending, available, paid), in minor units.
type earnings map[string]map[string]int64

// currencies are the currencies of e, sorted.
func (e earnings) currencies() []string {
	list := make([]string, 0, len(e))
	for cur := range e {
		list = append(list, cur)
	}
	sort.Strings(list)
	return list
}

// Kinds of a publisher's balances, in the order money moves through them.
var earningKinds = []struct{ key, label string }{
	{"pending", "Pending"},
	{"available", "Available"},
	{"paid", "Paid out"},
}
