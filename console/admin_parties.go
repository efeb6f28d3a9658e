package console

import (
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/console/ui"
)

// partySummary is one merchant or publisher of GET /v1/admin/merchants
// or /v1/admin/publishers (buycard.PartySummary).
type partySummary struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	CreatedAt      time.Time        `json:"created_at"`
	PaymentAccount string           `json:"payment_account"` // "none", "onboarding" or "enabled"
	Counts         map[string]int64 `json:"counts"`
}

// accountStates words PartySummary.PaymentAccount.
var accountStates = map[string]string{"none": "Not set up", "onboarding": "Setup not finished", "enabled": "Enabled"}

// partyKind is one of the two lists: its API, its words and its counts.
type partyKind struct {
	plural, title, empty string
	counts               []struct{ key, label string }
}

var (
	merchantKind = partyKind{plural: "merchants", title: "Merchants", empty: "No merchants yet.",
		counts: []struct{ key, label string }{{"products", "Products"}, {"widgets", "Widgets"}, {"orders", "Orders"}, {"paid_orders", "Paid orders"}}}
	publisherKind = partyKind{plural: "publishers", title: "Publishers", empty: "No publishers yet.",
		counts: []struct{ key, label string }{{"placements", "Placements"}, {"orders", "Orders"}, {"paid_orders", "Paid orders"}}}
)

// adminParties is /console/admin/merchants and /console/admin/publishers:
// every merchant or publisher with its payment account and its counts.
// Going from one list to the other reuses the component, so the kind
// comes from the path at each load.
type adminParties struct {
	app.Compo
	s *session

	kind     partyKind
	list     []partySummary
	loaded   bool
	err      string
	loadedAt string
}

func newAdminMerchants(s *session, _ []string) app.UI {
	return &adminParties{s: s, kind: merchantKind}
}

func newAdminPublishers(s *session, _ []string) app.UI {
	return &adminParties{s: s, kind: publisherKind}
}

func (p *adminParties) OnMount(ctx app.Context)     { p.load(ctx) }
func (p *adminParties) OnPreRender(ctx app.Context) { p.load(ctx) }
func (p *adminParties) OnNav(ctx app.Context)       { p.load(ctx) }

func (p *adminParties) load(ctx app.Context) {
	if !p.s.canRead() || !onPage(ctx, &p.loadedAt) {
		return
	}
	p.kind = merchantKind
	if strings.HasSuffix(strings.TrimSuffix(ctx.Page().URL().Path, "/"), "/publishers") {
		p.kind = publisherKind
	}
	p.list, p.loaded, p.err = nil, false, ""
	kind := p.kind
	reply := map[string][]partySummary{}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/admin/"+kind.plural, &reply) }, func(ctx app.Context, err error) {
		if kind.plural != p.kind.plural {
			return // the user went on to the other list
		}
		p.loaded = true
		if err != nil {
			p.err = message(err)
			return
		}
		p.list = reply[kind.plural]
	})
}

func (p *adminParties) Render() app.UI {
	return app.Section().Body(
		app.H1().Text(p.kind.title),
		ui.Status(p.err, ""),
		p.renderList(),
	)
}

func (p *adminParties) renderList() app.UI {
	switch {
	case !p.loaded:
		return app.P().Class("cs-loading").Text("Loading…")
	case p.err != "":
		return app.Div()
	case len(p.list) == 0:
		return app.P().Text(p.kind.empty)
	}
	head := []string{"Name", "Id", "Joined", "Payment account"}
	for _, c := range p.kind.counts {
		head = append(head, c.label)
	}
	return app.Div().Body(
		app.P().Class("cs-hint").Text(strconv.Itoa(len(p.list))+" in all, oldest first."),
		ui.Table(p.kind.title, head, nil, len(p.list), func(i int) []app.UI {
			x := p.list[i]
			cells := []app.UI{
				app.Text(x.Name), app.Code().Text(x.ID), app.Text(x.CreatedAt.Format(time.DateOnly)),
				app.Span().Class("cs-badge").Text(orDefault(accountStates[x.PaymentAccount], x.PaymentAccount)),
			}
			for _, c := range p.kind.counts {
				cells = append(cells, app.Span().Class("cs-num").Text(strconv.FormatInt(x.Counts[c.key], 10)))
			}
			return cells
		}),
	)
}
