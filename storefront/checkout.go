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
	pagePay     = "pay"
	pageReceipt = "receipt"
	// pagePopup is the choose step in a window of its own (the widget's
	// popup checkout mode): its form posts to this page, which with
	// Stripe goes on to Stripe's hosted Checkout.
	pagePopup = "popup"
)

// checkoutParams is what the overlay URL says:
// /checkout/WIDGET?t=TOKEN&o=PARENT_ORIGIN&lang=LANG, or
// /checkout/WIDGET/pay?order=ID&ot=ORDER_TOKEN&cs=CLIENT_SECRET&o=…&lang=…,
// or /checkout/WIDGET/receipt?order=ID&ot=ORDER_TOKEN&o=…&lang=…, or the
// choose step as /checkout/WIDGET/popup?t=…&o=…&lang=…. Any of them may add
// go-app's wasm=false, which the forms carry on to the next step.
type checkoutParams struct {
	widgetID, page, token, parentOrigin, lang string
	orderID, orderToken, clientSecret         string
	noWasm                                    bool
}

func parseCheckoutURL(u *url.URL) checkoutParams {
	q := u.Query()
	widgetID, page, _ := strings.Cut(strings.TrimPrefix(u.Path, "/checkout/"), "/")
	p := checkoutParams{
		widgetID:     widgetID,
		page:         page,
		token:        q.Get("t"),
		parentOrigin: q.Get("o"),
		lang:         langOrDefault(q.Get("lang")),
		orderID:      q.Get("order"),
		orderToken:   q.Get("ot"),
		clientSecret: q.Get("cs"),
		noWasm:       q.Get("wasm") == "false",
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
	ctx.Page().SetLang(c.flow.lang)
	formError := u.Query().Get(FormErrorParam)
	loaders := loadersOf(u)
	switch c.params.page {
	case pagePay, pageReceipt:
		c.prerenderOrder(ctx, loaders.Order)
	default:
		c.prerenderOffer(ctx, loaders.Offer)
		c.restoreChoice(u.Query())
	}
	if formError != "" && c.flow.step != stepFailed {
		c.flow.err = formError
	}
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
		c.flow.loadFailed(buycard.Errorf(buycard.EINVALID, msgInvalidLink))
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
		c.flow.loadFailed(buycard.Errorf(buycard.EINVALID, msgInvalidLink))
		return
	}
	p := c.params
	view, err := loadOrder(ctx, OrderRequest{
		WidgetID: p.widgetID, OrderID: p.orderID, OrderToken: p.orderToken, ClientSecret: p.clientSecret,
	})
	if err != nil {
		c.flow.loadFailed(err)
		c.flow.err = userMessage(err)
		return
	}
	c.flow.resume(view.Offer, view.Order, p.orderToken, paymentSession{
		Provider:     cmp.Or(view.Provider, providerSandbox),
		ClientSecret: p.clientSecret, PublishableKey: view.PublishableKey,
	})
	ctx.Page().SetTitle("%s · Checkout", view.Offer.Title)
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
	c.flow = newFlow(c.params.lang)
	c.focusID = p.focusID
	switch {
	case p.offer == nil:
		c.flow.step = stepFailed
	case s.Order != nil:
		c.flow.resume(p.offer, s.Order, s.OrderToken, paymentSession{
			Provider:     cmp.Or(s.Provider, providerSandbox),
			ClientSecret: s.ClientSecret, PublishableKey: s.PublishableKey,
		})
		c.flow.cardNumber = p.cardNumber
	default:
		c.params.token = p.offer.Token
		c.flow.start(p.offer)
		c.flow.selectVariant(p.variantID)
		c.flow.setQuantity(p.quantity)
	}
	c.flow.err = s.Error
	if c.flow.step == stepFailed && s.Error == "" {
		c.flow.err = msgInvalidLink
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
	ctx.Page().SetLang(m.Lang)
	c.fetchOffer(ctx)
}

func (c *checkout) fetchOffer(ctx app.Context) {
	c.generation++
	c.flow.load()
	if c.params.widgetID == "" || c.params.token == "" {
		c.flow.loadFailed(buycard.Errorf(buycard.EINVALID, msgInvalidLink))
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
	ctx.Page().SetTitle("%s · Checkout", offer.Title)
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

func (c *checkout) continueToPayment(ctx app.Context) {
	if !c.flow.begin() {
		return
	}
	r := c.flow.checkoutRequest()
	r.Origin = c.params.parentOrigin
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
		order, err := c.api.payWithTestCard(r)
		return func(ctx app.Context) {
			if err != nil {
				c.flow.fail(err)
			} else {
				c.flow.paid(order)
				c.messenger.post(purchaseMessage(order))
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
// back to the step's main button when the request failed.
func (c *checkout) focusStep(ctx app.Context) {
	target := stepTitleID
	switch {
	case c.flow.err != "" && c.flow.step != stepFailed:
		target = primaryID
	case c.flow.step == stepChoose:
		target = productTitleID
	}
	ctx.Defer(func(app.Context) { focusElement(target) })
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
	return app.Div().Class("bc-checkout").Body(
		// Sentinels on both sides of the panel wrap Tab around, so focus
		// never leaves the overlay for the page behind it.
		app.Span().Class("bc-sentinel").TabIndex(0).OnFocus(c.onStartSentinel),
		c.panel().Body(
			c.renderHeader(),
			c.renderStep(),
		),
		app.Span().Class("bc-sentinel").TabIndex(0).OnFocus(c.onEndSentinel),
		app.If(app.IsServer && c.flow.offer != nil, func() app.UI {
			return offerScript(c.flow.offer)
		}),
		app.If(app.IsServer, func() app.UI {
			return jsonScript(stateScriptID, newPageState(c.params, &c.flow))
		}),
	)
}

// panel is the element around the steps. On the pay step it names the
// order and its token for web/checkout.js, which keeps the order's hold
// on its units alive while the page is in view and releases the order
// when the shopper leaves, prerendered page and WASM alike.
func (c *checkout) panel() app.HTMLDiv {
	panel := app.Div().ID(panelID).Class("bc-panel")
	if s := c.flow.session; c.flow.step == stepPay && s != nil {
		panel = panel.DataSet("hold-order", s.Order.ID).DataSet("hold-token", s.OrderToken)
	}
	return panel
}

func (c *checkout) renderHeader() app.UI {
	merchant := "Checkout"
	if c.flow.offer != nil {
		merchant = cmp.Or(c.flow.offer.Merchant, merchant)
	}
	return app.Div().Class("bc-head").Body(
		app.P().Class("bc-merchant").Text(merchant),
		app.Button().Type("button").Class("bc-close").Aria("label", "Close").OnClick(c.onClose).Text("×"),
	)
}

func (c *checkout) renderStep() app.UI {
	switch c.flow.step {
	case stepLoading:
		return app.P().ID(stepTitleID).TabIndex(-1).Class("bc-status").Attr("role", "status").Text("Loading…")
	case stepFailed:
		return c.renderFailed()
	}
	return app.Div().Class("bc-steps").Body(
		c.renderProduct(),
		c.renderCurrentStep(),
	)
}

func (c *checkout) renderFailed() app.UI {
	return app.Div().Class("bc-failed").Body(
		app.H1().ID(stepTitleID).TabIndex(-1).Class("bc-step-title").Text(c.flow.err),
		app.If(c.flow.retry, func() app.UI {
			return primaryButton("Try again", false, c.retry)
		}),
	)
}

func (c *checkout) renderCurrentStep() app.UI {
	f := &c.flow
	switch f.step {
	case stepPay:
		if p := f.session.Payment; p.Provider == providerStripe {
			return newStripeStep(f.session.Order.Total.Format(f.lang), p.PublishableKey, p.ClientSecret)
		}
		return newPaymentStep(f.session.Order.Total.Format(f.lang), f.cardNumber, f.busy, f.err,
			c.payForm(), c.setCardNumber, c.pay)
	case stepReceipt:
		return newReceipt(f.order, f.offer.OptionName, f.lang, c.params.widgetID, c.close)
	}
	return c.renderChoose()
}

// payForm is where the payment step posts without the WASM.
func (c *checkout) payForm() stepForm {
	p, s := c.params, c.flow.session
	return stepForm{
		action: "/checkout/" + p.widgetID + "/pay",
		fields: []field{
			{"order", s.Order.ID}, {"ot", s.OrderToken}, {"cs", s.Payment.ClientSecret},
			{"o", p.parentOrigin}, {"lang", c.flow.lang}, p.wasmField(),
		},
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
	img := app.Img().Class("bc-img").Src("%s", o.Image.URL).Alt("%s", cmp.Or(o.Image.Alt, o.Title))
	if o.Image.Width > 0 && o.Image.Height > 0 {
		img = img.Width(o.Image.Width).Height(o.Image.Height)
	}
	return app.Div().Class("bc-product").Body(
		img,
		app.Div().Class("bc-product-text").Body(
			app.H1().ID(productTitleID).TabIndex(-1).Class("bc-title").Text(o.Title),
			app.P().Class("bc-unit").Text(c.unitPriceText()),
		),
	)
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
		return app.P().Class("bc-note").Attr("role", "status").Text(reason)
	}
	action := "/checkout/" + c.params.widgetID
	if c.params.page == pagePopup {
		action += "/" + pagePopup
	}
	form := stepForm{
		class:  "bc-choose",
		action: action,
		fields: []field{{"t", f.offer.Token}, {"o", c.params.parentOrigin}, {"lang", f.lang}, c.params.wasmField()},
	}
	if len(f.offer.Variants) == 1 {
		form.fields = append(form.fields, field{"variant_id", f.variantID})
	}
	return form.render(c.continueToPayment,
		app.If(len(f.offer.Variants) > 1, func() app.UI {
			return newVariantPicker(f.offer, f.variantID, f.lang, c.selectVariant)
		}),
		newQuantityStepper(f.quantity, f.maxQuantity(), c.setQuantity),
		app.P().Class("bc-total").Aria("live", "polite").Body(
			app.Span().Text("Total"),
			app.Span().Class("bc-total-amount").Text(f.totalText()),
		),
		errorLine(f.err),
		submitButton("Continue to payment", f.busy),
	)
}
