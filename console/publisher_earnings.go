package console

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// payouts is GET /v1/payouts: whether payouts are held, the statements
// of the publisher's paid accounts and its share transfers.
type payouts struct {
	Held bool `json:"held"`
	Paid []struct {
		Currency string      `json:"currency"`
		Entries  []paidEntry `json:"entries"`
	} `json:"paid"`
	Transfers []shareTransfer `json:"transfers"`
}

// paidEntry is one ledger entry of a paid account.
type paidEntry struct {
	Kind        string    `json:"kind"`
	OrderID     string    `json:"order_id"`
	EffectiveAt time.Time `json:"effective_at"`
	Amount      int64     `json:"amount"`
	Balance     int64     `json:"balance"`
}

// shareTransfer is one movement of an order's share to or back from the
// publisher's Stripe account.
type shareTransfer struct {
	ID        string        `json:"id"`
	OrderID   string        `json:"order_id"`
	Kind      string        `json:"kind"`   // "transfer" or "reversal"
	Amount    buycard.Money `json:"amount"` // of the movement
	Status    string        `json:"status"` // "pending", "done" or "failed"
	Error     string        `json:"error"`
	CreatedAt time.Time     `json:"created_at"`
}

// Words for the API's codes.
var (
	saleStatuses     = map[string]string{"available": "Available", "paid": "Paid", "refunded": "Refunded"}
	transferKinds    = map[string]string{"transfer": "Payout", "reversal": "Taken back (refund)"}
	transferStatuses = map[string]string{"pending": "In progress", "done": "Done", "failed": "Failed"}
	entryKinds       = map[string]string{"publisher_payout": "Payout", "publisher_reversal": "Taken back (refund)"}
)

// earningsPage is /console/earnings: the publisher's balances per
// currency (GET /v1/earnings), the sales behind them (GET
// /v1/earnings/sales), its payout history (GET /v1/payouts) and its
// payout account.
type earningsPage struct {
	app.Compo
	s *session

	earnings    earnings
	loaded      bool
	err         string
	sales       []buycard.PublisherSale
	salesDone   bool
	salesErr    string
	payouts     *payouts
	payoutsDone bool
	payoutsErr  string
	loadedAt    string
}

func newEarningsPage(s *session, _ []string) app.UI { return &earningsPage{s: s} }

func (p *earningsPage) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *earningsPage) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *earningsPage) OnNav(ctx app.Context)       { p.load(ctx) }

func (p *earningsPage) load(ctx app.Context) {
	if !p.s.canRead() || !onPage(ctx, &p.loadedAt) {
		return
	}
	p.earnings, p.loaded, p.err = nil, false, ""
	p.sales, p.salesDone, p.salesErr = nil, false, ""
	p.payouts, p.payoutsDone, p.payoutsErr = nil, false, ""
	var reply struct {
		Earnings earnings `json:"earnings"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/earnings", &reply) }, func(ctx app.Context, err error) {
		p.loaded = true
		if err != nil {
			p.err = message(err)
			return
		}
		p.earnings = reply.Earnings
	})
	var sales struct {
		Sales []buycard.PublisherSale `json:"sales"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/earnings/sales", &sales) }, func(ctx app.Context, err error) {
		p.salesDone = true
		if err != nil {
			p.salesErr = message(err)
			return
		}
		p.sales = sales.Sales
	})
	var got payouts
	ui.Run(ctx, func() error { return p.s.api.get("/v1/payouts", &got) }, func(ctx app.Context, err error) {
		p.payoutsDone = true
		if err != nil {
			p.payoutsErr = message(err)
			return
		}
		p.payouts = &got
	})
}

func (p *earningsPage) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Earnings"),
		app.P().Text("Your share of a sale is pending while the shopper may still get a refund, then available, then paid out to your Stripe account."),
		app.H2().Text("Balances"),
		ui.Status(p.err, ""),
		app.If(p.err == "", func() app.UI { return earningsSummary(p.earnings, p.loaded) }),
		app.P().Body(app.A().Href(Base+"/statement").Text("Statement of each account, with a CSV file to download")),
		app.Section().Aria("labelledby", "sales-h").Body(
			app.H2().ID("sales-h").Text("Sales"),
			ui.Status(p.salesErr, ""),
			p.renderSales(),
		),
		newAccountPanel(p.s, "acct", false),
		app.Section().Aria("labelledby", "payouts-h").Body(
			app.H2().ID("payouts-h").Text("Payout history"),
			ui.Status(p.payoutsErr, ""),
			p.renderPayouts(),
		),
	)
}

func (p *earningsPage) renderSales() app.UI {
	switch {
	case !p.salesDone:
		return app.P().Class("cs-loading").Text("Loading…")
	case p.salesErr != "":
		return app.Div()
	case len(p.sales) == 0:
		return app.P().Text("No sales yet. Each sale your placements make shows here with your share of it.")
	}
	return ui.Table("Your sales, newest first", []string{"Date", "Product", "Order", "Share", "You earn", "Status"}, nil, len(p.sales), func(i int) []app.UI {
		sale := p.sales[i]
		return []app.UI{
			app.Text(sale.SoldAt.Format(time.DateOnly)), app.Text(sale.ProductTitle),
			app.Span().Class("cs-num").Text(sale.Total.Format("en")),
			app.Span().Class("cs-num").Text(ui.BPSText(sale.ShareBPS)),
			app.Span().Class("cs-num").Text(sale.Share.Format("en")),
			app.Text(saleStatus(sale)),
		}
	})
}

// saleStatus words where a sale's share stands.
func saleStatus(s buycard.PublisherSale) string {
	if s.Status == buycard.SharePending && s.PendingUntil != nil {
		return "Pending until " + s.PendingUntil.UTC().Format(time.DateOnly)
	}
	return orDefault(saleStatuses[s.Status], s.Status)
}

func (p *earningsPage) renderPayouts() app.UI {
	switch {
	case !p.payoutsDone:
		return app.P().Class("cs-loading").Text("Loading…")
	case p.payouts == nil:
		return app.Div()
	}
	var entries []paidEntry
	var currencies []string
	for _, st := range p.payouts.Paid {
		for _, e := range st.Entries {
			entries = append(entries, e)
			currencies = append(currencies, st.Currency)
		}
	}
	ts := p.payouts.Transfers
	return app.Div().Body(
		app.If(p.payouts.Held, func() app.UI {
			return app.P().Class("cs-notice").Role("status").Text("Payouts are paused while the platform checks its books with the payment provider. Your earnings are safe and will be paid once the check is done.")
		}),
		app.If(len(ts) > 0, func() app.UI { return app.H3().Text("Transfers to your Stripe account") }),
		app.If(len(ts) > 0, func() app.UI {
			return ui.Table("Transfers, newest first", []string{"Date", "Order", "Movement", "Amount", "Status"}, nil, len(ts), func(i int) []app.UI {
				t := ts[i]
				st := app.UI(app.Text(orDefault(transferStatuses[t.Status], t.Status)))
				if t.Status == "failed" && t.Error != "" {
					st = app.Span().Text(transferStatuses[t.Status] + ": " + t.Error)
				}
				return []app.UI{
					app.Text(t.CreatedAt.Format(time.DateOnly)), app.Code().Text(t.OrderID),
					app.Text(orDefault(transferKinds[t.Kind], t.Kind)), app.Span().Class("cs-num").Text(t.Amount.Format("en")), st,
				}
			})
		}),
		app.H3().Text("Paid out, per currency"),
		app.If(len(entries) == 0, func() app.UI { return app.P().Text("Nothing paid out yet.") }).Else(func() app.UI {
			return ui.Table("Paid-out statement, oldest first", []string{"Date", "Order", "Entry", "Amount", "Total paid"}, nil, len(entries), func(i int) []app.UI {
				e, cur := entries[i], currencies[i]
				return []app.UI{
					app.Text(e.EffectiveAt.Format(time.DateOnly)), app.Code().Text(e.OrderID),
					app.Text(orDefault(entryKinds[e.Kind], e.Kind)),
					app.Span().Class("cs-num").Text(ui.MoneyText(e.Amount, cur)), app.Span().Class("cs-num").Text(ui.MoneyText(e.Balance, cur)),
				}
			})
		}),
	)
}
