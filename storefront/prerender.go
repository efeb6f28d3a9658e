package storefront

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"sync"
	"weak"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// The checkout is prerendered on the server so each step shows, and works
// as a plain HTML form, before the WASM arrives. When the WASM starts,
// go-app replaces the prerendered DOM with its own; CapturePrerender reads
// what that DOM held first, so the app starts from the same step, data and
// the choices and typing the shopper already did.

// Ids of the prerendered JSON scripts: the offer, and the page's state.
const (
	offerScriptID = "bc-offer"
	stateScriptID = "bc-state"
)

// FormErrorParam is the query parameter through which the server hands a
// rejected form's message to the prerender. The server builds every query
// the prerender sees, so a link can never set it.
const FormErrorParam = "e"

// FormErrorFieldParam names the details field the form error is about
// (a name of DetailsFields), so the step ties the message to it.
const FormErrorFieldParam = "ef"

// OfferLoader returns the offer a placement token opens for widgetID, as
// GET /v1/offers/{widget} does. Errors: EUNAUTHORIZED (bad token),
// ENOTFOUND, ECONFLICT.
type OfferLoader func(ctx context.Context, widgetID, token string) (*buycard.Offer, error)

// OrderRequest names the order of a pay or receipt page.
type OrderRequest struct {
	WidgetID, OrderID, OrderToken string
	// ClientSecret is set on the pay page: the secret of the order's
	// payment session.
	ClientSecret string
}

// OrderView is an order with the offer it was bought from (whose token is
// empty): what the pay and receipt pages show.
type OrderView struct {
	Order *buycard.Order
	Offer *buycard.Offer
	// Provider is the order's payment provider, "sandbox" (the default
	// when empty) or "stripe"; PublishableKey is Stripe's pk_…, with
	// which the pay page mounts Stripe's embedded checkout.
	Provider, PublishableKey string
	// PageURL is the shopper's order page, once the order is paid: the
	// receipt links to it.
	PageURL string
}

// OrderLoader returns the order a pay or receipt page names. Errors:
// EUNAUTHORIZED (bad token), EFORBIDDEN (another order's token or card),
// ECONFLICT (not payable or not paid), ENOTFOUND.
type OrderLoader func(ctx context.Context, r OrderRequest) (*OrderView, error)

// QuoteLoader prices a checkout as POST /v1/checkout/quote does, for the
// details page; it writes and holds nothing. Errors: as the quote's.
type QuoteLoader func(ctx context.Context, r CheckoutRequest) (*Quote, error)

// Loaders are how a server's checkout prerender reads offers and orders,
// and prices the details step. Without them the prerender shows the
// invalid-link state and the browser loads the offer itself.
type Loaders struct {
	Offer OfferLoader
	Order OrderLoader
	Quote QuoteLoader
}

// go-app prerenders a page with a context of its own: the request's URL is
// the only thing of the request that reaches a component. So each handler
// registers its loaders under an id of its own and names that id in the
// URL of every page it prerenders (loadersParam), and servers built side
// by side, as in tests, never read each other's stores. The registry holds
// the loaders weakly: they live as long as the handler that registered
// them (handler.go).
const loadersParam = "bc-loaders"

var registeredLoaders sync.Map // id → weak.Pointer[Loaders]

// loadersOf returns the loaders the page at u names; none when it names
// none or they are gone.
func loadersOf(u *url.URL) Loaders {
	p, ok := registeredLoaders.Load(u.Query().Get(loadersParam))
	if !ok {
		return Loaders{}
	}
	if l := p.(weak.Pointer[Loaders]).Value(); l != nil {
		return *l
	}
	return Loaders{}
}

// offerScript embeds offer as JSON for the client.
func offerScript(offer *buycard.Offer) app.UI {
	return jsonScript(offerScriptID, offer)
}

// jsonScript embeds v as a JSON script element. encoding/json escapes <, >
// and &, so the data cannot end the script element.
func jsonScript(id string, v any) app.UI {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return app.Raw(`<script type="application/json" id="` + id + `">` + string(data) + `</script>`)
}

// pageState is the prerendered page's JSON besides the offer: where the
// checkout is, for the WASM and for web/checkout.js before it.
type pageState struct {
	Widget       string `json:"widget"`
	Step         string `json:"step"` // choose, details, pay, receipt or failed
	Origin       string `json:"o,omitempty"`
	Lang         string `json:"lang"`
	Error        string `json:"error,omitempty"`
	ErrorField   string `json:"error_field,omitempty"`
	OrderToken   string `json:"ot,omitempty"`
	ClientSecret string `json:"cs,omitempty"`
	// Provider and PublishableKey are the pay step's payment session.
	Provider       string         `json:"provider,omitempty"`
	PublishableKey string         `json:"pk,omitempty"`
	Order          *buycard.Order `json:"order,omitempty"`
	// PageURL is the receipt's link to the order page.
	PageURL string `json:"page_url,omitempty"`
	// Prices are the formatted prices of each variant in stock, so that
	// checkout.js shows the total live without formatting money itself.
	Prices map[string]variantPrices `json:"prices,omitempty"`
	// VariantID, Quantity and Quote are the details step's choice and
	// its price; the page's fields hold what was typed.
	VariantID string `json:"variant_id,omitempty"`
	Quantity  int    `json:"quantity,omitempty"`
	Quote     *Quote `json:"quote,omitempty"`
	// Words are the checkout's texts in Lang's language, nil in English:
	// the WASM speaks the page's language from them rather than carry
	// every language's texts itself (catalog.go).
	Words *[msgCount]string `json:"words,omitempty"`
}

// variantPrices are a variant's unit price and its totals for quantities
// 1, 2, … up to the most the shopper may buy.
type variantPrices struct {
	Unit   string   `json:"unit"`
	Totals []string `json:"totals"`
}

var stepNames = map[step]string{
	stepLoading: "loading", stepFailed: "failed", stepChoose: "choose", stepDetails: "details", stepPay: "pay",
	stepReceipt: "receipt",
}

func newPageState(p checkoutParams, f *flow) pageState {
	s := pageState{
		Widget: p.widgetID, Step: stepNames[f.step], Origin: p.parentOrigin, Lang: f.lang,
		Error: f.err, ErrorField: f.errField, Words: checkoutTranslations[baseLanguage(f.lang)],
	}
	switch f.step {
	case stepChoose:
		s.Prices = offerPrices(f.offer, f.lang)
	case stepDetails:
		s.VariantID, s.Quantity, s.Quote = f.variantID, f.quantity, f.quote
	case stepPay:
		p := f.session.Payment
		s.Order, s.OrderToken, s.ClientSecret = &f.session.Order, f.session.OrderToken, p.ClientSecret
		s.Provider, s.PublishableKey = p.Provider, p.PublishableKey
	case stepReceipt:
		s.Order, s.PageURL = f.order, f.orderPage
	}
	return s
}

func offerPrices(o *buycard.Offer, lang string) map[string]variantPrices {
	prices := make(map[string]variantPrices)
	for _, v := range o.Variants {
		p := variantPrices{Unit: buycard.Money{Amount: v.Price, Currency: o.Currency}.Format(lang)}
		for q := 1; q <= v.Available; q++ {
			if total, err := o.Total(v.ID, q); err == nil {
				p.Totals = append(p.Totals, total.Format(lang))
			}
		}
		if len(p.Totals) > 0 {
			prices[v.ID] = p
		}
	}
	return prices
}

// prerenderedState is what the prerendered page held when the WASM started.
type prerenderedState struct {
	page       pageState
	offer      *buycard.Offer // nil when the page shows an error
	variantID  string
	quantity   int
	cardNumber string
	details    Details // what the details step's fields hold
	focusID    string
}

var prerendered *prerenderedState

// CapturePrerender reads the prerendered data and what the shopper chose
// or typed from the page. The WASM main calls it before
// app.RunWhenOnBrowser, while the prerendered DOM is still there.
func CapturePrerender() {
	doc := app.Window().Get("document")
	state := &prerenderedState{}
	if !readJSONScript(doc, stateScriptID, &state.page) {
		return
	}
	var offer buycard.Offer
	if readJSONScript(doc, offerScriptID, &offer) {
		state.offer = &offer
	}
	if checked := doc.Call("querySelector", `input[name="variant_id"]:checked`); checked.Truthy() {
		state.variantID = checked.Get("value").String()
	}
	if qty := doc.Call("getElementById", quantityID); qty.Truthy() {
		state.quantity, _ = strconv.Atoi(qty.Get("value").String())
	}
	if card := doc.Call("getElementById", cardNumberID); card.Truthy() {
		state.cardNumber = card.Get("value").String()
	}
	for _, name := range DetailsFields {
		sel := `.bc-details [name="` + name + `"]:not([type=radio]), .bc-details [name="` + name + `"]:checked`
		if el := doc.Call("querySelector", sel); el.Truthy() {
			state.details.Set(name, el.Get("value").String())
		}
	}
	if active := doc.Get("activeElement"); active.Truthy() {
		state.focusID = active.Get("id").String()
	}
	prerendered = state
}

func readJSONScript(doc app.Value, id string, v any) bool {
	script := doc.Call("getElementById", id)
	return script.Truthy() && json.Unmarshal([]byte(script.Get("textContent").String()), v) == nil
}

// takePrerendered hands the captured state to the checkout of widgetID,
// once.
func takePrerendered(widgetID string) (prerenderedState, bool) {
	p := prerendered
	prerendered = nil
	if p == nil || p.page.Widget != widgetID {
		return prerenderedState{}, false
	}
	return *p, true
}
