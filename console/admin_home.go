package console

import (
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/console/ui"
)

// adminStatus is GET /v1/admin/status: the ledger's verification and the
// last reconciliation run.
type adminStatus struct {
	LedgerOK bool `json:"ledger_ok"`
	Ledger   struct {
		Journals          int      `json:"journals"`
		FirstAltered      int64    `json:"first_altered"`
		FirstAlteredKey   string   `json:"first_altered_key"`
		BalanceMismatches []string `json:"balance_mismatches"`
	} `json:"ledger"`
	Reconcile *struct {
		StartedAt  time.Time `json:"started_at"`
		FinishedAt time.Time `json:"finished_at"`
		OK         bool      `json:"ok"`
		Result     string    `json:"result"`
	} `json:"reconcile"` // nil before the first run
	Queue *queueHealth `json:"queue"` // nil on a server without a queue
	// PayoutsHeld: a reconciliation with Stripe found differences no
	// admin has cleared.
	PayoutsHeld bool `json:"payouts_held"`
}

// queueHealth is the job queue's state: emails, webhook deliveries and
// periodic work waiting, retrying, running, or given up on; and the
// events waiting for the relay to turn them into jobs.
type queueHealth struct {
	Pending            int       `json:"pending"`
	Retrying           int       `json:"retrying"`
	Running            int       `json:"running"`
	Discarded          int       `json:"discarded"`
	OldestDue          time.Time `json:"oldest_due"`
	Undispatched       int       `json:"undispatched"`
	OldestUndispatched time.Time `json:"oldest_undispatched"`
}

// queueBacklog is how long a due job may wait before the queue looks
// stuck: more than a few poll intervals, less than an email's patience.
const queueBacklog = 5 * time.Minute

// adminHome is the admin's /console: the health of the ledger, of
// reconciliation and of the job queue, the platform fee, and the way to
// the lists.
type adminHome struct {
	app.Compo
	s *session

	status   *adminStatus
	fee      *platformSettings
	loaded   bool
	err      string
	feeErr   string
	loadedAt string
}

func newAdminHome(s *session) app.UI { return &adminHome{s: s} }

func (p *adminHome) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *adminHome) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *adminHome) OnNav(ctx app.Context)       { p.load(ctx) }

func (p *adminHome) load(ctx app.Context) {
	if !p.s.canRead() || !onPage(ctx, &p.loadedAt) {
		return
	}
	p.status, p.fee, p.loaded, p.err, p.feeErr = nil, nil, false, "", ""
	var st adminStatus
	ui.Run(ctx, func() error { return p.s.api.get("/v1/admin/status", &st) }, func(ctx app.Context, err error) {
		p.loaded = true
		if err != nil {
			p.err = message(err)
			return
		}
		p.status = &st
	})
	var fee platformSettings
	ui.Run(ctx, func() error { return p.s.api.get("/v1/admin/settings", &fee) }, func(ctx app.Context, err error) {
		if err != nil {
			p.feeErr = message(err)
			return
		}
		p.fee = &fee
	})
}

func (p *adminHome) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Overview"),
		app.P().Body(
			app.Text("The platform at a glance. See every "), app.A().Href(Base+"/admin/merchants").Text("merchant"),
			app.Text(" and "), app.A().Href(Base+"/admin/publishers").Text("publisher"), app.Text("."),
		),
		ui.Status(p.err, ""),
		app.Div().Class("cs-grid").Body(
			p.renderLedger(),
			p.renderReconcile(),
			p.renderQueue(),
		),
		p.renderFee(),
	)
}

func (p *adminHome) renderLedger() app.UI {
	body := app.UI(app.P().Class("cs-loading").Text("Loading…"))
	if st := p.status; st != nil {
		l := st.Ledger
		var problems []app.UI
		if l.FirstAltered != 0 {
			problems = append(problems, app.Li().Text("Journal #"+strconv.FormatInt(l.FirstAltered, 10)+" ("+l.FirstAlteredKey+
				") is the first that no longer matches the hash chain; every journal after it is suspect too."))
		}
		if len(l.BalanceMismatches) > 0 {
			problems = append(problems, app.Li().Text("Stored balances differ from their postings in "+strconv.Itoa(len(l.BalanceMismatches))+
				" accounts: "+strings.Join(l.BalanceMismatches, ", ")+"."))
		}
		badge, text := "Verified", strconv.Itoa(l.Journals)+" journals, hash chain intact, balances match their postings."
		if !st.LedgerOK {
			badge, text = "Problem found", "The ledger did not verify. Run buycard ledger verify on a server and investigate before paying anyone out."
		}
		body = app.Div().Body(
			app.P().Body(app.Span().Class(healthClass(st.LedgerOK)).Text(badge)),
			app.P().Text(text),
			app.If(len(problems) > 0, func() app.UI { return app.Ul().Body(problems...) }),
		)
	} else if p.loaded {
		body = app.P().Text("Unknown.")
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "ledger-h").Body(app.H2().ID("ledger-h").Class("cs-panel-title").Text("Ledger"), body)
}

func (p *adminHome) renderReconcile() app.UI {
	body := app.UI(app.P().Class("cs-loading").Text("Loading…"))
	switch st := p.status; {
	case st != nil && st.Reconcile == nil:
		body = app.Div().Body(
			app.P().Body(app.Span().Class("cs-badge").Text("Never run")),
			app.P().Text("buycard reconcile has not run yet. Schedule it to compare the ledger with the payment provider."),
		)
	case st != nil:
		r := st.Reconcile
		badge := "Last run succeeded"
		if !r.OK {
			badge = "Last run failed"
		}
		body = app.Div().Body(
			app.P().Body(app.Span().Class(healthClass(r.OK)).Text(badge)),
			app.Dl().Class("cs-facts").Body(
				app.Dt().Text("Finished"), app.Dd().Text(r.FinishedAt.UTC().Format("2006-01-02 15:04 UTC")+" ("+ago(r.FinishedAt)+")"),
				app.Dt().Text("Took"), app.Dd().Text(r.FinishedAt.Sub(r.StartedAt).Round(time.Second).String()),
				app.Dt().Text("Result"), app.Dd().Text(orDefault(r.Result, "—")),
			),
		)
	case p.loaded:
		body = app.P().Text("Unknown.")
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "rec-h").Body(
		app.H2().ID("rec-h").Class("cs-panel-title").Text("Reconciliation"), body,
		app.If(p.status != nil && p.status.PayoutsHeld, func() app.UI {
			return app.P().Body(app.Span().Class(healthClass(false)).Text("Payouts held"),
				app.Text(" The ledger and Stripe differ. "), app.A().Href(Base+"/admin/reconciliation").Text("Review the differences"), app.Text("."))
		}),
		app.If(p.status != nil && !p.status.PayoutsHeld, func() app.UI {
			return app.P().Body(app.Text("No difference with Stripe’s money waits for you. "),
				app.A().Href(Base+"/admin/reconciliation").Text("See the daily reconciliation"), app.Text("."))
		}),
	)
}

func (p *adminHome) renderQueue() app.UI {
	body := app.UI(app.P().Class("cs-loading").Text("Loading…"))
	switch st := p.status; {
	case st != nil && st.Queue == nil:
		body = app.P().Text("This server has no job queue.")
	case st != nil:
		q := st.Queue
		late := !q.OldestDue.IsZero() && time.Since(q.OldestDue) > queueBacklog ||
			!q.OldestUndispatched.IsZero() && time.Since(q.OldestUndispatched) > queueBacklog
		badge, ok := "Flowing", !late && q.Discarded == 0
		switch {
		case late:
			badge = "Backlog"
		case q.Discarded > 0:
			badge = "Jobs given up"
		}
		oldest := "none waiting"
		if !q.OldestDue.IsZero() {
			oldest = "due " + ago(q.OldestDue)
		}
		body = app.Div().Body(
			app.P().Body(app.Span().Class(healthClass(ok)).Text(badge)),
			app.Dl().Class("cs-facts").Body(
				app.Dt().Text("Pending"), app.Dd().Text(strconv.Itoa(q.Pending)),
				app.Dt().Text("Retrying"), app.Dd().Text(strconv.Itoa(q.Retrying)),
				app.Dt().Text("Running"), app.Dd().Text(strconv.Itoa(q.Running)),
				app.Dt().Text("Given up"), app.Dd().Text(strconv.Itoa(q.Discarded)),
				app.Dt().Text("Oldest due"), app.Dd().Text(oldest),
				app.Dt().Text("Events to relay"), app.Dd().Text(strconv.Itoa(q.Undispatched)),
			),
		)
	case p.loaded:
		body = app.P().Text("Unknown.")
	}
	return app.Section().Class("cs-panel").Aria("labelledby", "queue-h").Body(
		app.H2().ID("queue-h").Class("cs-panel-title").Text("Job queue"),
		app.P().Class("cs-hint").Text("Emails, webhook deliveries and periodic work; events to relay are recorded changes not yet turned into them."), body)
}

func (p *adminHome) renderFee() app.UI {
	return app.Section().Class("cs-panel").Aria("labelledby", "fee-h").Body(
		app.Div().Class("cs-panel-head").Body(
			app.H2().ID("fee-h").Text("Platform fee"),
			app.A().Href(Base+"/admin/settings").Text("Change the fee"),
		),
		ui.Status(p.feeErr, ""),
		app.If(p.fee != nil, func() app.UI {
			return app.P().Text(feeSummary(p.fee))
		}),
	)
}

// feeSummary says the fee in one sentence.
func feeSummary(f *platformSettings) string {
	s := ui.BPSText(f.BPS) + " of each order"
	var fixed []string
	for _, cur := range feeCurrencies {
		if amount, ok := f.Fixed[cur]; ok && amount > 0 {
			fixed = append(fixed, ui.MoneyText(amount, cur))
		}
	}
	if len(fixed) > 0 {
		s += ", plus " + strings.Join(fixed, " or ") + " per order in that currency"
	}
	return s + "."
}

// healthClass is the badge class of a check that passed or not.
func healthClass(ok bool) string {
	if ok {
		return "cs-badge cs-good"
	}
	return "cs-badge cs-bad"
}

// ago says how long ago t was, roughly.
func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h ago"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days ago"
}
