package console

import (
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

	country, region, rate string
	errs                  map[string]string
	busy                  bool
	err, ok               string
	deleting              string // the id of the rate being deleted
}

func (p *taxRatesPanel) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *taxRatesPanel) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *taxRatesPanel) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *taxRatesPanel) load(ctx app.Context) {
	if !p.S.canRead() || !atPath(ctx, "/settings") || !onPage(ctx, &p.loaded) {
		return
	}
	p.country, p.region, p.rate, p.errs, p.err, p.ok = "", "", "", nil, "", ""
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
	regions := []ui.Option{{Value: noPlace, Label: "The whole country"}}
	for _, r := range buycard.Regions[p.country] {
		regions = append(regions, ui.Option{Value: r.Code, Label: r.Name})
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "tax-h").Body(
		app.H2().ID("tax-h").Class("cs-panel-title").Text("Tax rates"),
		app.P().Class("cs-hint cs-lead").Text("Used when orders are taxed with your rates, and in the sandbox with Stripe Tax. A state’s or province’s rate replaces its country’s: enter the combined rate you charge there."),
		ui.Status(p.listErr, ""),
		app.If(p.loading, func() app.UI { return app.P().Class("cs-loading").Text("Loading…") }),
		app.If(!p.loading && p.listErr == "" && len(p.rates) == 0, func() app.UI { return app.P().Text("No tax rates yet.") }),
		app.If(len(p.rates) > 0, func() app.UI {
			return ui.Table("Tax rates", []string{"Where", "Rate", ""}, map[int]bool{1: true}, len(p.rates), func(i int) []app.UI {
				r := p.rates[i]
				return []app.UI{
					app.Text(placeName(r.Country, r.Region)),
					app.Text(ppmPercent(r.RatePPM) + "%"),
					app.Button().Type("button").Class("cs-danger").Aria("label", "Delete the rate of "+placeName(r.Country, r.Region)).
						Disabled(p.deleting != "").Text("Delete").OnClick(func(ctx app.Context, _ app.Event) { p.delete(ctx, r.ID) }),
				}
			})
		}),
		ui.Form("New tax rate", p.add,
			app.Div().Class("cs-row").Body(
				placeSelect("tax-country", "Country", p.country, countryOptions("Choose…"), func(v string) { p.country, p.region = v, "" }),
				app.If(len(regions) > 1, func() app.UI {
					return placeSelect("tax-region", "State or province", p.region, regions, func(v string) { p.region = v })
				}),
				ui.TextInput(ui.Field{ID: "tax-rate", Label: "Rate (%)", Value: p.rate, Required: true, MaxLength: 9, Autocomplete: "off",
					Hint: "Up to four decimals, such as 8.875.", Error: p.errs["tax-rate"]}, func(_ app.Context, v string) { p.rate = v }),
			),
			app.If(p.errs["tax-country"] != "", func() app.UI { return app.P().Class("cs-field-error").Text(p.errs["tax-country"]) }),
			ui.Status(p.err, p.ok),
			ui.SubmitButton("Add tax rate", p.busy),
		),
	)
}

func (p *taxRatesPanel) add(ctx app.Context) {
	p.err, p.ok, p.errs = "", "", map[string]string{}
	ppm, err := parsePPM(p.rate)
	if err != nil {
		p.errs["tax-rate"] = message(err)
	}
	if p.country == "" {
		p.errs["tax-country"] = "Choose a country."
	}
	if len(p.errs) > 0 {
		p.err = "Check the highlighted fields."
		ui.FocusFirst(ctx, p.errs, "tax-country", "tax-rate")
		return
	}
	p.busy = true
	body := map[string]any{"country": p.country, "region": p.region, "rate_ppm": ppm}
	ui.Run(p.own(ctx), func() error { return p.S.api.do("POST", "/v1/tax-rates", body, nil) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.ok = "Added the rate of " + placeName(p.country, p.region) + "."
		p.country, p.region, p.rate = "", "", ""
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
