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
	OnChange func(ctx app.Context, quantity int)
}

func newQuantityStepper(quantity, maxQuantity int, onChange func(app.Context, int)) *quantityStepper {
	return &quantityStepper{Quantity: quantity, Max: maxQuantity, OnChange: onChange}
}

func (q *quantityStepper) Render() app.UI {
	return app.Div().Class("bc-qty").Body(
		app.Label().For(quantityID).Text("Quantity"),
		app.Div().Class("bc-stepper").Body(
			stepButton("−", "Decrease quantity", q.Quantity <= 1, q.decrease),
			app.Input().Type("number").ID(quantityID).Name("quantity").
				Attr("inputmode", "numeric").Min(1).Max(q.Max).Value(q.Quantity).
				OnInput(q.onInput).OnChange(q.onCommit),
			stepButton("+", "Increase quantity", q.Quantity >= q.Max, q.increase),
		),
	)
}

// stepButton is − or +, disabled at its bound.
func stepButton(text, label string, atBound bool, onClick app.EventHandler) app.UI {
	b := app.Button().Type("button").Class("bc-adjust").Aria("label", label).OnClick(onClick).Text(text)
	if atBound {
		// Only ever true: go-app's server encoder writes false as disabled="false".
		b = b.Disabled(true)
	}
	return b
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
