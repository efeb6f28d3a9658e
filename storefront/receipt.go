package storefront

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// receipt confirms a paid order: its number first, then what was bought
// and how its total is made up.
type receipt struct {
	app.Compo
	Order    *buycard.Order
	PageURL  string // the order page, "" when unknown
	Lang     string
	WidgetID string // Done leads to its product page when nothing else can run
	OnDone   func(ctx app.Context)
}

func newReceipt(order *buycard.Order, pageURL, lang, widgetID string, onDone func(app.Context)) *receipt {
	return &receipt{Order: order, PageURL: pageURL, Lang: lang, WidgetID: widgetID, OnDone: onDone}
}

func (r *receipt) Render() app.UI {
	rows := append([]row{{tr(r.Lang, msgProduct), r.Order.ProductTitle}}, orderRows(r.Order, r.Lang)...)
	return el("div", attrs{{"class", "bc-receipt"}},
		stepTitle("h2", tr(r.Lang, msgThankYou)),
		el("p", attrs{{"class", "bc-order-number"}},
			textEl("span", nil, tr(r.Lang, msgOrderNumber)),
			textEl("span", attrs{{"class", "bc-order-number-value"}}, r.Order.Number),
		),
		summaryList("bc-breakdown", rows),
		r.orderPageLink(),
		stepForm{class: "bc-done", method: "get", action: "/p/" + r.WidgetID}.render(r.OnDone,
			submitButton(tr(r.Lang, msgDone), false),
		),
	)
}

// orderPageLink leads to the order's page, in a tab of its own: the
// checkout may be a frame in someone else's page.
func (r *receipt) orderPageLink() app.UI {
	if r.PageURL == "" {
		return nil
	}
	return el("p", attrs{{"class", "bc-order-page"}},
		textEl("a", attrs{{"href", r.PageURL}, {"target", "_blank"}, {"rel", "noopener"}}, tr(r.Lang, msgOrderPageLink)),
	)
}
