package storefront

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// Values of the details form's action button, for the server without the
// WASM: "apply" prices the code, "ship" the shipping to the address; the
// main button (no action) makes the order.
const (
	ActionApply = "apply"
	ActionShip  = "ship"
)

// detailsStep asks who buys, where a physical order ships and how, and
// for a discount code, and shows the price as it adds up.
type detailsStep struct {
	app.Compo
	Details  Details
	Checkout buycard.OfferCheckout
	Quote    *Quote // nil before the first price
	Lang     string
	Busy     bool
	Error    string
	// ErrorField is the field Error is about: the message shows under it
	// and describes it. "" for the step.
	ErrorField string
	Form       stepForm
	OnInput    func(ctx app.Context, name, value string) // each keystroke
	OnChange   func(ctx app.Context, name string)        // a value committed
	OnApply    func(ctx app.Context)
	OnShip     func(ctx app.Context)
	OnContinue func(ctx app.Context)
}

// fieldID is the id of a details field's control.
func fieldID(name string) string { return "bc-f-" + name }

func (s *detailsStep) Render() app.UI {
	s.Form.class, s.Form.noValidate = "bc-details", true
	return s.Form.render(s.OnContinue,
		// The form's default button, which Enter in a field presses: the
		// step's own, not the Apply or Update shipping before it.
		app.Button().Type("submit").Class("bc-default").TabIndex(-1).Aria("hidden", "true").
			Text(tr(s.Lang, msgContinueToPayment)),
		app.H2().ID(stepTitleID).TabIndex(-1).Class("bc-step-title").Text(tr(s.Lang, msgDetailsTitle)),
		s.renderContact(),
		app.If(s.Checkout.Kind == buycard.ProductPhysical, func() app.UI {
			return app.Div().Body(s.renderAddress(), s.renderRates())
		}),
		s.renderCode(),
		app.Div().Aria("live", "polite").Body(s.renderBreakdown()),
		errorLine(s.stepError()),
		submitButton(tr(s.Lang, msgContinueToPayment), s.Busy),
	)
}

func (s *detailsStep) stepError() string {
	if s.ErrorField != "" {
		return ""
	}
	return s.Error
}

func (s *detailsStep) renderContact() app.UI {
	return app.FieldSet().Class("bc-fields").Body(
		app.Legend().Text(tr(s.Lang, msgContactLegend)),
		s.textField(fieldEmail, msgEmail, "email", "email", tr(s.Lang, msgEmailHint)),
		s.textField(fieldName, msgFullName, "text", "name", ""),
		app.If(s.Checkout.AskPhone, func() app.UI {
			return s.textField(fieldPhone, msgPhone, "tel", "tel", "")
		}),
	)
}

func (s *detailsStep) renderAddress() app.UI {
	return app.FieldSet().Class("bc-fields").Body(
		app.Legend().Text(tr(s.Lang, msgAddressLegend)),
		s.textField(fieldLine1, msgLine1, "text", "address-line1", ""),
		s.textField(fieldLine2, msgLine2, "text", "address-line2", ""),
		s.textField(fieldCity, msgCity, "text", "address-level2", ""),
		s.renderCountry(),
		s.renderRegion(),
		s.textField(fieldPostalCode, msgPostalCode, "text", "postal-code", ""),
		app.Button().Type("submit").Name("action").Value(ActionShip).Class("bc-secondary bc-ship").
			OnClick(s.onShip).Text(tr(s.Lang, msgUpdateShipping)),
	)
}

// textField is a labelled input of the details, its error (when it is
// at fault) and hint describing it.
func (s *detailsStep) textField(name string, label msg, kind, autocomplete, hint string) app.UI {
	id := fieldID(name)
	input := app.Input().Type(kind).ID(id).Name(name).Class("bc-input").
		Attr("autocomplete", autocomplete).Value(*s.Details.field(name)).
		OnInput(s.onInput(name)).OnChange(s.onChange(name))
	return app.Div().Class("bc-field").Body(
		app.Label().For(id).Text(tr(s.Lang, label)),
		s.describe(input, name, hint),
	)
}

// describe ties a control to its hint and to the step's error when the
// error is about it, and renders them after it.
func (s *detailsStep) describe(control app.UI, name, hint string) app.UI {
	var ids string
	var notes []app.UI
	if hint != "" {
		ids = fieldID(name) + "-hint"
		notes = append(notes, app.P().ID(ids).Class("bc-field-hint").Text(hint))
	}
	if s.ErrorField == name && s.Error != "" {
		errID := fieldID(name) + "-error"
		ids = joinIDs(ids, errID)
		notes = append(notes, app.P().ID(errID).Class("bc-field-error").Text(s.Error))
	}
	if ids != "" {
		control = withDescription(control, ids, s.ErrorField == name)
	}
	return app.Div().Body(append([]app.UI{control}, notes...)...)
}

func joinIDs(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// withDescription sets aria-describedby, and aria-invalid when invalid,
// on an input or select (an app.Elem: see selectOf).
func withDescription(control app.UI, ids string, invalid bool) app.UI {
	switch c := control.(type) {
	case app.HTMLInput:
		c = c.Aria("describedby", ids)
		if invalid {
			c = c.Aria("invalid", "true")
		}
		return c
	case app.HTMLElem:
		c = c.Aria("describedby", ids)
		if invalid {
			c = c.Aria("invalid", "true")
		}
		return c
	}
	return control
}

// renderCountry is a select of the countries the offer ships to.
func (s *detailsStep) renderCountry() app.UI {
	id, selected := fieldID(fieldCountry), s.Details.Country
	options := []app.UI{option("", tr(s.Lang, msgChooseCountry), false)}
	for _, code := range s.Checkout.ShipCountries {
		options = append(options, option(code, countryName(code, s.Lang), code == selected))
	}
	sel := s.selectOf(fieldCountry, "country", options)
	return app.Div().Class("bc-field").Body(
		app.Label().For(id).Text(tr(s.Lang, msgCountry)),
		s.describe(sel, fieldCountry, ""),
	)
}

// renderRegion is a select of the country's regions when it lists them
// (US states, Canadian provinces), else a text field.
func (s *detailsStep) renderRegion() app.UI {
	regions := buycard.Regions[s.Details.Country]
	if len(regions) == 0 {
		return s.textField(fieldRegion, msgRegion, "text", "address-level1", "")
	}
	id := fieldID(fieldRegion)
	options := []app.UI{option("", "", false)}
	for _, r := range regions {
		options = append(options, option(r.Code, r.Name, r.Code == s.Details.Region))
	}
	sel := s.selectOf(fieldRegion, "address-level1", options)
	return app.Div().Class("bc-field").Body(
		app.Label().For(id).Text(tr(s.Lang, msgRegion)),
		s.describe(sel, fieldRegion, ""),
	)
}

// selectOf is the select of field name. Select and option are generic
// elements (app.Elem): go-app's own types for them would add their
// hundred-odd methods each to the WASM, some 20 KB of its size budget.
func (s *detailsStep) selectOf(name, autocomplete string, options []app.UI) app.UI {
	return app.Elem("select").ID(fieldID(name)).Class("bc-input").Attr("name", name).
		Attr("autocomplete", autocomplete).OnChange(s.onSelect(name)).Body(options...)
}

func option(value, text string, selected bool) app.UI {
	o := app.Elem("option").Attr("value", value).Text(text)
	if selected {
		// Only ever true: go-app's server encoder writes false as selected="false".
		o = o.Attr("selected", true)
	}
	return o
}

// renderRates are the shipping options for the address, as radios, and
// the step's error when it is that none is chosen.
func (s *detailsStep) renderRates() app.UI {
	body := []app.UI{app.Legend().Text(tr(s.Lang, msgShippingLegend))}
	if s.Quote == nil || len(s.Quote.ShippingOptions) == 0 {
		body = append(body, app.P().Class("bc-hint").Text(tr(s.Lang, msgShippingAfterAddress)))
	}
	if s.Quote != nil {
		for _, o := range s.Quote.ShippingOptions {
			body = append(body, s.renderRate(o))
		}
	}
	id := fieldID(fieldRate)
	set := app.FieldSet().ID(id).TabIndex(-1).Class("bc-variants bc-rates")
	if s.ErrorField == fieldRate && s.Error != "" {
		set = set.Aria("describedby", id+"-error")
		body = append(body, app.P().ID(id+"-error").Class("bc-field-error").Text(s.Error))
	}
	return set.Body(body...)
}

func (s *detailsStep) renderRate(o buycard.ShippingOption) app.UI {
	input := app.Input().Type("radio").ID("%s", "bc-rate-"+o.RateID).Name(fieldRate).Value(o.RateID).
		OnChange(s.onSelect(fieldRate))
	if o.RateID == s.Quote.ShippingRateID {
		input = input.Checked(true)
	}
	return app.Label().Class("bc-option").Body(
		input,
		app.Span().Class("bc-option-name").Text(o.Name),
		app.Span().Class("bc-option-detail").Text(o.Amount.Format(s.Lang)),
	)
}

func (s *detailsStep) renderCode() app.UI {
	id := fieldID(FieldDiscountCode)
	input := app.Input().Type("text").ID(id).Name(FieldDiscountCode).Class("bc-input").
		Attr("autocomplete", "off").Attr("autocapitalize", "characters").Attr("spellcheck", "false").
		Value(s.Details.DiscountCode).OnInput(s.onInput(FieldDiscountCode)).OnKeyDown(s.onCodeKey)
	return app.Div().Class("bc-field bc-code").Body(
		app.Label().For(id).Text(tr(s.Lang, msgDiscountCode)),
		app.Div().Class("bc-code-row").Body(
			s.describe(input, FieldDiscountCode, ""),
			app.Button().Type("submit").Name("action").Value(ActionApply).Class("bc-secondary bc-apply").
				OnClick(s.onApply).Text(tr(s.Lang, msgApplyCode)),
		),
	)
}

// renderBreakdown is the price so far: the subtotal, and what the last
// quote added.
func (s *detailsStep) renderBreakdown() app.UI {
	if s.Quote == nil {
		return nil
	}
	p := s.Quote.Price
	subtotal := buycard.Money{Amount: p.Subtotal, Currency: p.Total.Currency}
	rows := append([]row{{tr(s.Lang, msgSubtotal), subtotal.Format(s.Lang)}}, priceRows(p.OrderPrice, p.Total, s.Lang)...)
	return summaryList("bc-breakdown", rows)
}

func (s *detailsStep) onInput(name string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		s.OnInput(ctx, name, ctx.JSSrc().Get("value").String())
	}
}

func (s *detailsStep) onChange(name string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		s.OnChange(ctx, name)
	}
}

// onSelect records a select's or radio's value and what it changes.
func (s *detailsStep) onSelect(name string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		s.OnInput(ctx, name, ctx.JSSrc().Get("value").String())
		s.OnChange(ctx, name)
	}
}

func (s *detailsStep) onShip(ctx app.Context, e app.Event) {
	e.PreventDefault()
	s.OnShip(ctx)
}

func (s *detailsStep) onApply(ctx app.Context, e app.Event) {
	e.PreventDefault()
	s.OnApply(ctx)
}

// onCodeKey applies the code on Enter in its field, as its button would.
func (s *detailsStep) onCodeKey(ctx app.Context, e app.Event) {
	if e.Get("key").String() == "Enter" {
		e.PreventDefault()
		s.OnApply(ctx)
	}
}
