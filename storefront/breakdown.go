package storefront

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// row is a line of a summary: a term and its value.
type row struct{ term, value string }

// itemRow is what is bought, "A5 × 2" (or the product's title when it
// has no options), at its subtotal.
func itemRow(item string, quantity int, subtotal buycard.Money, lang string) row {
	return row{tr(lang, msgItemQuantity, item, quantity), subtotal.Format(lang)}
}

// priceRows are a price's lines after its subtotal: the discount with
// its code, shipping with its option, tax (included in the prices, or
// added), and the total, last.
func priceRows(p buycard.OrderPrice, total buycard.Money, lang string) []row {
	money := func(amount int64) string { return buycard.Money{Amount: amount, Currency: total.Currency}.Format(lang) }
	var rows []row
	if p.Discount > 0 {
		rows = append(rows, row{tr(lang, msgDiscount, p.DiscountCode), "−" + money(p.Discount)})
	}
	if p.ShippingRateName != "" {
		rows = append(rows, row{tr(lang, msgShipping, p.ShippingRateName), money(p.Shipping)})
	}
	if p.Tax > 0 {
		label := msgTaxExcluded
		if p.TaxInclusive {
			label = msgTaxIncluded
		}
		rows = append(rows, row{tr(lang, label), money(p.Tax)})
	}
	return append(rows, row{tr(lang, msgTotal), total.Format(lang)})
}

// orderRows are an order's breakdown, what was bought first.
func orderRows(o *buycard.Order, lang string) []row {
	item := o.ProductTitle
	if o.VariantName != "" {
		item = o.VariantName
	}
	subtotal := buycard.Money{Amount: o.Subtotal, Currency: o.Total.Currency}
	return append([]row{itemRow(item, o.Quantity, subtotal, lang)}, priceRows(o.OrderPrice, o.Total, lang)...)
}

// summaryList shows rows as a description list; a breakdown's last row,
// its total, stands out.
func summaryList(class string, rows []row) app.UI {
	items := make([]app.UI, 0, 2*len(rows))
	for _, r := range rows {
		items = append(items, textEl("dt", nil, r.term), textEl("dd", nil, r.value))
	}
	return el("dl", attrs{{"class", "bc-summary " + class}}, items...)
}

// OrderBreakdown is the receipt's breakdown of o in lang, as term and
// value pairs: what was bought at its subtotal, then the discount,
// shipping, tax and, last, the total. The shopper's order page, which is
// not a go-app page, shows the same lines.
func OrderBreakdown(o *buycard.Order, lang string) [][2]string {
	rows := orderRows(o, lang)
	pairs := make([][2]string, len(rows))
	for i, r := range rows {
		pairs[i] = [2]string{r.term, r.value}
	}
	return pairs
}
