package console

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// placementCodes is the publisher's discount codes on its placements
// page (GET /v1/placement-codes): the codes merchants gave its
// placements, what they take off and how often they were used. Sales
// with them credit the publisher's share like sales through its cards.
type placementCodes struct {
	app.Compo
	s *session

	codes  []*buycard.PlacementCode
	loaded bool
	err    string
}

func newPlacementCodes(s *session) app.UI { return &placementCodes{s: s} }

func (p *placementCodes) OnMount(ctx app.Context) {
	if app.IsServer {
		return
	}
	var reply struct {
		Codes []*buycard.PlacementCode `json:"discount_codes"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/placement-codes", &reply) }, func(ctx app.Context, err error) {
		p.loaded = true
		if err != nil {
			p.err = message(err)
			return
		}
		p.codes = reply.Codes
	})
}

func (p *placementCodes) Render() app.UI {
	return app.Section().Aria("labelledby", "codes-h").Body(
		app.H2().ID("codes-h").Text("Your discount codes"),
		app.P().Text("Merchants can give your placements codes to share with your audience: every sale with one credits your share, even when the shopper never saw the card."),
		ui.Status(p.err, ""),
		p.renderList(),
	)
}

func (p *placementCodes) renderList() app.UI {
	switch {
	case !p.loaded:
		return app.P().Class("cs-loading").Text("Loading…")
	case p.err != "":
		return app.Div()
	case len(p.codes) == 0:
		return app.P().Text("No codes yet.")
	}
	now := time.Now()
	return ui.Table("Your discount codes", []string{"Code", "Takes off", "Placement", "Merchant", "Uses", "Earned", "Ends", "Status"},
		map[int]bool{4: true, 5: true}, len(p.codes), func(i int) []app.UI {
			c := p.codes[i]
			status := "Active"
			if !c.Active {
				status = "Ended"
			}
			if c.EndsAt != nil && !now.Before(*c.EndsAt) {
				status = "Expired"
			}
			return []app.UI{
				app.Code().Text(c.Code),
				app.Text(discountText(c.PercentBPS, c.AmountOff)),
				app.A().Href(Base + "/placements/" + c.PlacementID).Text(c.PlacementName),
				app.Text(c.MerchantName),
				app.Text(usesText(c.Redeemed, 0)),
				app.Text(earnedText(c.Earned)),
				app.Text(endText(c.EndsAt)),
				app.Text(status),
			}
		})
}

// earnedText is what a code earned the publisher, "—" before any sale.
func earnedText(earned map[string]int64) string {
	if len(earned) == 0 {
		return "—"
	}
	return amountsText(earned, ", ")
}
