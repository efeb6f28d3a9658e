package storefront

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// quantityID is the quantity input's id; the prerender takeover reads it.
const quantityID = "bc-qty"

// quantityStepper picks a quantity in 1..Max with −/+ buttons or by
// typing. It reports every change; the parent clamps and passes the
// result back.
type quantityStepper struct {
	app.Compo
	Quantity int
	Max      int
	Lang     string
	OnChange func(ctx app.Context, quantity int)
}

func newQuantityStepper(quantity, maxQuantity int, lang string, onChange func(app.Context, int)) *quantityStepper {
	return &quantityStepper{Quantity: quantity, Max: maxQuantity, Lang: lang, OnChange: onChange}
}

func (q *quantityStepper) Render() app.UI {
	return el("div", attrs{{"class", "bc-qty"}},
		textEl("label", attrs{{"for", quantityID}}, tr(q.Lang, msgQuantity)),
		el("div", attrs{{"class", "bc-stepper"}},
			stepButton("−", tr(q.Lang, msgDecreaseQuantity), q.Quantity <= 1, q.decrease),
			void("input", attrs{{"type", "number"}, {"id", quantityID}, {"name", "quantity"}, {"inputmode", "numeric"},
				{"min", "1"}, {"max", strconv.Itoa(q.Max)}, {"value", strconv.Itoa(q.Quantity)}}).
				OnInput(q.onInput).OnChange(q.onCommit),
			stepButton("+", tr(q.Lang, msgIncreaseQuantity), q.Quantity >= q.Max, q.increase),
		),
	)
}

// stepButton is − or +, disabled at its bound.
func stepButton(text, label string, atBound bool, onClick app.EventHandler) app.UI {
	a := attrs{{"type", "button"}, {"class", "bc-adjust"}, {"aria-label", label}}
	return textEl("button", a.set("disabled", atBound), text).OnClick(onClick)
}

func (q *quantityStepper) decrease(ctx app.Context, e app.Event) {
	q.step(ctx, q.Quantity-1)
}

func (q *quantityStepper) increase(ctx app.Context, e app.Event) {
	q.step(ctx, q.Quantity+1)
}

// step changes the quantity from a button. A button that reaches its bound
// becomes disabled and would drop keyboard focus, so focus moves to the
// field.
func (q *quantityStepper) step(ctx app.Context, n int) {
	q.OnChange(ctx, n)
	if n <= 1 || n >= q.Max {
		ctx.Defer(func(app.Context) { focusElement(quantityID) })
	}
}

// onInput follows typing while the number is in range, so the total
// updates live.
func (q *quantityStepper) onInput(ctx app.Context, e app.Event) {
	if n, err := strconv.Atoi(ctx.JSSrc().Get("value").String()); err == nil && n >= 1 && n <= q.Max {
		q.OnChange(ctx, n)
	}
}

// onCommit clamps what was typed and writes the result back, since go-app
// leaves the field alone when the rendered value does not change.
func (q *quantityStepper) onCommit(ctx app.Context, e app.Event) {
	n, err := strconv.Atoi(ctx.JSSrc().Get("value").String())
	if err != nil {
		n = q.Quantity
	}
	n = min(max(n, 1), q.Max)
	ctx.JSSrc().Set("value", strconv.Itoa(n))
	q.OnChange(ctx, n)
}
