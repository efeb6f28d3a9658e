package console

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// noPlace is the value of a place select's first option, "no country"
// or "the whole country": go-app drops an empty value attribute, and the
// option's text would become its value.
const noPlace = "-"

// countryOptions are the countries for a select, after a first option
// (noPlace) labelled first.
func countryOptions(first string) []ui.Option {
	opts := []ui.Option{{Value: noPlace, Label: first}}
	for _, c := range buycard.Countries {
		opts = append(opts, ui.Option{Value: c.Code, Label: c.Name})
	}
	return opts
}

// placeSelect is a select of places whose value "" is the noPlace option.
func placeSelect(id, label, value string, options []ui.Option, onChange func(v string)) app.UI {
	if value == "" {
		value = noPlace
	}
	return ui.SelectInput(id, label, value, options, func(_ app.Context, v string) {
		if v == noPlace {
			v = ""
		}
		onChange(v)
	})
}

// settingsForm is the merchant's settings as the form holds them.
type settingsForm struct {
	BusinessName, SupportEmail, RefundPolicy, OriginCountry, TaxID string
	TaxMode, TwitterHandle                                         string
	PricesIncludeTax, TaxShipping, AskPhone                        bool
}

func settingsFormOf(s *buycard.MerchantSettings) settingsForm {
	return settingsForm{BusinessName: s.BusinessName, SupportEmail: s.SupportEmail, RefundPolicy: s.RefundPolicy,
		OriginCountry: s.OriginCountry, TaxID: s.TaxID, TaxMode: string(s.TaxMode),
		PricesIncludeTax: s.PricesIncludeTax, TaxShipping: s.TaxShipping, AskPhone: s.AskPhone, TwitterHandle: s.TwitterHandle}
}

// request checks the form and makes the PATCH /v1/merchant/settings body,
// or returns the error of each field by its input id. The server checks
// everything again.
func (f settingsForm) request() (*buycard.MerchantSettingsEdit, map[string]string) {
	errs := map[string]string{}
	if email := strings.TrimSpace(f.SupportEmail); email != "" {
		if _, err := buycard.NormalizeEmail(email); err != nil {
			errs["set-email"] = "Enter a valid email address, or leave it empty."
		}
	}
	mode := buycard.TaxMode(f.TaxMode)
	if mode == buycard.TaxStripe && f.OriginCountry == "" {
		errs["set-country"] = "Stripe Tax needs the country you sell from."
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &buycard.MerchantSettingsEdit{BusinessName: &f.BusinessName, SupportEmail: &f.SupportEmail,
		RefundPolicy: &f.RefundPolicy, OriginCountry: &f.OriginCountry, TaxID: &f.TaxID, TaxMode: &mode,
		PricesIncludeTax: &f.PricesIncludeTax, TaxShipping: &f.TaxShipping, AskPhone: &f.AskPhone, TwitterHandle: &f.TwitterHandle}, nil
}

// settingsPage is /console/settings: what a merchant configures for the
// sale after the payment — who shoppers deal with, its refund policy and
// how orders are taxed — and, below, its tax rates and shipping zones.
type settingsPage struct {
	app.Compo
	pageAnchor
	s *session

	loaded  string
	saved   *buycard.MerchantSettings
	loadErr string
	form    settingsForm
	errs    map[string]string
	busy    bool
	err, ok string
	// fill is the form the server refused or saved (or typed before the
	// WASM), which the first load shows over the stored settings.
	fill formFill
}

// SettingsFields are the ids and form names of the settings form's fields,
// which the server reads when the form is posted before the WASM
// (SettingsForm).
var SettingsFields = []string{"set-name", "set-email", "set-refunds", "set-country", "set-taxid", "set-twitter", "set-phone",
	"set-taxmode", "set-inclusive", "set-taxship"}

// settingsFormFrom reads a posted settings form (SettingsFields): a
// checkbox is on when it was sent, a country "-" is none.
func settingsFormFrom(v url.Values) settingsForm {
	country := v.Get("set-country")
	if country == noPlace {
		country = ""
	}
	return settingsForm{BusinessName: v.Get("set-name"), SupportEmail: v.Get("set-email"), RefundPolicy: v.Get("set-refunds"),
		OriginCountry: country, TaxID: v.Get("set-taxid"), TwitterHandle: v.Get("set-twitter"), TaxMode: v.Get("set-taxmode"),
		AskPhone: v.Has("set-phone"), PricesIncludeTax: v.Has("set-inclusive"), TaxShipping: v.Has("set-taxship")}
}

// SettingsForm checks a posted settings form as the page checks it and
// returns the PATCH /v1/merchant/settings edit, or the error of each field.
func SettingsForm(v url.Values) (*buycard.MerchantSettingsEdit, map[string]string) {
	return settingsFormFrom(v).request()
}

func newSettingsPage(s *session, _ []string) app.UI {
	return &settingsPage{s: s, fill: s.takeFill(Base + "/settings")}
}

func (p *settingsPage) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *settingsPage) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *settingsPage) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *settingsPage) load(ctx app.Context) {
	if !p.s.canRead() || !atPath(ctx, "/settings") || !onPage(ctx, &p.loaded) {
		return
	}
	p.saved, p.loadErr, p.errs, p.busy, p.err, p.ok = nil, "", nil, false, "", ""
	var got buycard.MerchantSettings
	ui.Run(ctx, func() error { return p.s.api.get("/v1/merchant/settings", &got) }, func(ctx app.Context, err error) {
		if err != nil {
			p.loadErr = message(err)
			return
		}
		p.saved, p.form = &got, settingsFormOf(&got)
		p.fill = p.fill.spend(func(v url.Values) { p.form = settingsFormFrom(v) }, &p.err, &p.ok, "Settings saved.")
	})
}

func (p *settingsPage) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Settings"),
		app.P().Class("cs-lead").Text("What shoppers see after they pay: who they bought from, how to reach you, your refund policy, tax and shipping."),
		ui.Status(p.loadErr, ""),
		app.If(p.saved == nil && p.loadErr == "", func() app.UI { return app.P().Class("cs-loading").Aria("busy", "true").Text("Loading…") }),
		app.If(p.saved != nil, p.renderForm),
		&taxRatesPanel{S: p.s},
		&shippingPanel{S: p.s},
		app.If(p.saved != nil, func() app.UI {
			return feedsPanel(p.s, p.saved.MerchantID, "Your products open to publishers, for shopping and dynamic product ads: add one of these URLs as a scheduled feed.")
		}),
	)
}

func (p *settingsPage) renderForm() app.UI {
	f := &p.form
	modes := []ui.Option{
		{Value: string(buycard.TaxNone), Label: "No tax"},
		{Value: string(buycard.TaxRates), Label: "My tax rates (below)"},
		{Value: string(buycard.TaxStripe), Label: "Stripe Tax (my rates in the sandbox)"},
	}
	return ui.PageForm("Settings", Base+"/settings", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.save,
		app.Section().Class("cs-panel").Aria("labelledby", "set-business-h").Body(
			app.H2().ID("set-business-h").Class("cs-panel-title").Text("Business"),
			ui.TextInput(ui.Field{ID: "set-name", Label: "Business name", Value: f.BusinessName, MaxLength: 120,
				Hint: "On receipts and order pages. Empty shows your account's name."}, func(_ app.Context, v string) { f.BusinessName = v }),
			ui.TextInput(ui.Field{ID: "set-email", Label: "Support email", Type: "email", Value: f.SupportEmail, Autocomplete: "email",
				Hint: "Where shoppers write about an order.", Error: p.errs["set-email"]}, func(_ app.Context, v string) { f.SupportEmail = v }),
			ui.TextInput(ui.Field{ID: "set-refunds", Label: "Refund policy", Type: "textarea", Value: f.RefundPolicy, MaxLength: 5000,
				Hint: "Shown on the order page."}, func(_ app.Context, v string) { f.RefundPolicy = v }),
			app.Div().Class("cs-row").Body(
				placeSelect("set-country", "Country you sell from", f.OriginCountry, countryOptions("Choose…"),
					func(v string) { f.OriginCountry = v }),
				ui.TextInput(ui.Field{ID: "set-taxid", Label: "Tax registration number", Value: f.TaxID, MaxLength: 40},
					func(_ app.Context, v string) { f.TaxID = v }),
			),
			app.If(p.errs["set-country"] != "", func() app.UI { return app.P().Class("cs-field-error").Text(p.errs["set-country"]) }),
			ui.TextInput(ui.Field{ID: "set-twitter", Label: "X (Twitter) handle", Value: f.TwitterHandle, MaxLength: 16,
				Hint: "Named in the previews of your product links, like @northwind."}, func(_ app.Context, v string) { f.TwitterHandle = v }),
			ui.Checkbox("set-phone", "Ask buyers for a phone number", f.AskPhone, func(_ app.Context, v bool) { f.AskPhone = v }),
		),
		app.Section().Class("cs-panel").Aria("labelledby", "set-tax-h").Body(
			app.H2().ID("set-tax-h").Class("cs-panel-title").Text("Tax"),
			ui.RadioGroup("set-taxmode", "How orders are taxed", f.TaxMode, modes, func(_ app.Context, v string) { f.TaxMode = v }),
			ui.Checkbox("set-inclusive", "My prices and shipping rates include tax", f.PricesIncludeTax, func(_ app.Context, v bool) { f.PricesIncludeTax = v }),
			ui.Checkbox("set-taxship", "Charge tax on shipping", f.TaxShipping, func(_ app.Context, v bool) { f.TaxShipping = v }),
		),
		ui.Status(p.err, p.ok),
		ui.SubmitButton("Save settings", p.busy),
	)
}

func (p *settingsPage) save(ctx app.Context) {
	p.err, p.ok = "", ""
	body, errs := p.form.request()
	p.errs = errs
	if len(errs) > 0 {
		p.err = "Check the highlighted fields."
		ui.FocusFirst(ctx, errs, "set-email", "set-country")
		return
	}
	p.busy = true
	var got buycard.MerchantSettings
	ui.Run(p.own(ctx), func() error { return p.s.api.do("PATCH", "/v1/merchant/settings", body, &got) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.saved, p.form, p.ok = &got, settingsFormOf(&got), "Settings saved."
	})
}
