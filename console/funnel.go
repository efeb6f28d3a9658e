package console

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/chart"
	"github.com/buycard/buycard/console/ui"
)

// rangeOptions are the day ranges a funnel panel offers.
var rangeOptions = []ui.Option{{Value: "7", Label: "Last 7 days"}, {Value: "30", Label: "Last 30 days"}, {Value: "90", Label: "Last 90 days"}}

// funnelPanel shows the funnel of the caller's cards over a range of days
// (GET /v1/analytics/funnel): impressions, clicks, checkouts and sales
// over time, revenue per currency, and the funnel with its conversion
// rates. Widget and Placement narrow it; empty means every card the
// caller may see.
type funnelPanel struct {
	app.Compo
	S         *session
	ID        string // prefixes the ids of its charts; unique in the page
	Widget    string
	Placement string

	path    string // the page's, which the range form asks again before the WASM
	days    string
	funnel  *buycard.Funnel
	loading bool
	err     string
	loaded  string // the query of funnel, to reload when the props change
}

func newFunnelPanel(s *session, id, widget, placement string) *funnelPanel {
	return &funnelPanel{S: s, ID: id, Widget: widget, Placement: placement}
}

func (f *funnelPanel) OnMount(ctx app.Context)     { f.start(ctx) }
func (f *funnelPanel) OnPreRender(ctx app.Context) { f.start(ctx) }
func (f *funnelPanel) OnUpdate(ctx app.Context)    { f.load(ctx) }

// start loads the range the page's URL names (the range form's, sent
// before the WASM), or the last 30 days.
func (f *funnelPanel) start(ctx app.Context) {
	f.path = ctx.Page().URL().Path
	if days := ctx.Page().URL().Query().Get(f.daysField()); days != "" {
		f.days = days
	}
	f.load(ctx)
}

// daysField is the name of the range select.
func (f *funnelPanel) daysField() string { return f.ID + "-days" }

// query is the API path of the panel's funnel.
func (f *funnelPanel) query(now time.Time) string {
	n, err := strconv.Atoi(f.days)
	if err != nil || n <= 0 {
		n = 30
	}
	to := now.UTC()
	q := url.Values{}
	q.Set("from", to.AddDate(0, 0, 1-n).Format(buycard.DayLayout))
	q.Set("to", to.Format(buycard.DayLayout))
	if f.Widget != "" {
		q.Set("widget", f.Widget)
	}
	if f.Placement != "" {
		q.Set("placement", f.Placement)
	}
	return "/v1/analytics/funnel?" + q.Encode()
}

func (f *funnelPanel) load(ctx app.Context) {
	if !f.S.canRead() {
		return
	}
	path := f.query(time.Now())
	if path == f.loaded {
		return
	}
	f.loaded, f.loading, f.err = path, true, ""
	var got buycard.Funnel
	ui.Run(ctx, func() error { return f.S.api.get(path, &got) }, func(ctx app.Context, err error) {
		if path != f.loaded {
			return // a newer range was asked for
		}
		f.loading = false
		if err != nil {
			f.err, f.funnel = message(err), nil
			return
		}
		f.funnel = &got
	})
}

func (f *funnelPanel) Render() app.UI {
	return app.Section().Class("cs-panel").Aria("labelledby", f.ID+"-h").Body(
		app.Div().Class("cs-panel-head").Body(
			app.H2().ID(f.ID+"-h").Text("Funnel"),
			ui.QueryForm("Funnel range", f.path, f.load,
				ui.SelectInput(f.daysField(), "Days", orDefault(f.days, "30"), rangeOptions, func(ctx app.Context, v string) {
					f.days = v
					f.load(ctx)
				}),
				app.If(app.IsServer, func() app.UI { return app.Button().Type("submit").Text("Show") }),
			),
		),
		ui.Status(f.err, ""),
		f.renderCharts(),
	)
}

func (f *funnelPanel) renderCharts() app.UI {
	if f.funnel == nil {
		if f.loading || !f.S.canRead() {
			return app.P().Class("cs-loading").Text("Loading…")
		}
		return app.P().Text("No funnel yet.")
	}
	t := f.funnel.Total
	days, counts := chart.CountSeries(f.funnel)
	currencies := chart.Currencies(f.funnel)
	return app.Div().Body(
		app.Dl().Class("cs-stats").Body(
			stat("Impressions", chart.Count(t.Impressions)),
			stat("Clicks", chart.Count(t.Clicks)),
			stat("Click-through", orDefault(chart.Percent(t.Clicks, t.Impressions), "–")),
			stat("Checkouts", chart.Count(t.Checkouts)),
			stat("Sales", chart.Count(t.Sales)),
			stat("Sale rate", orDefault(chart.Percent(t.Sales, t.Checkouts), "–")),
			stat("Not counted", chart.Count(t.Discarded.Total())),
		),
		app.P().Class("cs-hint").Text(discardedText(t.Discarded)),
		&chart.Funnel{ID: f.ID + "-funnel", Title: "Impressions to sales", Steps: chart.FunnelSteps(t)},
		&chart.TimeSeries{ID: f.ID + "-counts", Title: "Impressions, clicks, checkouts and sales per day", Days: days, Series: counts},
		app.Range(currencies).Slice(func(i int) app.UI {
			cur := currencies[i]
			rdays, revenue := chart.RevenueSeries(f.funnel, cur)
			return &chart.TimeSeries{ID: f.ID + "-rev-" + cur, Title: "Revenue per day (" + cur + ")", Days: rdays, Series: revenue,
				Format: chart.Money(cur, "en"), Area: true}
		}),
	)
}

// discardedText says why the loader's events that were received were
// not counted, so that a flood or a broken page shows.
func discardedText(d buycard.FunnelDiscards) string {
	var parts []string
	for _, r := range []struct {
		n    int64
		what string
	}{
		{d.Bot, "from bots"},
		{d.Unproven, "without a recently served card"},
		{d.OverLimit, "over one network's limit per minute"},
		{d.Duplicate, "repeats"},
	} {
		if r.n > 0 {
			parts = append(parts, chart.Count(r.n)+" "+r.what)
		}
	}
	if len(parts) == 0 {
		return "Every impression and click received was counted."
	}
	return "Not counted: " + strings.Join(parts, ", ") + "."
}

// stat is one figure of a description list of figures.
func stat(name, value string) app.UI {
	return app.Div().Body(app.Dt().Text(name), app.Dd().Text(value))
}

// orDefault is v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
