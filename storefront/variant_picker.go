package storefront

import (
	"cmp"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// variantPicker is a radio group for choosing one of an offer's variants,
// labelled by the offer's option name. Sold-out variants are shown but
// cannot be chosen.
type variantPicker struct {
	app.Compo
	Offer    *buycard.Offer
	Selected string // variant id
	Lang     string
	OnSelect func(ctx app.Context, variantID string)
}

func newVariantPicker(offer *buycard.Offer, selected, lang string, onSelect func(app.Context, string)) *variantPicker {
	return &variantPicker{Offer: offer, Selected: selected, Lang: lang, OnSelect: onSelect}
}

func (p *variantPicker) Render() app.UI {
	return app.FieldSet().Class("bc-variants").Body(
		app.Legend().Text(cmp.Or(p.Offer.OptionName, "Option")),
		app.Range(p.Offer.Variants).Slice(p.renderOption),
	)
}

func (p *variantPicker) renderOption(i int) app.UI {
	v := p.Offer.Variants[i]
	input := app.Input().Type("radio").ID("%s", "bc-"+v.ID).Name("variant_id").
		Value(v.ID).OnChange(p.onChange)
	if v.ID == p.Selected {
		input = input.Checked(true)
	}
	detail := buycard.Money{Amount: v.Price, Currency: p.Offer.Currency}.Format(p.Lang)
	if v.Available < 1 {
		input, detail = input.Disabled(true), "Sold out"
	}
	return app.Label().Class("bc-option").Body(
		input,
		app.Span().Class("bc-option-name").Text(v.Name),
		app.Span().Class("bc-option-detail").Text(detail),
	)
}

func (p *variantPicker) onChange(ctx app.Context, e app.Event) {
	p.OnSelect(ctx, ctx.JSSrc().Get("value").String())
}
