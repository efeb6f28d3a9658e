package console

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// ppmPercent writes parts per million as a percent with the decimals it
// needs: 88750 is "8.875".
func ppmPercent(ppm int64) string {
	s := strconv.FormatInt(ppm/10_000, 10)
	if frac := ppm % 10_000; frac != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(10_000+frac, 10)[1:], "0")
	}
	return s
}

// parsePPM reads a percent with up to four decimals ("8.875") as parts
// per million, from 0 to 100%.
func parsePPM(s string) (int64, error) {
	n, err := ui.ParseDecimal(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")), 4, "The rate")
	if err == nil && n > buycard.MaxTaxRatePPM {
		err = buycard.Errorf(buycard.EINVALID, "The rate must be at most 100%%.")
	}
	return n, err
}

// placeName is a tax rate's place for reading: "New York, United States".
func placeName(country, region string) string {
	name := buycard.CountryName(country)
	for _, r := range buycard.Regions[country] {
		if r.Code == region {
			return r.Name + ", " + name
		}
	}
	return name
}

// Fields of the new tax rate form (TaxRateForm).
const (
	taxCountryField = "tax-country"
	taxRegionField  = "tax-region"
	taxRateField    = "tax-rate"
)

// TaxRateFields are the new tax rate form's fields.
var TaxRateFields = []string{taxCountryField, taxRegionField, taxRateField}

// TaxRatesAction is where the new tax rate form posts; a rate's delete
// button posts to TaxRateDeleteAction.
const TaxRatesAction = Base + "/settings/tax-rates"

// TaxRateDeleteAction is where the delete button of the rate id posts.
func TaxRateDeleteAction(id string) string {
	return TaxRatesAction + "/" + url.PathEscape(id) + "/delete"
}

// taxRateForm is a new tax rate as the form holds it.
type taxRateForm struct{ Country, Region, Rate string }

func taxRateFormFrom(v url.Values) taxRateForm {
	place := func(name string) string { return strings.TrimPrefix(v.Get(name), noPlace) }
	return taxRateForm{Country: place(taxCountryField), Region: place(taxRegionField), Rate: v.Get(taxRateField)}
}

// request checks the form and returns the rate it adds (of no merchant
// yet), or the error of each field by its input id. The server checks
// everything again.
func (f taxRateForm) request() (*buycard.TaxRate, map[string]string) {
	errs := map[string]string{}
	ppm, err := parsePPM(f.Rate)
	if err != nil {
		errs[taxRateField] = message(err)
	}
	if f.Country == "" {
		errs[taxCountryField] = "Choose a country."
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &buycard.TaxRate{Country: f.Country, Region: f.Region, RatePPM: ppm}, nil
}

// TaxRateForm reads a posted new tax rate form (TaxRateFields) as the
// rate it adds, of no merchant yet, or the error of each field.
func TaxRateForm(v url.Values) (*buycard.TaxRate, map[string]string) {
	return taxRateFormFrom(v).request()
}

// taxRatesPanel lists a merchant's tax rates on the settings page, adds
// and deletes them.
type taxRatesPanel struct {
	app.Compo
	pageAnchor
	S *session

	loaded  string
	rates   buycard.TaxRateList
	loading bool
	listErr string

	form     taxRateForm
	errs     map[string]string
	busy     bool
	err, ok  string
	deleting string // the id of the rate being deleted
}

func (p *taxRatesPanel) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *taxRatesPanel) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *taxRatesPanel) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *taxRatesPanel) load(ctx app.Context) {
	if !p.S.canRead() || !atPath(ctx, "/settings") || !onPage(ctx, &p.loaded) {
		return
	}
	p.form, p.errs, p.err, p.ok = taxRateForm{}, nil, "", ""
	p.S.takeFill(TaxRatesAction).spend(func(v url.Values) { p.form = taxRateFormFrom(v) }, &p.err, &p.ok, "Tax rate added.")
	p.reload(ctx)
}

func (p *taxRatesPanel) reload(ctx app.Context) {
	p.loading, p.listErr = true, ""
	var reply struct {
		Rates buycard.TaxRateList `json:"tax_rates"`
	}
	ui.Run(p.own(ctx), func() error { return p.S.api.get("/v1/tax-rates", &reply) }, func(ctx app.Context, err error) {
		p.loading = false
		if err != nil {
			p.listErr = message(err)
			return
		}
		p.rates = reply.Rates
	})
}

func (p *taxRatesPanel) Render() app.UI {
	f := &p.form
	return app.Section().Class("cs-panel").Aria("labelledby", "tax-h").Body(
		app.H2().ID("tax-h").Class("cs-panel-title").Text("Tax rates"),
		app.P().Class("cs-hint cs-lead").Text("Used when orders are taxed with your rates, and in the sandbox with Stripe Tax. A state’s or province’s rate replaces its country’s: enter the combined rate you charge there."),
		ui.Status(p.listErr, ""),
		app.If(p.loading, func() app.UI { return app.P().Class("cs-loading").Text("Loading…") }),
		app.If(!p.loading && p.listErr == "" && len(p.rates) == 0, func() app.UI { return app.P().Text("No tax rates yet.") }),
		app.If(len(p.rates) > 0, func() app.UI {
			return ui.Table("Tax rates", []string{"Where", "Rate", ""}, map[int]bool{1: true}, len(p.rates), func(i int) []app.UI {
				r := p.rates[i]
				where := placeName(r.Country, r.Region)
				return []app.UI{
					app.Text(where),
					app.Text(ppmPercent(r.RatePPM) + "%"),
					p.S.rowAction(TaxRateDeleteAction(r.ID), rowButton("Delete", "Delete the rate of "+where).Class("cs-danger").Disabled(p.deleting != ""),
						func(ctx app.Context) { p.delete(ctx, r.ID) }),
				}
			})
		}),
		ui.PageForm("New tax rate", TaxRatesAction, []ui.Hidden{{Name: CSRFField, Value: p.S.csrf()}}, p.add,
			app.Div().Class("cs-row").Body(
				placeSelect(taxCountryField, "Country", f.Country, countryOptions("Choose…"), func(v string) { f.Country, f.Region = v, "" }),
				p.renderRegions(),
				ui.TextInput(ui.Field{ID: taxRateField, Label: "Rate (%)", Value: f.Rate, Required: true, MaxLength: 9, Autocomplete: "off",
					Hint: "Up to four decimals, such as 8.875.", Error: p.errs[taxRateField]}, func(_ app.Context, v string) { f.Rate = v }),
			),
			app.If(p.errs[taxCountryField] != "", func() app.UI { return app.P().Class("cs-field-error").Text(p.errs[taxCountryField]) }),
			ui.Status(p.err, p.ok),
			ui.SubmitButton("Add tax rate", p.busy),
		),
	)
}

// renderRegions is the select of the chosen country's states or
// provinces, if it has any. Before the WASM, with no country chosen
// yet, it offers every country's, grouped by country: the server checks
// that the one sent is the country's.
func (p *taxRatesPanel) renderRegions() app.UI {
	if app.IsServer && p.form.Country == "" {
		return allRegionsSelect(taxRegionField, "State or province")
	}
	regions := []ui.Option{{Value: noPlace, Label: "The whole country"}}
	for _, r := range buycard.Regions[p.form.Country] {
		regions = append(regions, ui.Option{Value: r.Code, Label: r.Name})
	}
	if len(regions) == 1 {
		return app.Text("")
	}
	return placeSelect(taxRegionField, "State or province", p.form.Region, regions, func(v string) { p.form.Region = v })
}

// allRegionsSelect is a select of every country's regions, grouped by
// country, after "The whole country".
func allRegionsSelect(id, label string) app.UI {
	countries := slices.Sorted(maps.Keys(buycard.Regions))
	return app.Div().Class("cs-field").Body(
		app.Label().For(id).Text(label),
		app.Select().ID(id).Name(id).Body(
			app.Option().Value(noPlace).Selected(true).Text("The whole country"),
			app.Range(countries).Slice(func(i int) app.UI {
				regions := buycard.Regions[countries[i]]
				return app.OptGroup().Label(buycard.CountryName(countries[i])).Body(app.Range(regions).Slice(func(j int) app.UI {
					return app.Option().Value(regions[j].Code).Text(regions[j].Name)
				}))
			}),
		),
	)
}

func (p *taxRatesPanel) add(ctx app.Context) {
	p.err, p.ok = "", ""
	rate, errs := p.form.request()
	p.errs = errs
	if len(errs) > 0 {
		p.err = "Check the highlighted fields."
		ui.FocusFirst(ctx, errs, taxCountryField, taxRateField)
		return
	}
	p.busy = true
	body := map[string]any{"country": rate.Country, "region": rate.Region, "rate_ppm": rate.RatePPM}
	ui.Run(p.own(ctx), func() error { return p.S.api.do("POST", "/v1/tax-rates", body, nil) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.ok = "Added the rate of " + placeName(rate.Country, rate.Region) + "."
		p.form = taxRateForm{}
		p.reload(ctx)
	})
}

func (p *taxRatesPanel) delete(ctx app.Context, id string) {
	p.deleting, p.err, p.ok = id, "", ""
	ui.Run(p.own(ctx), func() error { return p.S.api.do("DELETE", "/v1/tax-rates/"+id, nil, nil) }, func(ctx app.Context, err error) {
		p.deleting = ""
		if err != nil {
			p.err = message(err)
			return
		}
		p.ok = "Rate deleted."
		p.reload(ctx)
	})
}
