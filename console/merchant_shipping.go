package console

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// rateForm is one shipping rate as typed.
type rateForm struct {
	Name, Currency, Kind, Amount, FreeOver string
}

// blank reports whether nothing was typed in the rate: the form leaves
// it out, so that a rate emptied before the WASM is removed.
func (r rateForm) blank() bool {
	return strings.TrimSpace(r.Name+r.Amount+r.FreeOver) == ""
}

// zoneForm is a shipping zone as the form holds it; ID is "" for a new
// one.
type zoneForm struct {
	ID, Name, Countries string
	Rates               []rateForm
}

// Fields of the shipping zone form (ShippingZoneForm); rate i's fields
// are fieldID(name, i) of rateFields.
const (
	zoneIDField        = "zone-id"
	zoneNameField      = "zone-name"
	zoneCountriesField = "zone-countries"
)

var rateFields = []string{"rate-name", "rate-currency", "rate-kind", "rate-amount", "rate-free"}

// ShippingZoneFields are the shipping zone form's fields, with those of
// as many rates as a zone can have and the empty one the form offers
// before the WASM.
var ShippingZoneFields = func() []string {
	names := []string{zoneIDField, zoneNameField, zoneCountriesField}
	for i := 0; i <= buycard.MaxRatesPerZone; i++ {
		for _, name := range rateFields {
			names = append(names, fieldID(name, i))
		}
	}
	return names
}()

// ShippingZonesAction is where the shipping zone form posts, for a new
// zone or an edited one; a zone's delete button posts to
// ShippingZoneDeleteAction.
const ShippingZonesAction = Base + "/settings/shipping-zones"

// ShippingZoneDeleteAction is where the delete button of the zone id
// posts.
func ShippingZoneDeleteAction(id string) string {
	return ShippingZonesAction + "/" + url.PathEscape(id) + "/delete"
}

// ShippingZoneForm reads a posted shipping zone form
// (ShippingZoneFields) as the zone it saves, of no merchant yet (ID ""
// for a new one), or the error of each field.
func ShippingZoneForm(v url.Values) (*buycard.ShippingZone, map[string]string) {
	return zoneFormFrom(v).request()
}

func zoneFormFrom(v url.Values) zoneForm {
	f := zoneForm{ID: v.Get(zoneIDField), Name: v.Get(zoneNameField), Countries: v.Get(zoneCountriesField)}
	for i := 0; i <= buycard.MaxRatesPerZone; i++ {
		r := rateForm{Name: v.Get(fieldID("rate-name", i)), Currency: v.Get(fieldID("rate-currency", i)), Kind: v.Get(fieldID("rate-kind", i)),
			Amount: v.Get(fieldID("rate-amount", i)), FreeOver: v.Get(fieldID("rate-free", i))}
		if !r.blank() {
			f.Rates = append(f.Rates, r)
		}
	}
	return f
}

func newZoneForm() zoneForm {
	return zoneForm{Rates: []rateForm{{Name: "Standard", Currency: "USD", Kind: string(buycard.ShipFlat)}}}
}

func zoneFormOf(z *buycard.ShippingZone) zoneForm {
	f := zoneForm{ID: z.ID, Name: z.Name, Countries: strings.Join(z.Countries, ", ")}
	for _, r := range z.Rates {
		free := ""
		if r.FreeOver > 0 {
			free = ui.DecimalText(r.FreeOver, r.Currency)
		}
		f.Rates = append(f.Rates, rateForm{Name: r.Name, Currency: r.Currency, Kind: string(r.Kind),
			Amount: ui.DecimalText(r.Amount, r.Currency), FreeOver: free})
	}
	return f
}

// request checks the form and returns the zone it saves, of no merchant
// yet, or the error of each field by its input id. The server checks
// everything again.
func (f zoneForm) request() (*buycard.ShippingZone, map[string]string) {
	errs := map[string]string{}
	if strings.TrimSpace(f.Name) == "" {
		errs[zoneNameField] = "Enter a name, such as Domestic."
	}
	countries := strings.FieldsFunc(strings.ToUpper(f.Countries), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })
	for _, c := range countries {
		if !buycard.ValidCountry(c) {
			errs[zoneCountriesField] = c + " is not a country code: use two letters, such as US or FR."
			break
		}
	}
	if len(countries) == 0 {
		errs[zoneCountriesField] = "Enter at least one country code."
	}
	if len(f.Rates) == 0 {
		errs["zone-rates"] = "Add at least one rate."
	}
	var rates []buycard.ShippingRate
	for i, r := range f.Rates {
		if strings.TrimSpace(r.Name) == "" {
			errs[fieldID("rate-name", i)] = "Enter a name."
		}
		amount, err := ui.ParseMoney(r.Amount, r.Currency, "The price")
		if err != nil {
			errs[fieldID("rate-amount", i)] = message(err)
		}
		var free int64
		if strings.TrimSpace(r.FreeOver) != "" {
			if free, err = ui.ParseMoney(r.FreeOver, r.Currency, "The threshold"); err != nil {
				errs[fieldID("rate-free", i)] = message(err)
			}
		}
		rates = append(rates, buycard.ShippingRate{Name: strings.TrimSpace(r.Name), Currency: r.Currency,
			Kind: buycard.ShippingRateKind(r.Kind), Amount: amount, FreeOver: free})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &buycard.ShippingZone{ID: f.ID, Name: strings.TrimSpace(f.Name), Countries: countries, Rates: rates}, nil
}

// shippingPanel lists a merchant's shipping zones on the settings page,
// and adds, edits and deletes them.
type shippingPanel struct {
	app.Compo
	pageAnchor
	S *session

	loaded  string
	zones   buycard.ShippingZones
	loading bool
	listErr string

	form     zoneForm
	editing  string // the zone to edit once loaded (?zone= before the WASM)
	errs     map[string]string
	busy     bool
	err, ok  string
	deleting string
}

func (p *shippingPanel) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *shippingPanel) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *shippingPanel) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *shippingPanel) load(ctx app.Context) {
	if !p.S.canRead() || !atPath(ctx, "/settings") || !onPage(ctx, &p.loaded) {
		return
	}
	p.form, p.errs, p.err, p.ok = newZoneForm(), nil, "", ""
	p.editing = ctx.Page().URL().Query().Get("zone")
	p.S.takeFill(ShippingZonesAction).spend(func(v url.Values) { p.form, p.editing = zoneFormFrom(v), "" }, &p.err, &p.ok, "Zone saved.")
	p.reload(ctx)
}

func (p *shippingPanel) reload(ctx app.Context) {
	p.loading, p.listErr = true, ""
	var reply struct {
		Zones buycard.ShippingZones `json:"shipping_zones"`
	}
	ui.Run(p.own(ctx), func() error { return p.S.api.get("/v1/shipping-zones", &reply) }, func(ctx app.Context, err error) {
		p.loading = false
		if err != nil {
			p.listErr = message(err)
			return
		}
		p.zones = reply.Zones
		for _, z := range p.zones {
			if z.ID == p.editing {
				p.form = zoneFormOf(z)
			}
		}
		p.editing = ""
	})
}

// rateText is a rate for reading: "Standard: $4.50 per order, free from $100.00".
func rateText(r buycard.ShippingRate) string {
	s := r.Name + ": " + ui.MoneyText(r.Amount, r.Currency)
	if r.Kind == buycard.ShipPerItem {
		s += " per item"
	} else {
		s += " per order"
	}
	if r.FreeOver > 0 {
		s += ", free from " + ui.MoneyText(r.FreeOver, r.Currency)
	}
	return s
}

func (p *shippingPanel) Render() app.UI {
	return app.Section().Class("cs-panel").Aria("labelledby", "ship-h").Body(
		app.H2().ID("ship-h").Class("cs-panel-title").Text("Shipping zones"),
		app.P().Class("cs-hint cs-lead").Text("Where your physical products ship, and what shoppers there pay. A shopper sees the rates of every zone listing their country, in the order's currency."),
		ui.Status(p.listErr, ""),
		app.If(p.loading, func() app.UI { return app.P().Class("cs-loading").Text("Loading…") }),
		app.If(!p.loading && p.listErr == "" && len(p.zones) == 0, func() app.UI { return app.P().Text("No shipping zones yet: physical products cannot ship.") }),
		app.Range(p.zones).Slice(func(i int) app.UI { return p.renderZone(p.zones[i]) }),
		p.renderForm(),
	)
}

// renderZone is one stored zone: a box rather than a table row, so that
// its countries and rates wrap on a phone.
func (p *shippingPanel) renderZone(z *buycard.ShippingZone) app.UI {
	names := make([]string, len(z.Countries))
	for j, c := range z.Countries {
		names[j] = buycard.CountryName(c)
	}
	return app.Article().Class("cs-variant").Aria("label", z.Name).Body(
		app.H3().Text(z.Name),
		app.P().Text(strings.Join(names, ", ")),
		app.Ul().Body(app.Range(z.Rates).Slice(func(j int) app.UI { return app.Li().Text(rateText(z.Rates[j])) })),
		app.Div().Class("cs-actions").Body(
			app.If(app.IsServer, func() app.UI {
				return app.A().Class("cs-button").Href(Base+"/settings?"+url.Values{"zone": {z.ID}}.Encode()+"#zone-h").Aria("label", "Edit "+z.Name).Text("Edit")
			}).Else(func() app.UI {
				return app.Button().Type("button").Aria("label", "Edit "+z.Name).Text("Edit").OnClick(func(ctx app.Context, _ app.Event) { p.edit(ctx, z) })
			}),
			p.S.rowAction(ShippingZoneDeleteAction(z.ID), rowButton("Delete", "Delete "+z.Name).Class("cs-danger").Disabled(p.deleting != ""),
				func(ctx app.Context) { p.delete(ctx, z.ID) }),
		),
	)
}

func (p *shippingPanel) renderForm() app.UI {
	f := &p.form
	title, submit := "New shipping zone", "Add zone"
	if f.ID != "" {
		title, submit = "Edit "+f.Name, "Save zone"
	}
	rates := f.Rates
	if app.IsServer && len(rates) < buycard.MaxRatesPerZone {
		// Before the WASM, an empty rate stands in for Add rate.
		rates = append(slices.Clip(rates), rateForm{Currency: "USD", Kind: string(buycard.ShipFlat)})
	}
	return ui.PageForm(title, ShippingZonesAction, []ui.Hidden{{Name: CSRFField, Value: p.S.csrf()}, {Name: zoneIDField, Value: f.ID}}, p.save,
		app.H3().ID("zone-h").Text(title),
		ui.TextInput(ui.Field{ID: zoneNameField, Label: "Zone name", Value: f.Name, Required: true, MaxLength: 100, Error: p.errs[zoneNameField]},
			func(_ app.Context, v string) { f.Name = v }),
		ui.TextInput(ui.Field{ID: zoneCountriesField, Label: "Country codes", Value: f.Countries, Required: true, Autocomplete: "off",
			Hint: "Two-letter codes separated by commas, such as US, CA.", Error: p.errs[zoneCountriesField]},
			func(_ app.Context, v string) { f.Countries = v }),
		app.If(p.errs["zone-rates"] != "", func() app.UI { return app.P().Class("cs-field-error").Text(p.errs["zone-rates"]) }),
		app.If(app.IsServer, func() app.UI {
			return app.P().Class("cs-hint").Text("Leave a rate empty to remove it; fill in the empty one to add it.")
		}),
		app.Range(rates).Slice(func(i int) app.UI { return p.renderRate(rates, i) }),
		app.Div().Class("cs-actions cs-add").Body(
			app.If(!app.IsServer, func() app.UI {
				return app.Button().Type("button").Text("Add rate").OnClick(func(ctx app.Context, _ app.Event) {
					f.Rates = append(f.Rates, rateForm{Currency: "USD", Kind: string(buycard.ShipFlat)})
					ui.Focus(ctx, fieldID("rate-name", len(f.Rates)-1))
				})
			}),
			app.If(f.ID != "", func() app.UI {
				if app.IsServer {
					return app.A().Class("cs-button").Href(Base + "/settings#ship-h").Text("Cancel")
				}
				return app.Button().Type("button").Text("Cancel").OnClick(func(ctx app.Context, _ app.Event) { p.form, p.errs = newZoneForm(), nil })
			}),
		),
		ui.Status(p.err, p.ok),
		ui.SubmitButton(submit, p.busy),
	)
}

// renderRate is rate i of rates, the form's (and, before the WASM, the
// empty one after them).
func (p *shippingPanel) renderRate(rates []rateForm, i int) app.UI {
	r := &rates[i]
	kinds := []ui.Option{{Value: string(buycard.ShipFlat), Label: "Per order"}, {Value: string(buycard.ShipPerItem), Label: "Per item"}}
	return app.FieldSet().Class("cs-variant").Body(
		app.Legend().Text("Rate "+strconv.Itoa(i+1)),
		app.Div().Class("cs-row").Body(
			ui.TextInput(ui.Field{ID: fieldID("rate-name", i), Label: "Name", Value: r.Name, MaxLength: 100, Error: p.errs[fieldID("rate-name", i)]},
				func(_ app.Context, v string) { r.Name = v }),
			ui.SelectInput(fieldID("rate-currency", i), "Currency", r.Currency, ui.Currencies, func(_ app.Context, v string) { r.Currency = v }),
			ui.SelectInput(fieldID("rate-kind", i), "Charged", r.Kind, kinds, func(_ app.Context, v string) { r.Kind = v }),
		),
		app.Div().Class("cs-row").Body(
			ui.TextInput(ui.Field{ID: fieldID("rate-amount", i), Label: "Price", Value: r.Amount, Required: !app.IsServer, Autocomplete: "off",
				Error: p.errs[fieldID("rate-amount", i)]}, func(_ app.Context, v string) { r.Amount = v }),
			ui.TextInput(ui.Field{ID: fieldID("rate-free", i), Label: "Free from (optional)", Value: r.FreeOver, Autocomplete: "off",
				Hint: "Orders of at least this subtotal ship free.", Error: p.errs[fieldID("rate-free", i)]}, func(_ app.Context, v string) { r.FreeOver = v }),
		),
		app.If(!app.IsServer, func() app.UI {
			return app.Button().Type("button").Class("cs-danger").Aria("label", "Remove rate "+strconv.Itoa(i+1)).Text("Remove rate").
				OnClick(func(ctx app.Context, _ app.Event) {
					p.form.Rates = append(p.form.Rates[:i:i], p.form.Rates[i+1:]...)
				})
		}),
	)
}

func (p *shippingPanel) edit(ctx app.Context, z *buycard.ShippingZone) {
	p.form, p.errs, p.err, p.ok = zoneFormOf(z), nil, "", ""
	ui.Focus(ctx, zoneNameField)
}

func (p *shippingPanel) save(ctx app.Context) {
	p.err, p.ok = "", ""
	zone, errs := p.form.request()
	p.errs = errs
	if len(errs) > 0 {
		p.err = "Check the highlighted fields."
		ids := []string{zoneNameField, zoneCountriesField}
		for i := range p.form.Rates {
			ids = append(ids, fieldID("rate-name", i), fieldID("rate-amount", i), fieldID("rate-free", i))
		}
		ui.FocusFirst(ctx, errs, ids...)
		return
	}
	body := map[string]any{"name": zone.Name, "countries": zone.Countries, "rates": zone.Rates}
	method, path, done := "POST", "/v1/shipping-zones", "Zone added."
	if p.form.ID != "" {
		method, path, done = "PUT", "/v1/shipping-zones/"+p.form.ID, "Zone saved."
	}
	p.busy = true
	ui.Run(p.own(ctx), func() error { return p.S.api.do(method, path, body, nil) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.form, p.ok = newZoneForm(), done
		p.reload(ctx)
	})
}

func (p *shippingPanel) delete(ctx app.Context, id string) {
	p.deleting, p.err, p.ok = id, "", ""
	ui.Run(p.own(ctx), func() error { return p.S.api.do("DELETE", "/v1/shipping-zones/"+id, nil, nil) }, func(ctx app.Context, err error) {
		p.deleting = ""
		if err != nil {
			p.err = message(err)
			return
		}
		if p.form.ID == id {
			p.form = newZoneForm()
		}
		p.ok = "Zone deleted."
		p.reload(ctx)
	})
}
