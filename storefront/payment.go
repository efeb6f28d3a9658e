package storefront

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// cardNumberID is the card number input's id.
const cardNumberID = "bc-card"

// Test cards of the sandbox provider (docs/contracts.md).
var testCards = []struct {
	number  string
	outcome Message
}{
	{"4242 4242 4242 4242", msgCardSucceeds},
	{"4000 0000 0000 0002", msgCardDeclined},
}

// paymentStep is the sandbox provider's test payment: a card number field,
// buttons that fill in the test cards, and the Pay button. No real money
// moves, and the step says so.
type paymentStep struct {
	app.Compo
	Total        string // formatted, as the order's total
	Lang         string
	CardNumber   string
	Busy         bool
	Error        string
	Form         stepForm // where the step posts without the WASM
	OnCardNumber func(ctx app.Context, number string)
	OnPay        func(ctx app.Context)
}

func newPaymentStep(total, lang, cardNumber string, busy bool, errorText string, form stepForm,
	onCardNumber func(app.Context, string), onPay func(app.Context)) *paymentStep {
	form.class = "bc-pay"
	return &paymentStep{
		Total: total, Lang: lang, CardNumber: cardNumber, Busy: busy, Error: errorText, Form: form,
		OnCardNumber: onCardNumber, OnPay: onPay,
	}
}

func (p *paymentStep) Render() app.UI {
	payLabel := tr(p.Lang, msgPay, p.Total)
	if p.Busy {
		payLabel = tr(p.Lang, msgProcessing)
	}
	return p.Form.render(p.OnPay,
		stepTitle("h2", tr(p.Lang, msgTestPaymentTitle)),
		textEl("p", attrs{{"class", "bc-hint"}}, tr(p.Lang, msgTestPaymentHint)),
		textEl("label", attrs{{"for", cardNumberID}}, tr(p.Lang, msgCardNumber)),
		void("input", attrs{{"type", "text"}, {"id", cardNumberID}, {"name", "card_number"}, {"class", "bc-input"},
			{"inputmode", "numeric"}, {"autocomplete", "off"}, {"placeholder", "4242 4242 4242 4242"}, {"value", p.CardNumber}}).
			OnInput(p.onInput),
		el("div", attrs{{"class", "bc-testcards"}}, app.Range(testCards).Slice(p.renderTestCard)),
		errorLine(p.Error),
		submitButton(payLabel, p.Busy),
	)
}

func (p *paymentStep) renderTestCard(i int) app.UI {
	c := testCards[i]
	return textEl("button", attrs{{"type", "button"}, {"class", "bc-secondary"}, {"data-card", c.number}},
		tr(p.Lang, msgUseTestCard, c.number, tr(p.Lang, c.outcome))).OnClick(p.useTestCard)
}

func (p *paymentStep) onInput(ctx app.Context, e app.Event) {
	p.OnCardNumber(ctx, ctx.JSSrc().Get("value").String())
}

// useTestCard fills in the card of the pressed button.
func (p *paymentStep) useTestCard(ctx app.Context, e app.Event) {
	number := ctx.JSSrc().Get("dataset").Get("card").String()
	setInputValue(cardNumberID, number)
	p.OnCardNumber(ctx, number)
}
