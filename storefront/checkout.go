package storefront

import (
	"cmp"
	"net/url"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// Element ids the checkout moves focus to.
const (
	panelID        = "bc-panel"
	productTitleID = "bc-title"
	stepTitleID    = "bc-step-title"
	primaryID      = "bc-primary"
)

// actionReply delivers request results to the checkout on the UI
// goroutine (see checkout.request).
const actionReply = "buycard/checkout-reply"

// Pages of the checkout under /checkout/{widget}: the choose step has no
// suffix.
const (
	pageDetails = "details"
	pagePay     = "pay"
	pageReceipt = "receipt"
	// pagePopup is the choose step in a window of its own (the widget's
	// popup checkout mode): its form posts to this page, which with
	// Stripe goes on to Stripe's hosted Checkout.
	pagePopup = "popup"
)

// checkoutParams is what the overlay URL says:
// /checkout/WIDGET?t=TOKEN&o=PARENT_ORIGIN&lang=LANG, or
// /checkout/WIDGET/details?t=…&o=…&lang=…&variant_id=…&quantity=…, or
// /checkout/WIDGET/pay?order=ID&ot=ORDER_TOKEN&cs=CLIENT_SECRET&t=…&o=…&lang=…,
// or /checkout/WIDGET/receipt?order=ID&ot=ORDER_TOKEN&o=…&lang=…, or the
// choose step as /checkout/WIDGET/popup?t=…&o=…&lang=…. Any of them may add
// go-app's wasm=false, which the forms carry on to the next step, and
// popup=1 (PopupParam), which says the steps after the choose step are the
// popup checkout's.
type checkoutParams struct {
	widgetID, page, token, parentOrigin, lang string
	orderID, orderToken, clientSecret         string
	noWasm, popup                             bool
}

// PopupParam marks the pages after the popup checkout's choose step, so
// that its details form asks for the provider's hosted payment page.
const PopupParam = "popup"

func parseCheckoutURL(u *url.URL) checkoutParams {
	q := u.Query()
	widgetID, page, _ := strings.Cut(strings.TrimPrefix(u.Path, "/checkout/"), "/")
	p := checkoutParams{
		widgetID:     widgetID,
		page:         page,
		token:        q.Get("t"),
		parentOrigin: q.Get("o"),
		lang:         langOrDefault(cmp.Or(q.Get("lang"), browserLanguage())),
		orderID:      q.Get("order"),
		orderToken:   q.Get("ot"),
		clientSecret: q.Get("cs"),
		noWasm:       q.Get("wasm") == "false",
		popup:        q.Get(PopupParam) == "1",
	}
	if !validParentOrigin(p.parentOrigin) {
		p.parentOrigin = ""
	}
	if !widgetIDPattern.MatchString(p.widgetID) || len(p.token) > maxTokenLength {
		p = checkoutParams{lang: p.lang}
	}
	return p
}

// checkout is the overlay app at /checkout/{widget}: choose variant and
// quantity, pay (with a test card, or in Stripe's embedded checkout), see
// the receipt. The server prerenders it; in the browser it also talks to
// the page that frames it.
type checkout struct {
	app.Compo

	params     checkoutParams
	flow       flow
	api        *apiClient
	messenger  messenger
	generation int      // bumped by every offer load; older replies are dropped
	quotes     int      // bumped by every quote; only the latest one's answer shows
	focusID    string   // control focused in the prerendered page
	stops      []func() // listeners to remove on dismount
}

func newCheckout() *checkout {
	return &checkout{}
}

// OnPreRender loads the offer, or the order of the pay and receipt pages,
// on the server so the page shows it at once, with the data as JSON for
// the client to start from.
func (c *checkout) OnPreRender(ctx app.Context) {
	u := ctx.Page().URL()
	c.params = parseCheckoutURL(u)
	c.flow = newFlow(c.params.lang)
	ctx.Page().SetLang(HTMLLang(c.flow.lang))
	formError := u.Query().Get(FormErrorParam)
	loaders := loadersOf(u)
	switch c.params.page {
	case pagePay, pageReceipt:
		c.prerenderOrder(ctx, loaders.Order)
	default:
		c.prerenderOffer(ctx, loaders.Offer)
		c.restoreChoice(u.Query())
	}
	if c.params.page == pageDetails {
		c.prerenderDetails(ctx, loaders.Quote, u.Query())
	}
	if formError != "" && c.flow.step != stepFailed {
		c.flow.err, c.flow.errField = formError, u.Query().Get(FormErrorFieldParam)
	}
}

// prerenderDetails shows the details step with what its form sent,
// priced, when the choice can be bought. A code the form was refused for
// is left out of the price, which would only refuse it again.
func (c *checkout) prerenderDetails(ctx app.Context, quote QuoteLoader, q url.Values) {
	f := &c.flow
	if f.offer == nil {
		return
	}
	f.toDetails()
	f.setDetails(DetailsFrom(q))
	if f.step != stepDetails || quote == nil {
		return
	}
	r := f.applyRequest()
	if q.Get(FormErrorFieldParam) == FieldDiscountCode {
		r.DiscountCode = ""
	}
	qt, err := quote(ctx, r)
	if err != nil && r.ShippingRateID != "" {
		// Show the options for the address all the same, the cheapest
		// chosen, in place of the one that is not among them.
		r.ShippingRateID = ""
		qt, err = quote(ctx, r)
	}
	if err != nil {
		f.quoteFailed(err, false)
		return
	}
	f.quoted(qt, false)
}

// restoreChoice shows the variant and quantity a rejected form sent.
func (c *checkout) restoreChoice(q url.Values) {
	if c.flow.offer == nil {
		return
	}
	c.flow.selectVariant(q.Get("variant_id"))
	if n, err := strconv.Atoi(q.Get("quantity")); err == nil {
		c.flow.setQuantity(n)
	}
}

func (c *checkout) prerenderOffer(ctx app.Context, loadOffer OfferLoader) {
	if loadOffer == nil || c.params.widgetID == "" {
		c.flow.loadFailed(c.invalidLink())
		return
	}
	offer, err := loadOffer(ctx, c.params.widgetID, c.params.token)
	if err != nil {
		c.flow.loadFailed(err)
		return
	}
	c.showOffer(ctx, offer)
}

func (c *checkout) prerenderOrder(ctx app.Context, loadOrder OrderLoader) {
	if loadOrder == nil || c.params.widgetID == "" {
		c.flow.loadFailed(c.invalidLink())
		return
	}
	p := c.params
	view, err := loadOrder(ctx, OrderRequest{
		WidgetID: p.widgetID, OrderID: p.orderID, OrderToken: p.orderToken, ClientSecret: p.clientSecret,
	})
	if err != nil {
		c.flow.loadFailed(err)
		c.flow.err = userMessage(err, c.flow.lang)
		return
	}
	// The pay step's Change starts over with the token the shopper came
	// with; the new order verifies it.
	view.Offer.Token = p.token
	c.flow.resume(view.Offer, view.Order, p.orderToken, paymentSession{
		Provider:     cmp.Or(view.Provider, providerSandbox),
		ClientSecret: p.clientSecret, PublishableKey: view.PublishableKey,
	}, view.PageURL)
	ctx.Page().SetTitle("%s", tr(c.flow.lang, msgTitleSuffix, view.Offer.Title))
}

// invalidLink is the error of a page that names no offer it can show.
func (c *checkout) invalidLink() error {
	return buycard.Errorf(buycard.EINVALID, "%s", tr(c.flow.lang, msgInvalidLink))
}

// OnInit starts the client from the prerendered page when there is one,
// so the first client render matches the page it replaces.
func (c *checkout) OnInit() {
	if app.IsServer {
		return
	}
	c.params = parseCheckoutURL(app.Window().URL())
	c.flow = newFlow(c.params.lang)
	if p, ok := takePrerendered(c.params.widgetID); ok {
		c.resume(p)
	}
}

// resume takes over what the prerendered page showed. After a form post
// the URL holds no query, so the page's JSON says where the overlay is.
func (c *checkout) resume(p prerenderedState) {
	s := p.page
	c.params.parentOrigin, c.params.lang = s.Origin, langOrDefault(s.Lang)
	if s.Words != nil {
		addTranslations(map[string]*[msgCount]string{baseLanguage(c.params.lang): s.Words})
	}
	c.flow = newFlow(c.params.lang)
	c.focusID = p.focusID
	switch {
	case p.offer == nil:
		c.flow.step = stepFailed
	case s.Order != nil:
		c.flow.resume(p.offer, s.Order, s.OrderToken, paymentSession{
			Provider:     cmp.Or(s.Provider, providerSandbox),
			ClientSecret: s.ClientSecret, PublishableKey: s.PublishableKey,
		}, s.PageURL)
		c.flow.cardNumber = p.cardNumber
	case s.Step == stepNames[stepDetails]:
		c.params.token = p.offer.Token
		c.flow.start(p.offer)
		c.flow.selectVariant(s.VariantID)
		c.flow.setQuantity(s.Quantity)
		c.flow.toDetails()
		c.flow.setDetails(p.details)
		if s.Quote != nil {
			c.flow.quoted(s.Quote, false)
		}
	default:
		c.params.token = p.offer.Token
		c.flow.start(p.offer)
		c.flow.selectVariant(p.variantID)
		c.flow.setQuantity(p.quantity)
	}
	c.flow.err, c.flow.errField = s.Error, s.ErrorField
	if c.flow.step == stepFailed && s.Error == "" {
		c.flow.err = tr(c.flow.lang, msgInvalidLink)
	}
}

func (c *checkout) OnMount(ctx app.Context) {
	u := app.Window().URL()
	c.api = newAPIClient(u.Scheme + "://" + u.Host)
	c.messenger = newMessenger(c.params.parentOrigin)
	ctx.Handle(actionReply, c.onReply)
	c.stops = append(c.stops,
		c.messenger.listen(func(m openMessage) {
			ctx.Dispatch(func(ctx app.Context) { c.open(ctx, m) })
		}),
		onDocument("keydown", func(e app.Value) {
			if e.Get("key").String() == "Escape" {
				ctx.Dispatch(c.close)
			}
		}),
	)
	if c.flow.step == stepReceipt {
		// checkout.js may have announced it already; the loader drops repeats.
		c.messenger.post(purchaseMessage(c.flow.order))
	}
	if c.flow.step == stepLoading {
		c.fetchOffer(ctx)
	} else {
		// Keep the control the shopper was on in the prerendered page, or
		// start at the product title so keyboard users land in the overlay.
		focusID := cmp.Or(c.focusID, productTitleID)
		ctx.Defer(func(app.Context) { focusElement(focusID) })
	}
	c.messenger.post(map[string]any{"type": "ready"})
}

func (c *checkout) OnDismount() {
	for _, stop := range c.stops {
		stop()
	}
	c.stops = nil
}

// open shows the offer the parent page asks for, from the choose step.
func (c *checkout) open(ctx app.Context, m openMessage) {
	c.params.widgetID, c.params.token, c.flow.lang = m.Widget, m.Token, m.Lang
	ctx.Page().SetLang(HTMLLang(m.Lang))
	c.fetchOffer(ctx)
}

func (c *checkout) fetchOffer(ctx app.Context) {
	c.generation++
	c.flow.load()
	if c.params.widgetID == "" || c.params.token == "" {
		c.flow.loadFailed(c.invalidLink())
		return
	}
	params := c.params
	c.request(ctx, func() func(app.Context) {
		offer, err := c.api.offer(params.widgetID, params.token)
		return func(ctx app.Context) {
			if err != nil {
				c.flow.loadFailed(err)
			} else {
				c.showOffer(ctx, offer)
			}
			c.focusStep(ctx)
		}
	})
}

func (c *checkout) showOffer(ctx app.Context, offer *buycard.Offer) {
	c.flow.start(offer)
	wearDesign(offer.Design)
	ctx.Page().SetTitle("%s", tr(c.flow.lang, msgTitleSuffix, offer.Title))
}

// reply is a request's result, applied on the UI goroutine unless a newer
// offer load made it stale.
type reply struct {
	generation int
	apply      func(app.Context)
}

// request runs call off the UI goroutine and applies the function it
// returns through actionReply. The action's handler belongs to the
// checkout, so the reply lands even if the element that started the
// request has been re-rendered away.
func (c *checkout) request(ctx app.Context, call func() func(app.Context)) {
	generation := c.generation
	ctx.Async(func() {
		apply := call()
		ctx.NewActionWithValue(actionReply, reply{generation: generation, apply: apply})
	})
}

func (c *checkout) onReply(ctx app.Context, a app.Action) {
	if r, ok := a.Value.(reply); ok && r.generation == c.generation {
		r.apply(ctx)
	}
}

func (c *checkout) selectVariant(ctx app.Context, variantID string) {
	c.flow.selectVariant(variantID)
}

func (c *checkout) setQuantity(ctx app.Context, quantity int) {
	c.flow.setQuantity(quantity)
}

func (c *checkout) setCardNumber(ctx app.Context, number string) {
	c.flow.cardNumber = number
}

// continueToDetails moves on from the choose step and prices the choice.
func (c *checkout) continueToDetails(ctx app.Context) {
	if c.flow.toDetails(); c.flow.step == stepDetails {
		c.requestQuote(ctx, c.flow.quoteRequest(), false)
	}
	c.focusStep(ctx)
}

func (c *checkout) setDetail(ctx app.Context, name, value string) {
	c.flow.setDetail(name, value)
}

// detailChanged prices the details again when the change changes the
// price.
func (c *checkout) detailChanged(ctx app.Context, name string) {
	if c.flow.needsQuote(name) {
		c.requestQuote(ctx, c.flow.quoteRequest(), false)
	}
}

// applyCode prices the code in the code field.
func (c *checkout) applyCode(ctx app.Context) {
	c.requestQuote(ctx, c.flow.applyRequest(), true)
}

// updateShipping prices the shipping to the address, or says what the
// address lacks.
func (c *checkout) updateShipping(ctx app.Context) {
	if !c.flow.checkAddress() {
		c.focusStep(ctx)
		return
	}
	c.requestQuote(ctx, c.flow.quoteRequest(), false)
}

// requestQuote prices r. Only the answer to the latest quote is shown;
// applying says the code field's code is being tried.
func (c *checkout) requestQuote(ctx app.Context, r CheckoutRequest, applying bool) {
	r.Lang = c.flow.lang
	c.quotes++
	n := c.quotes
	c.request(ctx, func() func(app.Context) {
		q, err := c.api.quote(r)
		return func(ctx app.Context) {
			switch {
			case n != c.quotes:
			case err != nil:
				c.flow.quoteFailed(err, applying)
				c.focusStep(ctx)
			case c.flow.quoted(q, applying):
				c.requestQuote(ctx, c.flow.quoteRequest(), false)
			}
		}
	})
}

// continueToPayment makes the order of the details and opens its payment.
func (c *checkout) continueToPayment(ctx app.Context) {
	r, ok := c.flow.checkoutRequest()
	if !ok {
		c.focusStep(ctx)
		return
	}
	if !c.flow.begin() {
		return
	}
	r.Origin, r.Lang = c.params.parentOrigin, c.flow.lang
	c.request(ctx, func() func(app.Context) {
		session, err := c.api.startCheckout(r)
		return func(ctx app.Context) {
			if err != nil {
				c.flow.fail(err)
			} else {
				c.flow.checkoutStarted(session)
			}
			c.focusStep(ctx)
		}
	})
}

// change goes back from the payment step to the details as they were,
// and releases the order, whose units go back on sale.
func (c *checkout) change(ctx app.Context) {
	s := c.flow.change()
	if s != nil {
		ctx.Async(func() { c.api.release(s.Order.ID, s.OrderToken) })
	}
	if c.flow.quote == nil {
		c.requestQuote(ctx, c.flow.quoteRequest(), false)
	}
	c.focusStep(ctx)
}

func (c *checkout) pay(ctx app.Context) {
	r, ok := c.flow.payRequest()
	if !ok {
		ctx.Defer(func(app.Context) { focusElement(cardNumberID) })
		return
	}
	if !c.flow.begin() {
		return
	}
	c.request(ctx, func() func(app.Context) {
		paid, err := c.api.payWithTestCard(r)
		return func(ctx app.Context) {
			if err != nil {
				c.flow.fail(err)
			} else {
				c.flow.paid(&paid.Order, paid.PageURL)
				c.messenger.post(purchaseMessage(&paid.Order))
			}
			c.focusStep(ctx)
		}
	})
}

func (c *checkout) retry(ctx app.Context, e app.Event) {
	c.fetchOffer(ctx)
}

func (c *checkout) onClose(ctx app.Context, e app.Event) {
	c.close(ctx)
}

// close asks the framing page to close the overlay, or leaves a full-page
// checkout.
func (c *checkout) close(ctx app.Context) {
	if framed() {
		c.messenger.post(map[string]any{"type": "close"})
		return
	}
	// Back from a receipt would lead to the paid order's forms.
	leavePage(c.params.widgetID, c.flow.step == stepReceipt)
}

// focusStep moves focus after a request: to the new step's heading, or
// back to the field at fault or the step's main button when the request
// failed.
func (c *checkout) focusStep(ctx app.Context) {
	target := stepTitleID
	switch {
	case c.flow.err != "" && c.flow.errField != "":
		target = fieldID(c.flow.errField)
	case c.flow.err != "" && c.flow.step != stepFailed:
		target = primaryID
	case c.flow.step == stepChoose:
		target = productTitleID
	}
	// Through the checkout's own action: the element whose event moved
	// the step (the choose form, Change) is gone once the new step has
	// rendered, and a Defer on its context would then never run.
	ctx.NewActionWithValue(actionReply, reply{generation: c.generation, apply: func(ctx app.Context) {
		ctx.Defer(func(app.Context) { focusElement(target) })
	}})
}

// onStartSentinel wraps Shift+Tab from the first control to the last one;
// Tab into the document from outside lands on the first control.
func (c *checkout) onStartSentinel(ctx app.Context, e app.Event) {
	focusPanelEdge(cameFromPanel(e))
}

// onEndSentinel wraps Tab from the last control to the first one;
// Shift+Tab into the document from outside lands on the last control.
func (c *checkout) onEndSentinel(ctx app.Context, e app.Event) {
	focusPanelEdge(!cameFromPanel(e))
}

func (c *checkout) Render() app.UI {
	sentinel := attrs{{"class", "bc-sentinel"}, {"tabindex", "0"}}
	return el("div", attrs{{"class", "bc-checkout"}},
		app.If(app.IsServer && c.flow.offer != nil, func() app.UI {
			return designLink(c.flow.offer.Design) // SafePages moves it into the head
		}),
		// Sentinels on both sides of the panel wrap Tab around, so focus
		// never leaves the overlay for the page behind it.
		el("span", sentinel).OnFocus(c.onStartSentinel),
		el("div", c.panelAttrs(), c.renderHeader(), c.renderStep()),
		el("span", sentinel).OnFocus(c.onEndSentinel),
		app.If(app.IsServer && c.flow.offer != nil, func() app.UI {
			return offerScript(c.flow.offer)
		}),
		app.If(app.IsServer, func() app.UI {
			return jsonScript(stateScriptID, newPageState(c.params, &c.flow))
		}),
	)
}

// panelAttrs are those of the element around the steps. On the pay step
// they name the order and its token for web/checkout.js, which keeps the
// order's hold on its units alive while the page is in view and releases
// the order when the shopper leaves, prerendered page and WASM alike.
func (c *checkout) panelAttrs() attrs {
	a := attrs{{"id", panelID}, {"class", "bc-panel"}}
	if s := c.flow.session; c.flow.step == stepPay && s != nil {
		a = append(a, attr{"data-hold-order", s.Order.ID}, attr{"data-hold-token", s.OrderToken})
	}
	return a
}

func (c *checkout) renderHeader() app.UI {
	merchant := tr(c.flow.lang, msgCheckout)
	if c.flow.offer != nil {
		merchant = cmp.Or(c.flow.offer.Merchant, merchant)
	}
	return el("div", attrs{{"class", "bc-head"}},
		textEl("p", attrs{{"class", "bc-merchant"}}, merchant),
		textEl("button", attrs{{"type", "button"}, {"class", "bc-close"}, {"aria-label", tr(c.flow.lang, msgClose)}}, "×").
			OnClick(c.onClose),
	)
}

func (c *checkout) renderStep() app.UI {
	switch c.flow.step {
	case stepLoading:
		return textEl("p", attrs{{"id", stepTitleID}, {"tabindex", "-1"}, {"class", "bc-status"}, {"role", "status"}},
			tr(c.flow.lang, msgLoading))
	case stepFailed:
		return c.renderFailed()
	}
	return el("div", attrs{{"class", "bc-steps"}}, c.renderProduct(),
		app.If(c.flow.step == stepChoose && c.flow.offer.Description != "", c.renderAbout),
		c.renderCurrentStep())
}

// renderAbout is the product's description, which the merchant's form
// says the checkout shows: on the first step, folded under the product,
// so that it never pushes the form out of a phone's overlay.
func (c *checkout) renderAbout() app.UI {
	body := []app.UI{textEl("summary", nil, tr(c.flow.lang, msgAboutProduct))}
	for _, p := range paragraphs(c.flow.offer.Description) {
		body = append(body, textEl("p", nil, p))
	}
	return el("details", attrs{{"class", "bc-about"}}, body...)
}

func (c *checkout) renderFailed() app.UI {
	return el("div", attrs{{"class", "bc-failed"}},
		stepTitle("h1", c.flow.err),
		app.If(c.flow.retry, func() app.UI {
			return primaryButton(tr(c.flow.lang, msgTryAgain), false, c.retry)
		}),
	)
}

func (c *checkout) renderCurrentStep() app.UI {
	f := &c.flow
	switch f.step {
	case stepDetails:
		return c.renderDetails()
	case stepPay:
		return el("div", nil, c.renderOrder(), c.renderPayment())
	case stepReceipt:
		return newReceipt(f.order, f.orderPage, f.lang, c.params.widgetID, c.close)
	}
	return c.renderChoose()
}

func (c *checkout) renderDetails() app.UI {
	f := &c.flow
	form := stepForm{
		action: "/checkout/" + c.params.widgetID + "/" + pageDetails,
		fields: append(c.params.carried(f.lang), field{"t", f.offer.Token},
			field{"variant_id", f.variantID}, field{"quantity", strconv.Itoa(f.quantity)}),
	}
	return &detailsStep{
		Details: f.details, Checkout: f.offer.Checkout, Quote: f.quote, Lang: f.lang,
		Busy: f.busy, Error: f.err, ErrorField: f.errField, Form: form,
		OnInput: c.setDetail, OnChange: c.detailChanged, OnApply: c.applyCode, OnShip: c.updateShipping,
		OnContinue: c.continueToPayment,
	}
}

// renderOrder restates what the order buys and its price, with the way
// back to change it.
func (c *checkout) renderOrder() app.UI {
	f, p := &c.flow, c.params
	s := f.session
	change := stepForm{
		class:  "bc-change",
		action: "/checkout/" + p.widgetID + "/change",
		fields: append(c.params.carried(f.lang), field{"order", s.Order.ID}, field{"ot", s.OrderToken},
			field{"cs", s.Payment.ClientSecret}, field{"t", f.offer.Token}),
	}
	return el("div", attrs{{"class", "bc-order"}, {"aria-labelledby", "bc-order-title"}},
		el("div", attrs{{"class", "bc-order-head"}},
			textEl("h2", attrs{{"id", "bc-order-title"}, {"class", "bc-subtitle"}}, tr(f.lang, msgPayTitle)),
			change.render(c.change, textEl("button", attrs{{"type", "submit"}, {"class", "bc-secondary"}}, tr(f.lang, msgChange))),
		),
		summaryList("bc-breakdown", orderRows(&s.Order, f.lang)),
	)
}

func (c *checkout) renderPayment() app.UI {
	f := &c.flow
	if p := f.session.Payment; p.Provider == providerStripe {
		return newStripeStep(f.session.Order.Total.Format(f.lang), f.lang, p.PublishableKey, p.ClientSecret)
	}
	return newPaymentStep(f.session.Order.Total.Format(f.lang), f.lang, f.cardNumber, f.busy, f.err,
		c.payForm(), c.setCardNumber, c.pay)
}

// carried are the hidden fields every step's form carries on: the
// framing page's origin, the language, and go-app's wasm=false and the
// popup mark of a page that has them.
func (p checkoutParams) carried(lang string) []field {
	fields := []field{{"o", p.parentOrigin}, {"lang", lang}, p.wasmField()}
	if p.popup {
		fields = append(fields, field{PopupParam, "1"})
	}
	return fields
}

// payForm is where the payment step posts without the WASM.
func (c *checkout) payForm() stepForm {
	p, s := c.params, c.flow.session
	return stepForm{
		action: "/checkout/" + p.widgetID + "/pay",
		fields: append(p.carried(c.flow.lang),
			field{"order", s.Order.ID}, field{"ot", s.OrderToken}, field{"cs", s.Payment.ClientSecret}),
	}
}

// wasmField carries go-app's wasm=false on to the next step's page, so a
// popup checkout runs without the WASM from start to receipt.
func (p checkoutParams) wasmField() field {
	if p.noWasm {
		return field{"wasm", "false"}
	}
	return field{}
}

// renderProduct sums up what is being bought; it stays on top of every
// step.
func (c *checkout) renderProduct() app.UI {
	o := c.flow.offer
	return el("div", attrs{{"class", "bc-product"}},
		productImage(o),
		el("div", attrs{{"class", "bc-product-text"}},
			textEl("h1", attrs{{"id", productTitleID}, {"tabindex", "-1"}, {"class", "bc-title"}}, o.Title),
			textEl("p", attrs{{"class", "bc-unit"}}, c.unitPriceText()),
		),
	)
}

// productImage is the offer's image, or its grey square when the product
// has none yet, not a broken image.
func productImage(o *buycard.Offer) app.UI {
	if o.Image.URL == "" {
		return el("div", attrs{{"class", "bc-img"}, {"aria-hidden", "true"}})
	}
	img := attrs{{"class", "bc-img"}, {"src", o.Image.URL}, {"alt", cmp.Or(o.Image.Alt, o.Title)}}
	if o.Image.Width > 0 && o.Image.Height > 0 {
		img = append(img, attr{"width", strconv.Itoa(o.Image.Width)}, attr{"height", strconv.Itoa(o.Image.Height)})
	}
	return void("img", img)
}

// unitPriceText is the chosen variant's price, or the order's once there
// is one: the catalog price may have changed since.
func (c *checkout) unitPriceText() string {
	f := &c.flow
	switch v := f.variant(); {
	case f.order != nil:
		return f.order.UnitPrice.Format(f.lang)
	case f.session != nil:
		return f.session.Order.UnitPrice.Format(f.lang)
	case v != nil:
		return buycard.Money{Amount: v.Price, Currency: f.offer.Currency}.Format(f.lang)
	}
	return ""
}

func (c *checkout) renderChoose() app.UI {
	f := &c.flow
	if reason := f.unavailableReason(); reason != "" {
		return textEl("p", attrs{{"class", "bc-note"}, {"role", "status"}}, reason)
	}
	action := "/checkout/" + c.params.widgetID
	if c.params.page == pagePopup {
		action += "/" + pagePopup
	}
	form := stepForm{
		class:  "bc-choose",
		action: action,
		fields: append(c.params.carried(f.lang), field{"t", f.offer.Token}),
	}
	if len(f.offer.Variants) == 1 {
		form.fields = append(form.fields, field{"variant_id", f.variantID})
	}
	return form.render(c.continueToDetails,
		app.If(len(f.offer.Variants) > 1, func() app.UI {
			return newVariantPicker(f.offer, f.variantID, f.lang, c.selectVariant)
		}),
		newQuantityStepper(f.quantity, f.maxQuantity(), f.lang, c.setQuantity),
		el("p", attrs{{"class", "bc-total"}, {"aria-live", "polite"}},
			textEl("span", nil, tr(f.lang, msgTotal)),
			textEl("span", attrs{{"class", "bc-total-amount"}}, f.totalText()),
		),
		errorLine(f.err),
		submitButton(tr(f.lang, msgContinue), f.busy),
	)
}
