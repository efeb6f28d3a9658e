package console

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// platformSettings is GET and PUT /v1/admin/settings: the platform fee of
// new orders and where it comes from.
type platformSettings struct {
	BPS            int              `json:"platform_fee_bps"`
	Fixed          map[string]int64 `json:"platform_fee_fixed"`
	Source         string           `json:"source"` // "config" or "saved"
	UpdatedAt      *time.Time       `json:"updated_at"`
	RefreshSeconds int              `json:"refresh_seconds"`
}

// fixedCount says in how many currencies a fixed fee is set.
func fixedCount(n int) string {
	switch n {
	case 0:
		return "None"
	case 1:
		return "1 currency"
	}
	return strconv.Itoa(n) + " currencies"
}

// feeRow is one currency's fixed fee as typed.
type feeRow struct{ cur, value string }

// adminSettings is /console/admin/settings: the platform fee, a percentage
// of each order (in basis points, exactly) plus a fixed amount per
// currency. Orders keep the fee of when they were made.
type adminSettings struct {
	app.Compo
	s *session

	saved    *platformSettings
	loaded   bool
	form     feeForm
	add      string // the currency to add a row for
	fill     formFill
	errs     map[string]string
	busy     bool
	err, ok  string
	loadErr  string
	loadedAt string
}

// feeForm is the platform fee as the form holds it.
type feeForm struct {
	percent string
	rows    []feeRow
}

// Fields of the platform fee form (PlatformFeeForm): the percentage, and
// a fixed fee per currency.
const feePercentField = "fee-percent"

func feeFixedField(cur string) string { return "fee-fixed-" + cur }

// PlatformFeeFields are the platform fee form's fields.
var PlatformFeeFields = func() []string {
	names := []string{feePercentField}
	for _, cur := range feeCurrencies {
		names = append(names, feeFixedField(cur))
	}
	return names
}()

// PlatformFeeAction is where the platform fee form posts.
const PlatformFeeAction = Base + "/admin/settings"

// PlatformFeeForm reads a posted platform fee form (PlatformFeeFields)
// as the fee it saves, or the error of each field: "percent", or a
// currency. A currency's empty field is no fixed fee.
func PlatformFeeForm(v url.Values) (*buycard.PlatformFee, map[string]string) {
	return feeFormFrom(v).request()
}

func feeFormFrom(v url.Values) feeForm {
	f := feeForm{percent: v.Get(feePercentField)}
	for _, cur := range feeCurrencies {
		if amount := v.Get(feeFixedField(cur)); strings.TrimSpace(amount) != "" {
			f.rows = append(f.rows, feeRow{cur, amount})
		}
	}
	return f
}

func newAdminSettings(s *session, _ []string) app.UI {
	return &adminSettings{s: s, fill: s.takeFill(PlatformFeeAction)}
}

func (p *adminSettings) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *adminSettings) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *adminSettings) OnNav(ctx app.Context)       { p.load(ctx) }

func (p *adminSettings) load(ctx app.Context) {
	if !p.s.canRead() || !onPage(ctx, &p.loadedAt) {
		return
	}
	p.saved, p.loaded, p.loadErr, p.err, p.ok, p.errs, p.busy = nil, false, "", "", "", nil, false
	var got platformSettings
	ui.Run(ctx, func() error { return p.s.api.get("/v1/admin/settings", &got) }, func(ctx app.Context, err error) {
		p.loaded = true
		if err != nil {
			p.loadErr = message(err)
			return
		}
		p.show(&got)
		p.fill = p.fill.spend(func(v url.Values) { p.form = feeFormFrom(v); p.add = p.addable() }, &p.err, &p.ok, feeSaved(got.RefreshSeconds))
	})
}

// feeSaved says the fee was saved, and when the servers take it.
func feeSaved(refreshSeconds int) string {
	return "Saved. New orders on this server take the new fee now, on other servers within " + strconv.Itoa(refreshSeconds) + " seconds."
}

// show fills the form with settings.
func (p *adminSettings) show(set *platformSettings) {
	p.saved = set
	p.form = feeForm{percent: ui.PercentField(set.BPS)}
	for _, cur := range feeCurrencies {
		if amount, ok := set.Fixed[cur]; ok {
			p.form.rows = append(p.form.rows, feeRow{cur, ui.DecimalText(amount, cur)})
		}
	}
	for cur, amount := range set.Fixed { // any the console does not list
		if !slices.Contains(feeCurrencies, cur) {
			p.form.rows = append(p.form.rows, feeRow{cur, strconv.FormatInt(amount, 10)})
		}
	}
	p.add = p.addable()
}

// shownRows are the fixed fee rows the form shows: its own, and before
// the WASM, which cannot add a row, one for every currency, empty where
// there is no fee.
func (p *adminSettings) shownRows() []feeRow {
	if !app.IsServer {
		return p.form.rows
	}
	rows := slices.Clone(p.form.rows)
	for _, cur := range feeCurrencies {
		if !p.hasRow(cur) {
			rows = append(rows, feeRow{cur: cur})
		}
	}
	return rows
}

func (p *adminSettings) hasRow(cur string) bool {
	return slices.ContainsFunc(p.form.rows, func(r feeRow) bool { return r.cur == cur })
}

// addable is the first currency without a row, "" when all have one.
func (p *adminSettings) addable() string {
	for _, cur := range feeCurrencies {
		if !p.hasRow(cur) {
			return cur
		}
	}
	return ""
}

func (p *adminSettings) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Platform fee"),
		app.P().Text("What the platform takes from each new order: a percentage of the total plus, in some currencies, a fixed amount. Orders already placed keep the fee they were made with."),
		ui.Status(p.loadErr, ""),
		app.If(!p.loaded, func() app.UI { return app.P().Class("cs-loading").Text("Loading…") }),
		app.If(p.saved != nil, p.renderForm),
	)
}

func (p *adminSettings) renderForm() app.UI {
	source := "Set by the server’s configuration (BUYCARD_PLATFORM_FEE_*) until you save one here."
	if p.saved.Source == "saved" && p.saved.UpdatedAt != nil {
		source = "Saved on " + p.saved.UpdatedAt.UTC().Format("January 2, 2006 at 15:04 UTC") + "."
	}
	var missing []ui.Option
	for _, cur := range feeCurrencies {
		if !p.hasRow(cur) && !app.IsServer {
			missing = append(missing, ui.Option{Value: cur, Label: cur})
		}
	}
	rows := p.shownRows()
	return app.Div().Body(
		app.Dl().Class("cs-stats").Body(
			stat("Current percentage", ui.BPSText(p.saved.BPS)+" ("+strconv.Itoa(p.saved.BPS)+" bps)"),
			stat("Fixed fees", fixedCount(len(p.saved.Fixed))),
		),
		app.P().Class("cs-hint cs-lead").Text(source),
		ui.PageForm("Platform fee", PlatformFeeAction, []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.submit,
			ui.TextInput(ui.Field{ID: feePercentField, Label: "Percentage of each order (%)", Value: p.form.percent, Required: true, MaxLength: 7,
				Hint: "0 to 100, in steps of 0.01% (one basis point), such as 8.75.", Error: p.errs["percent"]},
				func(_ app.Context, v string) { p.form.percent = v }),
			app.FieldSet().Class("cs-fees").Body(
				app.Legend().Text("Fixed fee per order"),
				app.P().Class("cs-hint cs-lead").Text("In the currency’s own units, such as 0.30 for 30 cents. Orders in a currency without one pay the percentage only."),
				app.If(app.IsServer, func() app.UI { return app.P().Class("cs-hint").Text("Leave a currency empty for no fixed fee.") }),
				app.If(len(rows) == 0, func() app.UI { return app.P().Text("No fixed fees.") }),
				app.Range(rows).Slice(func(i int) app.UI {
					r := rows[i]
					return app.Div().Class("cs-fee-row").Body(
						ui.TextInput(ui.Field{ID: feeFixedField(r.cur), Label: "Fixed fee in " + r.cur, Value: r.value, MaxLength: 20, Error: p.errs[r.cur]},
							func(_ app.Context, v string) { p.setRow(r.cur, v) }),
						app.If(!app.IsServer, func() app.UI {
							return app.Button().Type("button").Class("cs-danger").Aria("label", "Remove the "+r.cur+" fixed fee").Text("Remove").
								OnClick(func(ctx app.Context, _ app.Event) { p.removeRow(ctx, r.cur) })
						}),
					)
				}),
				app.If(len(missing) > 0, func() app.UI {
					return app.Div().Class("cs-fee-row").Body(
						ui.SelectInput("fee-add", "Add a currency", p.add, missing, func(_ app.Context, v string) { p.add = v }),
						app.Button().Type("button").Text("Add").OnClick(p.addRow),
					)
				}),
			),
			ui.Status(p.err, p.ok),
			ui.SubmitButton("Save fee", p.busy),
		),
	)
}

func (p *adminSettings) setRow(cur, v string) {
	for i := range p.form.rows {
		if p.form.rows[i].cur == cur {
			p.form.rows[i].value = v
		}
	}
}

func (p *adminSettings) removeRow(ctx app.Context, cur string) {
	p.form.rows = slices.DeleteFunc(p.form.rows, func(r feeRow) bool { return r.cur == cur })
	delete(p.errs, cur)
	p.add = p.addable()
	p.ok = ""
	ui.Focus(ctx, "fee-add")
}

func (p *adminSettings) addRow(ctx app.Context, _ app.Event) {
	if p.add == "" || p.hasRow(p.add) {
		return
	}
	cur := p.add
	p.form.rows = append(p.form.rows, feeRow{cur: cur})
	p.add = p.addable()
	p.ok = ""
	ui.Focus(ctx, feeFixedField(cur))
}

// request reads the form as the fee it saves; errs holds a message per
// field ("percent", or a currency) when it cannot. The server checks
// everything again.
func (f feeForm) request() (*buycard.PlatformFee, map[string]string) {
	errs := map[string]string{}
	bps, err := ui.ParsePercent(f.percent, "The fee")
	if err != nil {
		errs["percent"] = message(err)
	}
	fixed := map[string]int64{}
	for _, r := range f.rows {
		amount, msg := parseFixed(r.value, r.cur)
		switch {
		case msg != "":
			errs[r.cur] = msg
		case amount > 0:
			fixed[r.cur] = amount
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &buycard.PlatformFee{BPS: bps, Fixed: fixed}, nil
}

func (p *adminSettings) submit(ctx app.Context) {
	p.err, p.ok = "", ""
	fee, errs := p.form.request()
	p.errs = errs
	if len(errs) > 0 {
		p.err = "Check the highlighted fields."
		for _, id := range append([]string{"percent"}, feeCurrencies...) {
			if errs[id] != "" {
				if id == "percent" {
					ui.Focus(ctx, feePercentField)
				} else {
					ui.Focus(ctx, feeFixedField(id))
				}
				break
			}
		}
		return
	}
	p.busy = true
	var got platformSettings
	body := map[string]any{"platform_fee_bps": fee.BPS, "platform_fee_fixed": fee.Fixed}
	ui.Run(ctx, func() error { return p.s.api.do("PUT", "/v1/admin/settings", body, &got) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.show(&got)
		p.ok = feeSaved(got.RefreshSeconds)
	})
}
