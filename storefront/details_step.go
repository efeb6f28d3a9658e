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
		textEl("button", attrs{{"type", "submit"}, {"class", "bc-default"}, {"tabindex", "-1"}, {"aria-hidden", "true"}},
			tr(s.Lang, msgContinueToPayment)),
		stepTitle("h2", tr(s.Lang, msgDetailsTitle)),
		s.renderContact(),
		app.If(s.Checkout.Kind == buycard.ProductPhysical, func() app.UI {
			return el("div", nil, s.renderAddress(), s.renderRates())
		}),
		s.renderCode(),
		el("div", attrs{{"aria-live", "polite"}}, s.renderBreakdown()),
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

// A text field of the details: its name, label, input type and
// autocomplete token.
type textFieldSpec struct {
	name         string
	label        Message
	kind         string
	autocomplete string
}

var (
	emailField  = textFieldSpec{fieldEmail, msgEmail, "email", "email"}
	nameField   = textFieldSpec{fieldName, msgFullName, "text", "name"}
	phoneField  = textFieldSpec{fieldPhone, msgPhone, "tel", "tel"}
	regionField = textFieldSpec{fieldRegion, msgRegion, "text", "address-level1"}
	// streetFields come before the country, postalCodeField after the
	// region.
	streetFields = []textFieldSpec{
		{fieldLine1, msgLine1, "text", "address-line1"},
		{fieldLine2, msgLine2, "text", "address-line2"},
		{fieldCity, msgCity, "text", "address-level2"},
	}
	postalCodeField = textFieldSpec{fieldPostalCode, msgPostalCode, "text", "postal-code"}
)

func (s *detailsStep) renderContact() app.UI {
	fields := []app.UI{
		textEl("legend", nil, tr(s.Lang, msgContactLegend)),
		s.textField(emailField, tr(s.Lang, msgEmailHint)),
		s.textField(nameField, ""),
	}
	if s.Checkout.AskPhone {
		fields = append(fields, s.textField(phoneField, ""))
	}
	return el("fieldset", attrs{{"class", "bc-fields"}}, fields...)
}

func (s *detailsStep) renderAddress() app.UI {
	fields := []app.UI{textEl("legend", nil, tr(s.Lang, msgAddressLegend))}
	for _, f := range streetFields {
		fields = append(fields, s.textField(f, ""))
	}
	fields = append(fields, s.renderCountry(), s.renderRegion(), s.textField(postalCodeField, ""),
		textEl("button", attrs{{"type", "submit"}, {"name", "action"}, {"value", ActionShip}, {"class", "bc-secondary bc-ship"}},
			tr(s.Lang, msgUpdateShipping)).OnClick(s.onShip))
	return el("fieldset", attrs{{"class", "bc-fields"}}, fields...)
}

// textField is a labelled input of the details, its error (when it is
// at fault) and hint describing it.
func (s *detailsStep) textField(f textFieldSpec, hint string) app.UI {
	a := attrs{{"type", f.kind}, {"autocomplete", f.autocomplete}, {"value", *s.Details.field(f.name)}}
	input := void("input", s.controlAttrs(f.name, hint, a)).
		OnInput(s.onInput(f.name)).OnChange(s.onChange(f.name))
	return s.labelled(f.name, f.label, s.described(f.name, hint, input))
}

// controlAttrs are the attributes of field name's control: its id, name
// and class, then a, and what describes it: its hint, and the step's
// error when the error is about it.
func (s *detailsStep) controlAttrs(name, hint string, a attrs) attrs {
	id := fieldID(name)
	a = append(attrs{{"id", id}, {"name", name}, {"class", "bc-input"}}, a...)
	var ids string
	if hint != "" {
		ids = id + "-hint"
	}
	if s.fieldError(name) {
		ids = joinIDs(ids, id+"-error")
	}
	if ids != "" {
		a = append(a, attr{"aria-describedby", ids})
	}
	return a.set("aria-invalid", s.fieldError(name))
}

// fieldError reports whether the step's error is about field name.
func (s *detailsStep) fieldError(name string) bool {
	return s.ErrorField == name && s.Error != ""
}

// labelled is field name's control with its label.
func (s *detailsStep) labelled(name string, label Message, control app.UI) app.UI {
	return el("div", attrs{{"class", "bc-field"}}, textEl("label", attrs{{"for", fieldID(name)}}, tr(s.Lang, label)), control)
}

// described is field name's control followed by what controlAttrs tied
// to it: its hint, and the step's error when it is about the field.
func (s *detailsStep) described(name, hint string, control app.UI) app.UI {
	notes := []app.UI{control}
	if hint != "" {
		notes = append(notes, textEl("p", attrs{{"id", fieldID(name) + "-hint"}, {"class", "bc-field-hint"}}, hint))
	}
	if s.fieldError(name) {
		notes = append(notes, s.fieldErrorLine(name))
	}
	return el("div", nil, notes...)
}

// fieldErrorLine is the step's error under field name.
func (s *detailsStep) fieldErrorLine(name string) app.UI {
	return textEl("p", attrs{{"id", fieldID(name) + "-error"}, {"class", "bc-field-error"}}, s.Error)
}

func joinIDs(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// renderCountry is a select of the countries the offer ships to.
func (s *detailsStep) renderCountry() app.UI {
	options := []app.UI{option("", tr(s.Lang, msgChooseCountry), false)}
	for _, code := range s.Checkout.ShipCountries {
		options = append(options, option(code, countryName(code, s.Lang), code == s.Details.Country))
	}
	return s.labelled(fieldCountry, msgCountry, s.described(fieldCountry, "", s.selectOf(fieldCountry, "country", options)))
}

// renderRegion is a select of the country's regions when it lists them
// (US states, Canadian provinces), else a text field.
func (s *detailsStep) renderRegion() app.UI {
	regions := buycard.Regions[s.Details.Country]
	if len(regions) == 0 {
		return s.textField(regionField, "")
	}
	options := []app.UI{option("", "", false)}
	for _, r := range regions {
		options = append(options, option(r.Code, r.Name, r.Code == s.Details.Region))
	}
	return s.labelled(fieldRegion, msgRegion, s.described(fieldRegion, "", s.selectOf(fieldRegion, "address-level1", options)))
}

// selectOf is the select of field name.
func (s *detailsStep) selectOf(name, autocomplete string, options []app.UI) app.UI {
	return el("select", s.controlAttrs(name, "", attrs{{"autocomplete", autocomplete}}), options...).
		OnChange(s.onSelect(name))
}

func option(value, text string, selected bool) app.UI {
	return textEl("option", attrs{{"value", value}}.set("selected", selected), text)
}

// renderRates are the shipping options for the address, as radios, and
// the step's error when it is that none is chosen.
func (s *detailsStep) renderRates() app.UI {
	body := []app.UI{textEl("legend", nil, tr(s.Lang, msgShippingLegend))}
	if s.Quote == nil || len(s.Quote.ShippingOptions) == 0 {
		body = append(body, textEl("p", attrs{{"class", "bc-hint"}}, tr(s.Lang, msgShippingAfterAddress)))
	}
	if s.Quote != nil {
		for _, o := range s.Quote.ShippingOptions {
			body = append(body, s.renderRate(o))
		}
	}
	id := fieldID(fieldRate)
	a := attrs{{"id", id}, {"tabindex", "-1"}, {"class", "bc-variants bc-rates"}}
	if s.fieldError(fieldRate) {
		a = append(a, attr{"aria-describedby", id + "-error"})
		body = append(body, s.fieldErrorLine(fieldRate))
	}
	return el("fieldset", a, body...)
}

func (s *detailsStep) renderRate(o buycard.ShippingOption) app.UI {
	a := attrs{{"type", "radio"}, {"id", "bc-rate-" + o.RateID}, {"name", fieldRate}, {"value", o.RateID}}
	return el("label", attrs{{"class", "bc-option"}},
		void("input", a.set("checked", o.RateID == s.Quote.ShippingRateID)).OnChange(s.onSelect(fieldRate)),
		textEl("span", attrs{{"class", "bc-option-name"}}, o.Name),
		textEl("span", attrs{{"class", "bc-option-detail"}}, o.Amount.Format(s.Lang)),
	)
}

func (s *detailsStep) renderCode() app.UI {
	a := attrs{{"type", "text"}, {"autocomplete", "off"}, {"autocapitalize", "characters"}, {"spellcheck", "false"},
		{"value", s.Details.DiscountCode}}
	input := void("input", s.controlAttrs(FieldDiscountCode, "", a)).
		OnInput(s.onInput(FieldDiscountCode)).OnKeyDown(s.onCodeKey)
	apply := textEl("button", attrs{{"type", "submit"}, {"name", "action"}, {"value", ActionApply}, {"class", "bc-secondary bc-apply"}},
		tr(s.Lang, msgApplyCode)).OnClick(s.onApply)
	return s.labelled(FieldDiscountCode, msgDiscountCode,
		el("div", attrs{{"class", "bc-code-row"}}, s.described(FieldDiscountCode, "", input), apply))
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
