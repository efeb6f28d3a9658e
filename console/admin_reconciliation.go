package console

import (
	"net/url"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// reconciliationState is GET /v1/admin/reconciliation: the open alerts,
// which hold payouts, and the latest runs.
type reconciliationState struct {
	Provider    bool                           `json:"provider"`
	PayoutsHeld bool                           `json:"payouts_held"`
	Alerts      []*buycard.ReconciliationAlert `json:"alerts"`
	Cleared     []*buycard.ReconciliationAlert `json:"cleared"`
	Runs        []*buycard.ReconciliationRun   `json:"runs"`
}

// Fields and actions of the reconciliation page's forms: running days,
// and clearing an alert with a note.
const (
	reconFromField = "recon-from"
	reconToField   = "recon-to"
	// ReconcileAction is where the form running days posts.
	ReconcileAction = Base + "/admin/reconciliation"
)

// ReconcileFields are the run form's fields.
var ReconcileFields = []string{reconFromField, reconToField}

// AlertNoteField is the field of the note alert id is cleared with.
func AlertNoteField(id int64) string { return "alert-note-" + strconv.FormatInt(id, 10) }

// ClearAlertAction is where alert id's clear form posts.
func ClearAlertAction(id int64) string {
	return Base + "/admin/reconciliation/alerts/" + strconv.FormatInt(id, 10) + "/clear"
}

// ReconcileForm reads a posted run form: the first and last day.
func ReconcileForm(v url.Values) (from, to string) { return v.Get(reconFromField), v.Get(reconToField) }

// adminReconciliation is /console/admin/reconciliation: the days whose
// reconciliation with Stripe found differences, each with what differs
// and a form to clear it, a form to reconcile days now, and the latest
// runs.
type adminReconciliation struct {
	app.Compo
	s *session

	state    *reconciliationState
	loadErr  string
	loadedAt string
	from, to string
	runErr   string
	runOK    string
	busy     bool
	notes    map[int64]string
	errs     map[int64]string
}

func newAdminReconciliation(s *session, _ []string) app.UI { return &adminReconciliation{s: s} }

func (p *adminReconciliation) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *adminReconciliation) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *adminReconciliation) OnNav(ctx app.Context)       { p.load(ctx) }

func (p *adminReconciliation) load(ctx app.Context) {
	if !p.s.canRead() || !onPage(ctx, &p.loadedAt) {
		return
	}
	p.fetch(ctx, func() {
		p.s.takeFill(ReconcileAction).spend(func(v url.Values) { p.from, p.to = ReconcileForm(v) }, &p.runErr, &p.runOK, "Reconciled: see the runs below.")
		for _, a := range p.state.Alerts {
			var refused, done string
			p.s.takeFill(ClearAlertAction(a.ID)).spend(func(v url.Values) { p.notes[a.ID] = v.Get(AlertNoteField(a.ID)) }, &refused, &done, "")
			if refused != "" {
				p.errs[a.ID] = refused
			}
		}
	})
}

// fetch reads the state, then runs then.
func (p *adminReconciliation) fetch(ctx app.Context, then func()) {
	var got reconciliationState
	ui.Run(ctx, func() error { return p.s.api.get("/v1/admin/reconciliation", &got) }, func(ctx app.Context, err error) {
		if err != nil {
			p.loadErr = message(err)
			return
		}
		p.state, p.loadErr, p.notes, p.errs = &got, "", map[int64]string{}, map[int64]string{}
		then()
	})
}

func (p *adminReconciliation) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Reconciliation"),
		app.P().Text("Each day, once it is over, Stripe’s charges, application fees, refunds and publisher transfers and their reversals are compared with the ledger’s journals, amount for amount. A difference holds publisher payouts until you have looked into it and cleared it here."),
		ui.Status(p.loadErr, ""),
		app.If(p.state == nil && p.loadErr == "", func() app.UI { return app.P().Class("cs-loading").Text("Loading…") }),
		app.If(p.state != nil, p.renderState),
	)
}

func (p *adminReconciliation) renderState() app.UI {
	st := p.state
	badge, text := "Payouts running", "No difference is waiting for you."
	if st.PayoutsHeld {
		badge, text = "Payouts held", "Publisher payouts and share transfers wait until every alert below is cleared."
	}
	return app.Div().Body(
		app.P().Body(app.Span().Class(healthClass(!st.PayoutsHeld)).Text(badge), app.Text(" "+text)),
		app.If(!st.Provider, func() app.UI {
			return app.P().Class("cs-hint").Text("This server takes no Stripe payments: sandbox payments never reach a payment provider, so there is nothing to compare the ledger with.")
		}),
		app.Range(st.Alerts).Slice(func(i int) app.UI { return p.renderAlert(st.Alerts[i]) }),
		p.renderRunForm(),
		p.renderRuns(),
		p.renderCleared(),
	)
}

func (p *adminReconciliation) renderCleared() app.UI {
	cleared := p.state.Cleared
	return app.If(len(cleared) > 0, func() app.UI {
		return app.Section().Class("cs-panel").Aria("labelledby", "cleared-h").Body(
			app.H2().ID("cleared-h").Class("cs-panel-title").Text("Cleared alerts"),
			ui.Table("Cleared alerts", []string{"Day", "Differences", "Cleared", "By", "Note"}, map[int]bool{1: true}, len(cleared), func(i int) []app.UI {
				a := cleared[i]
				return []app.UI{app.Text(a.Day), app.Text(strconv.Itoa(len(a.Differences))), app.Text(a.ClearedAt.UTC().Format("2006-01-02 15:04 UTC")),
					app.Text(a.ClearedBy), app.Text(a.Note)}
			}),
		)
	})
}

func (p *adminReconciliation) renderAlert(a *buycard.ReconciliationAlert) app.UI {
	id := "alert-" + strconv.FormatInt(a.ID, 10)
	d := a.Differences
	return app.Section().Class("cs-panel").Aria("labelledby", id+"-h").Body(
		app.H2().ID(id+"-h").Class("cs-panel-title").Text("Differences on "+a.Day),
		app.P().Class("cs-hint").Text("Found "+a.RaisedAt.UTC().Format("2006-01-02 15:04 UTC")+", last seen "+a.UpdatedAt.UTC().Format("2006-01-02 15:04 UTC")+"."),
		ui.Table("Differences on "+a.Day, []string{"Difference", "Stripe", "Ledger", "Stripe amount", "Ledger amount"}, map[int]bool{3: true, 4: true}, len(d), func(i int) []app.UI {
			return []app.UI{app.Text(d[i].String()), app.Text(orDefault(d[i].ProviderID, "—")), app.Text(orDefault(d[i].JournalKey, "—")),
				app.Text(ui.MoneyText(d[i].ProviderAmount, d[i].Currency)), app.Text(ui.MoneyText(d[i].LedgerAmount, d[i].Currency))}
		}),
		ui.PageForm("Clear the alert of "+a.Day, ClearAlertAction(a.ID), []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, func(ctx app.Context) { p.clear(ctx, a.ID) },
			ui.TextInput(ui.Field{ID: AlertNoteField(a.ID), Type: "textarea", Label: "What you found or did", Value: p.notes[a.ID], Required: true,
				MaxLength: buycard.MaxAlertNote, Hint: "Kept with the alert, with your name and the time.", Error: p.errs[a.ID]},
				func(_ app.Context, v string) { p.notes[a.ID] = v }),
			ui.SubmitButton("Clear the alert", p.busy),
		),
	)
}

func (p *adminReconciliation) renderRunForm() app.UI {
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(buycard.DayLayout)
	return app.Section().Class("cs-panel").Aria("labelledby", "run-h").Body(
		app.H2().ID("run-h").Class("cs-panel-title").Text("Reconcile now"),
		ui.PageForm("Reconcile days", ReconcileAction, []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.run,
			ui.TextInput(ui.Field{ID: reconFromField, Type: "date", Label: "Day (UTC)", Value: p.from, Required: true, Max: yesterday,
				Hint: "A day that is over, such as " + yesterday + ". A day reconciled before is compared again."},
				func(_ app.Context, v string) { p.from = v }),
			ui.TextInput(ui.Field{ID: reconToField, Type: "date", Label: "Last day (optional)", Value: p.to, Max: yesterday,
				Hint: "For several days, up to " + strconv.Itoa(buycard.MaxReconcileDays) + "."},
				func(_ app.Context, v string) { p.to = v }),
			ui.Status(p.runErr, p.runOK),
			ui.SubmitButton("Reconcile", p.busy),
		),
	)
}

func (p *adminReconciliation) renderRuns() app.UI {
	runs := p.state.Runs
	return app.Section().Class("cs-panel").Aria("labelledby", "runs-h").Body(
		app.H2().ID("runs-h").Class("cs-panel-title").Text("Latest runs"),
		app.If(len(runs) == 0, func() app.UI { return app.P().Text("No day reconciled yet.") }),
		app.If(len(runs) > 0, func() app.UI {
			return ui.Table("Latest runs", []string{"Day", "Result", "Objects", "Differences", "Finished"}, map[int]bool{2: true, 3: true}, len(runs), func(i int) []app.UI {
				r := runs[i]
				compared, diffs, finished := "—", "—", "running"
				if r.Report != nil {
					compared, diffs = strconv.Itoa(r.Report.Compared), strconv.Itoa(len(r.Report.Differences))
				}
				if r.FinishedAt != nil {
					finished = r.FinishedAt.UTC().Format("2006-01-02 15:04 UTC")
				}
				return []app.UI{app.Text(r.Day), app.Text(runResult(r)), app.Text(compared), app.Text(diffs), app.Text(finished)}
			})
		}),
	)
}

// runResult says a run's status in words.
func runResult(r *buycard.ReconciliationRun) string {
	switch r.Status {
	case buycard.ReconciliationClean:
		return "Reconciled"
	case buycard.ReconciliationMismatch:
		return "Differences found"
	case buycard.ReconciliationFailed:
		return "Failed: " + r.Error
	}
	return "Running"
}

func (p *adminReconciliation) run(ctx app.Context) {
	p.runErr, p.runOK, p.busy = "", "", true
	body := map[string]string{"from": p.from, "to": p.to}
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/admin/reconciliation/runs", body, nil) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.runErr = message(err)
			return
		}
		p.fetch(ctx, func() { p.runOK = "Reconciled: see the runs below." })
	})
}

func (p *adminReconciliation) clear(ctx app.Context, id int64) {
	p.busy = true
	delete(p.errs, id)
	body := map[string]string{"note": p.notes[id]}
	var got reconciliationState
	ui.Run(ctx, func() error {
		return p.s.api.do("POST", "/v1/admin/reconciliation/alerts/"+strconv.FormatInt(id, 10)+"/clear", body, &got)
	}, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.errs[id] = message(err)
			return
		}
		p.state = &got
	})
}
