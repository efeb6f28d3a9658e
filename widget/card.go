package widget

import (
	"cmp"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// CardView is what a card shows, already worded and formatted.
type CardView struct {
	WidgetID, Merchant, Title, Price, CTA, Note string
	Image                                       buycard.Image
	Availability                                buycard.Availability
}

// NewCardView words card for people reading lang (a BCP 47 tag).
func NewCardView(card *buycard.Card, lang string) CardView {
	availability := card.Availability()
	return CardView{
		WidgetID:     card.Widget.ID,
		Merchant:     card.Merchant.Name,
		Title:        card.Product.Title,
		Price:        PriceText(&card.Product, lang),
		CTA:          cmp.Or(card.Widget.CTA, "Buy"),
		Note:         availabilityNote(availability),
		Image:        card.Product.Image,
		Availability: availability,
	}
}

// PriceText is the product's price as cards show it: "$24.00", or
// "From $24.00" when its variants have different prices.
func PriceText(p *buycard.Product, lang string) string {
	price := p.FromPrice().Format(lang)
	for _, v := range p.Variants {
		if v.Price != p.Variants[0].Price {
			return "From " + price
		}
	}
	return price
}

// availabilityNote says why something cannot be bought, or "" when it can.
func availabilityNote(a buycard.Availability) string {
	switch a {
	case buycard.Buyable:
		return ""
	case buycard.SoldOut:
		return "Sold out"
	}
	return "Not available right now"
}

// CardHTML renders the card markup of docs/contracts.md.
func CardHTML(v CardView) string {
	return fragmentHTML(newCard(v))
}

// card is the in-feed buy card. The loader inserts its HTML into a shadow
// root and wires the button; the card itself has no behaviour.
type card struct {
	app.Compo
	CardView
}

func newCard(v CardView) *card {
	return &card{CardView: v}
}

func (c *card) Render() app.UI {
	return app.Article().Class("bc-card").DataSet("state", c.Availability).Body(
		c.renderImage(),
		app.Div().Class("bc-body").Body(
			app.P().Class("bc-merchant").Text(c.Merchant),
			app.H3().Class("bc-title").Text(c.Title),
			app.P().Class("bc-price").Text(c.Price),
			c.renderButton(),
			app.If(c.Note != "", func() app.UI {
				return app.P().Class("bc-note").Text(c.Note)
			}),
		),
	)
}

func (c *card) renderImage() app.UI {
	img := app.Img().Class("bc-img").Src(c.Image.URL).
		Alt(cmp.Or(c.Image.Alt, c.Title)).
		Attr("loading", "lazy").Attr("decoding", "async")
	if c.Image.Width > 0 && c.Image.Height > 0 {
		img = img.Width(c.Image.Width).Height(c.Image.Height)
	}
	return img
}

func (c *card) renderButton() app.UI {
	button := app.Button().Type("button").Class("bc-buy").Attr("data-buycard-buy", true).Text(c.CTA)
	if c.Availability != buycard.Buyable {
		// Only ever true: go-app's server encoder writes false as disabled="false".
		button = button.Disabled(true)
	}
	return button
}
