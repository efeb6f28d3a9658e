package storefront

import (
	"cmp"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// ProductView is what the hosted product page /p/{widget} shows.
type ProductView struct {
	Offer *buycard.Offer
	// Lang is the BCP 47 tag the page is written for.
	Lang string
	// CheckoutURL opens the full-page checkout; the loader turns it into
	// the overlay when JavaScript runs.
	CheckoutURL string
	// PriceText is the formatted price ("$24.00", "From $24.00").
	PriceText string
}

// ProductPageHTML renders the body content of the hosted product page. It
// works without JavaScript: the Buy link navigates to the checkout.
func ProductPageHTML(v ProductView) string {
	return fragmentHTML(newProductPage(v))
}

// productPage is the hosted product page.
type productPage struct {
	app.Compo
	ProductView
}

func newProductPage(v ProductView) *productPage {
	return &productPage{ProductView: v}
}

func (p *productPage) Render() app.UI {
	o := p.Offer
	description := paragraphs(o.Description)
	return app.Main().Class("bc-product").Body(
		p.renderImage(),
		app.Div().Class("bc-product-body").Body(
			app.P().Class("bc-merchant").Text(o.Merchant),
			app.H1().Class("bc-title").Text(o.Title),
			app.P().Class("bc-price").Text(p.PriceText),
			app.Range(description).Slice(func(i int) app.UI {
				return app.P().Class("bc-description").Text(description[i])
			}),
			p.renderAction(),
		),
	)
}

func (p *productPage) renderImage() app.UI {
	image := p.Offer.Image
	img := app.Img().Class("bc-product-img").Src(image.URL).Alt(cmp.Or(image.Alt, p.Offer.Title))
	if image.Width > 0 && image.Height > 0 {
		img = img.Width(image.Width).Height(image.Height)
	}
	return img
}

// renderAction is the Buy link, or the reason there is none.
func (p *productPage) renderAction() app.UI {
	words := cardWordsFor(p.Lang)
	if note := availabilityNote(p.Offer.Availability, p.Offer.HeldUntil, words); note != "" {
		return app.P().Class("bc-note").Text(note)
	}
	return app.A().Class("bc-buy").Href(p.CheckoutURL).
		Attr("data-buycard-open", p.Offer.WidgetID).
		Text(buyLabel(p.Offer.CTA, words))
}

// paragraphs splits text at blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, part := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
