package console

import (
	"cmp"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// statementEntry is one entry of a merchant's statement: a change of what it
// is owed, in minor units.
type statementEntry struct {
	Seq         int64     `json:"seq"`
	Kind        string    `json:"kind"`
	OrderID     string    `json:"order_id"`
	EffectiveAt time.Time `json:"effective_at"`
	Memo        string    `json:"memo"`
	Amount      int64     `json:"amount"`
	Balance     int64     `json:"balance"`
}

// statementEntryKinds word the ledger's journal kinds.
var statementEntryKinds = map[string]string{
	"sale": "Sale", "processor_fee": "Processor fee", "refund": "Refund", "dispute_opened": "Dispute opened",
	"dispute_won": "Dispute won", "dispute_lost": "Dispute lost", "merchant_settlement": "Settled to you",
	"adjustment": "Adjustment", "publisher_release": "Publisher release", "publisher_payout": "Publisher payout",
	"publisher_reversal": "Publisher reversal",
}

// statementAccounts are a publisher's accounts its statement may show.
var statementAccounts = []ui.Option{
	{Value: "pending", Label: "Pending"}, {Value: "available", Label: "Available"}, {Value: "paid", Label: "Paid out"},
}

// statementQuery is a statement's query: its UTC days (inclusive),
// currency and, for a publisher, account ("" for a merchant's payable);
// csv asks for the CSV file.
func statementQuery(from, to, currency, account string, csv bool) string {
	q := url.Values{}
	q.Set("currency", currency)
	if account != "" {
		q.Set("account", account)
	}
	if from != "" {
		q.Set("from", from)
	}
	if to != "" {
		q.Set("to", to)
	}
	if csv {
		q.Set("format", "csv")
	}
	if account != "" {
		return "/v1/earnings/statement?" + q.Encode()
	}
	return "/v1/merchant/statement?" + q.Encode()
}

// checkRange checks a statement's days ("2006-01-02"); the error is
// for the person who chose them.
func checkRange(from, to string) string {
	f, ferr := time.Parse(buycard.DayLayout, from)
	t, terr := time.Parse(buycard.DayLayout, to)
	switch {
	case ferr != nil || terr != nil:
		return "Choose a start and an end date."
	case t.Before(f):
		return "The end date must not be before the start date."
	case t.Sub(f) > 366*24*time.Hour:
		return "Choose at most a year."
	}
	return ""
}

// statementPage is /console/statement: what the merchant was owed
// and settled, or what one of the publisher's accounts (pending,
// available, paid out) holds, entry by entry, over a range of days in one
// currency, with the same statement as a CSV file to download.
type statementPage struct {
	app.Compo
	pageAnchor
	s *session

	loaded             string
	from, to, currency string
	currencies         []ui.Option
	account            string // a publisher's account kind; "" for a merchant

	entries []statementEntry
	shown   string // the query of entries
	busy    bool
	err     string
}

func newStatementPage(s *session, _ []string) app.UI { return &statementPage{s: s} }

func (p *statementPage) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *statementPage) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *statementPage) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *statementPage) load(ctx app.Context) {
	if !p.s.canRead() || !atPath(ctx, "/statement") || !onPage(ctx, &p.loaded) {
		return
	}
	now, q := time.Now().UTC(), ctx.Page().URL().Query()
	p.to, p.from = now.Format(buycard.DayLayout), now.AddDate(0, 0, -29).Format(buycard.DayLayout)
	p.currency, p.currencies, p.entries, p.shown, p.err = "USD", ui.Currencies, nil, "", ""
	// A range the page's URL names (the form sent before the WASM, or a
	// link) is shown as it is.
	asked := q.Get("st-from") != ""
	p.from, p.to, p.currency = cmp.Or(q.Get("st-from"), p.from), cmp.Or(q.Get("st-to"), p.to), cmp.Or(q.Get("st-currency"), p.currency)
	// Offer the currencies the party has balances in first.
	var reply struct {
		Balances map[string]currencyBalance `json:"balances"`
		Earnings earnings                   `json:"earnings"`
	}
	path := "/v1/merchant/balances"
	if p.account = ""; p.s.role() == buycard.RolePublisher {
		path, p.account = "/v1/earnings", cmp.Or(q.Get("st-account"), "pending")
	}
	if asked {
		p.show(ctx)
		return
	}
	key := p.loaded
	p.busy = true
	ui.Run(ctx, func() error { return p.s.api.get(path, &reply) }, func(ctx app.Context, err error) {
		if key != p.loaded {
			return
		}
		p.busy = false
		if err == nil && len(reply.Balances)+len(reply.Earnings) > 0 {
			own := reply.Earnings.currencies()
			for c := range reply.Balances {
				own = append(own, c)
			}
			sort.Strings(own)
			p.currency = own[0]
		}
		p.show(ctx)
	})
}

func (p *statementPage) show(ctx app.Context) {
	ctx = p.own(ctx)
	if msg := checkRange(p.from, p.to); msg != "" {
		p.err = msg
		return
	}
	path := statementQuery(p.from, p.to, p.currency, p.account, false)
	p.busy, p.err, p.shown = true, "", path
	var st struct {
		Entries []statementEntry `json:"entries"`
	}
	ui.Run(ctx, func() error { return p.s.api.get(path, &st) }, func(ctx app.Context, err error) {
		if path != p.shown {
			return
		}
		p.busy = false
		if err != nil {
			p.err, p.entries = message(err), nil
			return
		}
		p.entries = st.Entries
		if p.entries == nil {
			p.entries = []statementEntry{}
		}
	})
}

func (p *statementPage) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Statement"),
		app.If(p.account == "", func() app.UI {
			return app.P().Text("Every change of what you are owed: sales, refunds, disputes and what was settled to you. Days are in UTC.")
		}).Else(func() app.UI {
			return app.P().Text("Every change of your earnings: shares of sales and refunds while pending, releases once available, and payouts. Days are in UTC.")
		}),
		ui.QueryForm("Statement range", Base+"/statement", p.show,
			app.Div().Class("cs-row cs-filters").Body(
				ui.TextInput(ui.Field{ID: "st-from", Label: "From", Type: "date", Value: p.from, Required: true},
					func(_ app.Context, v string) { p.from = v }),
				ui.TextInput(ui.Field{ID: "st-to", Label: "To", Type: "date", Value: p.to, Required: true},
					func(_ app.Context, v string) { p.to = v }),
				ui.SelectInput("st-currency", "Currency", p.currency, p.currencies, func(_ app.Context, v string) { p.currency = v }),
				app.If(p.account != "", func() app.UI {
					return ui.SelectInput("st-account", "Account", p.account, statementAccounts, func(_ app.Context, v string) { p.account = v })
				}),
			),
			app.Div().Class("cs-actions").Body(
				ui.SubmitButton("Show statement", p.busy),
				app.If(p.shown != "" && checkRange(p.from, p.to) == "", func() app.UI {
					return app.A().Class("cs-button").Href(statementQuery(p.from, p.to, p.currency, p.account, true)).
						Attr("download", "statement-"+orDefault(p.account+"-", "")+p.currency+"-"+p.from+"-"+p.to+".csv").
						Text("Download CSV")
				}),
			),
		),
		ui.Status(p.err, ""),
		p.renderEntries(),
	)
}

func (p *statementPage) renderEntries() app.UI {
	switch {
	case p.entries == nil:
		return app.Div().Role("status").Body(app.If(p.busy, func() app.UI { return app.P().Class("cs-loading").Text("Loading…") }))
	case len(p.entries) == 0:
		return app.P().Role("status").Text("No entries in these days.")
	}
	cur := p.currency
	var in, out int64
	for _, e := range p.entries {
		if e.Amount > 0 {
			in += e.Amount
		} else {
			out -= e.Amount
		}
	}
	return app.Div().Body(
		app.Dl().Class("cs-stats").Body(
			stat("Entries", countText(len(p.entries))),
			stat("Credited", ui.MoneyText(in, cur)),
			stat("Debited", ui.MoneyText(out, cur)),
			stat("Balance after", ui.SignedMoney(p.entries[len(p.entries)-1].Balance, cur)),
		),
		app.Div().Class("cs-table-wrap").Body(
			app.Table().Class("cs-table").Body(
				app.Caption().Class("cs-sr").Text("Statement entries, oldest first"),
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Date"), app.Th().Scope("col").Text("Entry"), app.Th().Scope("col").Text("Order"),
					app.Th().Scope("col").Text("Memo"), app.Th().Scope("col").Class("cs-num").Text("Amount"),
					app.Th().Scope("col").Class("cs-num").Text("Balance"),
				)),
				app.TBody().Body(app.Range(p.entries).Slice(func(i int) app.UI {
					e := p.entries[i]
					return app.Tr().Body(
						app.Td().Text(e.EffectiveAt.UTC().Format("2006-01-02 15:04")),
						app.Td().Text(orDefault(statementEntryKinds[e.Kind], e.Kind)),
						app.Td().Body(app.Code().Text(e.OrderID)),
						app.Td().Text(e.Memo),
						app.Td().Class("cs-num").Text(ui.SignedMoney(e.Amount, cur)),
						app.Td().Class("cs-num").Text(ui.SignedMoney(e.Balance, cur)),
					)
				})),
			),
		),
	)
}

func countText(n int) string {
	return strconv.Itoa(n)
}
