package storefront

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// receipt confirms a paid order: its number first, then what was bought.
type receipt struct {
	app.Compo
	Order      *buycard.Order
	OptionName string // the offer's option label; "" for products without options
	Lang       string
	WidgetID   string // Done leads to its product page when nothing else can run
	OnDone     func(ctx app.Context)
}

func newReceipt(order *buycard.Order, optionName, lang, widgetID string, onDone func(app.Context)) *receipt {
	return &receipt{Order: order, OptionName: optionName, Lang: lang, WidgetID: widgetID, OnDone: onDone}
}

func (r *receipt) Render() app.UI {
	return app.Div().Class("bc-receipt").Body(
		app.H2().ID(stepTitleID).TabIndex(-1).Class("bc-step-title").Text("Thank you! Your order is confirmed."),
		app.P().Class("bc-order-number").Body(
			app.Span().Text("Order number"),
			app.Span().Class("bc-order-number-value").Text(r.Order.Number),
		),
		app.Dl().Class("bc-summary").Body(r.summary()...),
		stepForm{class: "bc-done", method: "get", action: "/p/" + r.WidgetID}.render(r.OnDone,
			submitButton("Done", false),
		),
	)
}

// summary lists what was bought as term/description pairs.
func (r *receipt) summary() []app.UI {
	o := r.Order
	rows := [][2]string{{"Product", o.ProductTitle}}
	if r.OptionName != "" && o.VariantName != "" {
		rows = append(rows, [2]string{r.OptionName, o.VariantName})
	}
	rows = append(rows,
		[2]string{"Quantity", strconv.Itoa(o.Quantity)},
		[2]string{"Total", o.Total.Format(r.Lang)},
	)
	var items []app.UI
	for _, row := range rows {
		items = append(items, app.Dt().Text(row[0]), app.Dd().Text(row[1]))
	}
	return items
}
