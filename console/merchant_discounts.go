package console

import (
	"cmp"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// discountsPage is /console/discounts: the merchant's discount codes with
// their uses, a form to make one (a percentage or an amount, limits, an
// end date, a placement that owns it), and per code a placement to give
// it to and a way to end it now.
type discountsPage struct {
	app.Compo
	pageAnchor
	s *session

	loaded     string
	codes      []*buycard.DiscountCode
	placements []*buycard.MerchantPlacement
	listErr    string
	rowErr     string

	form discountForm
	busy bool
	err  string
	ok   string
}

// discountForm is what the new-code form holds, as typed.
type discountForm struct {
	code, kind, percent, amount, currency, minimum, total, perBuyer, ends, placement string
}

// NewDiscountFields are the ids and form names of the new-code form's
// fields, which the server reads when the form is posted before the WASM
// (NewDiscountForm).
var NewDiscountFields = []string{"d-code", "d-kind", "d-percent", "d-amount", "d-currency", "d-minimum", "d-total", "d-per-buyer",
	"d-ends", "d-placement"}

// discountFormFrom reads a posted new-code form (NewDiscountFields).
func discountFormFrom(v url.Values) discountForm {
	return discountForm{code: v.Get("d-code"), kind: cmp.Or(v.Get("d-kind"), "percent"), percent: v.Get("d-percent"),
		amount: v.Get("d-amount"), currency: cmp.Or(v.Get("d-currency"), "USD"), minimum: v.Get("d-minimum"), total: v.Get("d-total"),
		perBuyer: v.Get("d-per-buyer"), ends: v.Get("d-ends"), placement: v.Get("d-placement")}
}

// NewDiscountForm checks a posted new-code form as the page checks it and
// returns the POST /v1/discount-codes edit.
func NewDiscountForm(v url.Values) (*buycard.DiscountCodeEdit, error) {
	f := discountFormFrom(v)
	return f.edit()
}

func newDiscountsPage(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/discounts")
	return &discountsPage{s: s, form: discountFormFrom(f.values), err: f.err}
}

func (p *discountsPage) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *discountsPage) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *discountsPage) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *discountsPage) load(ctx app.Context) {
	if !p.s.canRead() || !atPath(ctx, "/discounts") || !onPage(ctx, &p.loaded) {
		return
	}
	p.reload(ctx)
}

// reload reads the codes and the placements again.
func (p *discountsPage) reload(ctx app.Context) {
	var codes struct {
		Codes []*buycard.DiscountCode `json:"discount_codes"`
	}
	var placements struct {
		Placements []*buycard.MerchantPlacement `json:"placements"`
	}
	ui.Run(p.own(ctx), func() error {
		if err := p.s.api.get("/v1/widget-placements", &placements); err != nil {
			return err
		}
		return p.s.api.get("/v1/discount-codes", &codes)
	}, func(ctx app.Context, err error) {
		if err != nil {
			p.listErr = message(err)
			return
		}
		p.listErr, p.codes, p.placements = "", codes.Codes, placements.Placements
	})
}

func (p *discountsPage) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Discount codes"),
		app.P().Text("Shoppers type a code in the checkout to take a percentage or an amount off the goods. "+
			"Give a code to a publisher's placement and every sale with it credits that publisher's share, even when the shopper never saw the card."),
		app.Section().Class("cs-panel").Aria("labelledby", "newd-h").Body(app.H2().ID("newd-h").Text("New code"), p.renderForm()),
		app.H2().Text("Your codes"),
		ui.Status(p.rowErr, ""),
		p.renderList(),
	)
}

func (p *discountsPage) renderForm() app.UI {
	f := &p.form
	input := func(field *string) func(app.Context, string) { return func(_ app.Context, v string) { *field = v } }
	// Before the WASM the kind cannot swap the fields, so the prerender
	// shows both, neither required: the server reads the one the kind names.
	percent := ui.TextInput(ui.Field{ID: "d-percent", Label: "Percent off", Value: f.percent, Required: !app.IsServer,
		Hint: "25 takes 25% off the goods.", Type: "text", MaxLength: 6}, input(&f.percent))
	amount := app.Div().Class("cs-row").Body(
		ui.TextInput(ui.Field{ID: "d-amount", Label: "Amount off", Value: f.amount, Required: !app.IsServer, MaxLength: 12}, input(&f.amount)),
		ui.SelectInput("d-currency", "Currency", f.currency, ui.Currencies, func(ctx app.Context, v string) { f.currency = v }),
	)
	var value app.UI
	switch {
	case app.IsServer:
		value = app.Div().Body(percent, amount)
	case f.kind == "amount":
		value = amount
	default:
		value = percent
	}
	placements := placementOptions(p.placements, "None: the code is the shop's own")
	return ui.PageForm("New discount code", Base+"/discounts", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.create,
		ui.TextInput(ui.Field{ID: "d-code", Label: "Code", Value: f.code, Required: true, MaxLength: buycard.MaxDiscountCodeLength,
			Hint: "3 to 32 letters, digits, dashes or underscores; shoppers may type it in any case.", Autocomplete: "off"}, input(&f.code)),
		ui.RadioGroup("d-kind", "Takes off", f.kind, []ui.Option{{Value: "percent", Label: "A percentage"}, {Value: "amount", Label: "A fixed amount"}},
			func(ctx app.Context, v string) { f.kind = v }),
		value,
		ui.TextInput(ui.Field{ID: "d-minimum", Label: "Minimum subtotal (optional)", Value: f.minimum, MaxLength: 12,
			Hint: "In the currency above for an amount, else in USD."}, input(&f.minimum)),
		app.Div().Class("cs-row").Body(
			ui.TextInput(ui.Field{ID: "d-total", Label: "Uses in all", Value: f.total, Type: "number", Min: "0", Hint: "Empty or 0: no limit."}, input(&f.total)),
			ui.TextInput(ui.Field{ID: "d-per-buyer", Label: "Uses per buyer", Value: f.perBuyer, Type: "number", Min: "0", Hint: "By email. Empty or 0: no limit."}, input(&f.perBuyer)),
		),
		ui.TextInput(ui.Field{ID: "d-ends", Label: "Ends on (optional)", Value: f.ends, Type: "date", Hint: "The code stops working at the start of that day (UTC)."}, input(&f.ends)),
		ui.SelectInput("d-placement", "Belongs to placement", f.placement, placements, func(ctx app.Context, v string) { f.placement = v }),
		ui.Status(p.err, p.ok),
		ui.SubmitButton("Create code", p.busy),
	)
}

// noPlacement is the value of the "no placement" option: go-app drops an
// empty value, which would make the option's text its value.
const noPlacement = "none"

// placementOptions are the choices of a code's placement, none first.
func placementOptions(list []*buycard.MerchantPlacement, none string) []ui.Option {
	options := []ui.Option{{Value: noPlacement, Label: none}}
	for _, pl := range list {
		options = append(options, ui.Option{Value: pl.ID, Label: pl.PublisherName + " – " + pl.Name})
	}
	return options
}

// edit is the form as the API's DiscountCodeEdit.
func (f *discountForm) edit() (*buycard.DiscountCodeEdit, error) {
	e := &buycard.DiscountCodeEdit{Code: &f.code}
	cur := "USD"
	if f.kind == "amount" {
		cur = f.currency
		amount, err := ui.ParseMoney(f.amount, cur, "Amount off")
		if err != nil {
			return nil, err
		}
		e.AmountOff = map[string]int64{cur: amount}
	} else {
		bps, err := ui.ParsePercent(f.percent, "Percent off")
		if err != nil {
			return nil, err
		}
		e.PercentBPS = &bps
	}
	if strings.TrimSpace(f.minimum) != "" {
		minimum, err := ui.ParseMoney(f.minimum, cur, "Minimum subtotal")
		if err != nil {
			return nil, err
		}
		e.MinSubtotal = map[string]int64{cur: minimum}
	}
	for _, limit := range []struct {
		text string
		dst  **int
		what string
	}{{f.total, &e.MaxRedemptions, "Uses in all"}, {f.perBuyer, &e.MaxPerBuyer, "Uses per buyer"}} {
		if strings.TrimSpace(limit.text) == "" {
			continue
		}
		n, err := ui.ParseCount(limit.text, 0, limit.what)
		if err != nil {
			return nil, err
		}
		*limit.dst = &n
	}
	if f.ends != "" {
		day, err := time.Parse(time.DateOnly, f.ends)
		if err != nil {
			return nil, buycard.Errorf(buycard.EINVALID, "Ends on must be a date.")
		}
		e.EndsAt = buycard.Nullable[time.Time]{Set: true, Value: &day}
	}
	if f.placement != "" && f.placement != noPlacement {
		e.PlacementID = &f.placement
	}
	return e, nil
}

func (p *discountsPage) create(ctx app.Context) {
	ctx = p.own(ctx)
	edit, err := p.form.edit()
	if err != nil {
		p.err, p.ok = message(err), ""
		return
	}
	p.busy, p.err, p.ok = true, "", ""
	var c buycard.DiscountCode
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/discount-codes", edit, &c) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.ok = "Code " + c.Code + " created."
		p.form = discountForm{kind: p.form.kind, currency: p.form.currency}
		p.reload(ctx)
	})
}

func (p *discountsPage) renderList() app.UI {
	switch {
	case p.listErr != "":
		return ui.Status(p.listErr, "")
	case p.codes == nil:
		return app.P().Class("cs-loading").Text("Loading…")
	case len(p.codes) == 0:
		return app.P().Text("No codes yet.")
	}
	now := time.Now()
	return ui.Table("Your discount codes", []string{"Code", "Takes off", "Uses", "Per buyer", "Ends", "Placement", "Status", ""},
		map[int]bool{2: true, 3: true}, len(p.codes), func(i int) []app.UI {
			c := p.codes[i]
			return []app.UI{
				app.Code().Text(c.Code),
				app.Text(discountText(c.PercentBPS, c.AmountOff) + minimumText(c.MinSubtotal)),
				app.Text(usesText(c.Redeemed, c.MaxRedemptions)),
				app.Text(limitText(c.MaxPerBuyer)),
				app.Text(endText(c.EndsAt)),
				p.placementControl(i, c),
				app.Text(codeStatus(c, now)),
				app.If(c.ArchivedAt == nil, func() app.UI {
					return p.s.rowAction(DiscountArchiveAction(c.ID), rowButton("End", "End "+c.Code+" now").Class("cs-danger"),
						func(ctx app.Context) { p.archive(ctx, c) })
				}),
			}
		})
}

// DiscountArchiveAction is where the End button of the code id posts.
func DiscountArchiveAction(id string) string {
	return Base + "/discounts/" + url.PathEscape(id) + "/archive"
}

// DiscountPlacementAction is where the placement of the code id posts
// before the WASM, in DiscountPlacementField.
func DiscountPlacementAction(id string) string {
	return Base + "/discounts/" + url.PathEscape(id) + "/placement"
}

// DiscountPlacementField is the placement a code's row form sends: a
// placement id, or "none".
const DiscountPlacementField = "placement"

// DiscountPlacement reads a posted placement (DiscountPlacementField) as
// the code's edit.
func DiscountPlacement(v string) buycard.DiscountCodeEdit {
	if v == noPlacement {
		v = ""
	}
	return buycard.DiscountCodeEdit{PlacementID: &v}
}

// placementControl picks the placement a code belongs to; choosing one
// saves it. Before the WASM it is a form of its own, with a Save button.
func (p *discountsPage) placementControl(i int, c *buycard.DiscountCode) app.UI {
	options := placementOptions(p.placements, "None")
	id := fieldID("d-place", i)
	return ui.PageForm("", DiscountPlacementAction(c.ID), []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, func(app.Context) {},
		app.Label().For(id).Class("cs-sr").Text("Placement of "+c.Code),
		app.Select().ID(id).Name(DiscountPlacementField).Disabled(c.ArchivedAt != nil).OnChange(func(ctx app.Context, e app.Event) {
			p.assign(ctx, c, ctx.JSSrc().Get("value").String())
		}).Body(app.Range(options).Slice(func(j int) app.UI {
			return app.Option().Value(options[j].Value).Selected(options[j].Value == orDefault(c.PlacementID, noPlacement)).Text(options[j].Label)
		})),
		app.If(app.IsServer && c.ArchivedAt == nil, func() app.UI {
			return app.Button().Type("submit").Aria("label", "Save the placement of "+c.Code).Text("Save")
		}),
	).Class("cs-row-action")
}

func (p *discountsPage) assign(ctx app.Context, c *buycard.DiscountCode, placement string) {
	p.change(ctx, "PATCH", "/v1/discount-codes/"+c.ID, DiscountPlacement(placement))
}

func (p *discountsPage) archive(ctx app.Context, c *buycard.DiscountCode) {
	p.change(ctx, "POST", "/v1/discount-codes/"+c.ID+"/archive", nil)
}

// change sends one code's change and reads the list again.
func (p *discountsPage) change(ctx app.Context, method, path string, body any) {
	p.rowErr = ""
	ui.Run(p.own(ctx), func() error { return p.s.api.do(method, path, body, nil) }, func(ctx app.Context, err error) {
		if err != nil {
			p.rowErr = message(err)
		}
		p.reload(ctx)
	})
}

// discountText is what a code takes off: "25.00%" or "$5.00".
func discountText(bps int, amounts map[string]int64) string {
	if bps > 0 {
		return ui.BPSText(bps)
	}
	return amountsText(amounts, ", ")
}

// minimumText is ", from $30.00" for a code with minimums, else "".
func minimumText(minimums map[string]int64) string {
	if len(minimums) == 0 {
		return ""
	}
	return ", from " + amountsText(minimums, " or ")
}

// amountsText is amounts per currency, by currency code, joined by sep:
// "$5.00, €4.00".
func amountsText(amounts map[string]int64, sep string) string {
	var parts []string
	for _, cur := range slices.Sorted(maps.Keys(amounts)) {
		parts = append(parts, ui.MoneyText(amounts[cur], cur))
	}
	return strings.Join(parts, sep)
}

// usesText is "3" or "3 of 100".
func usesText(used, limit int) string {
	if limit == 0 {
		return strconv.Itoa(used)
	}
	return strconv.Itoa(used) + " of " + strconv.Itoa(limit)
}

func limitText(limit int) string {
	if limit == 0 {
		return "No limit"
	}
	return strconv.Itoa(limit)
}

func endText(t *time.Time) string {
	if t == nil {
		return "Never"
	}
	return dateTimeText(*t)
}

// codeStatus is a code's state for reading.
func codeStatus(c *buycard.DiscountCode, now time.Time) string {
	switch {
	case c.ArchivedAt != nil:
		return "Ended"
	case c.EndsAt != nil && !now.Before(*c.EndsAt):
		return "Expired"
	case c.StartsAt != nil && now.Before(*c.StartsAt):
		return "Scheduled"
	case c.MaxRedemptions > 0 && c.Redeemed >= c.MaxRedemptions:
		return "Used up"
	}
	return "Active"
}
