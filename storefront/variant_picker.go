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
	return el("fieldset", attrs{{"class", "bc-variants"}},
		textEl("legend", nil, cmp.Or(p.Offer.OptionName, tr(p.Lang, msgOption))),
		app.Range(p.Offer.Variants).Slice(p.renderOption),
	)
}

func (p *variantPicker) renderOption(i int) app.UI {
	v := p.Offer.Variants[i]
	input := attrs{{"type", "radio"}, {"id", "bc-" + v.ID}, {"name", "variant_id"}, {"value", v.ID}}.
		set("checked", v.ID == p.Selected).set("disabled", v.Available < 1)
	detail := buycard.Money{Amount: v.Price, Currency: p.Offer.Currency}.Format(p.Lang)
	if v.Available < 1 {
		detail = cardWordsFor(p.Lang).soldOut
	}
	return el("label", attrs{{"class", "bc-option"}},
		void("input", input).OnChange(p.onChange),
		textEl("span", attrs{{"class", "bc-option-name"}}, v.Name),
		textEl("span", attrs{{"class", "bc-option-detail"}}, detail),
	)
}

func (p *variantPicker) onChange(ctx app.Context, e app.Event) {
	p.OnSelect(ctx, ctx.JSSrc().Get("value").String())
}
