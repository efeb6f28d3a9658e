package widget

import (
	"cmp"
	"net/url"
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

// checkoutParams is what the overlay URL says:
// /checkout/WIDGET?t=TOKEN&o=PARENT_ORIGIN&lang=LANG.
type checkoutParams struct {
	widgetID, token, parentOrigin, lang string
}

func parseCheckoutURL(u *url.URL) checkoutParams {
	q := u.Query()
	p := checkoutParams{
		widgetID:     strings.TrimPrefix(u.Path, "/checkout/"),
		token:        q.Get("t"),
		parentOrigin: q.Get("o"),
		lang:         langOrDefault(q.Get("lang")),
	}
	if !widgetIDPattern.MatchString(p.widgetID) || len(p.token) > maxTokenLength {
		p.widgetID, p.token = "", ""
	}
	return p
}

// checkout is the overlay app at /checkout/{widget}: choose variant and
// quantity, pay with a test card, see the receipt. The server prerenders
// it; in the browser it also talks to the page that frames it.
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

// OnPreRender loads the offer on the server so the page shows it at once,
// with the offer as JSON for the client to start from.
func (c *checkout) OnPreRender(ctx app.Context) {
	c.params = parseCheckoutURL(ctx.Page().URL())
	c.flow = newFlow(c.params.lang)
	ctx.Page().SetLang(c.flow.lang)
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

// OnInit starts the client from the prerendered offer when there is one,
// so the first client render matches the page it replaces.
func (c *checkout) OnInit() {
	if app.IsServer {
		return
	}
	c.params = parseCheckoutURL(app.Window().URL())
	c.flow = newFlow(c.params.lang)
	p, ok := takePrerendered(c.params.widgetID)
	if !ok {
		return
	}
	c.flow.start(p.offer)
	c.flow.selectVariant(p.variantID)
	c.flow.setQuantity(p.quantity)
	c.focusID = p.focusID
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
	if c.flow.offer == nil {
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

func (c *checkout) continueToPayment(ctx app.Context, e app.Event) {
	if !c.flow.begin() {
		return
	}
	r := c.flow.checkoutRequest()
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
	leavePage(c.params.widgetID)
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
		app.Div().ID(panelID).Class("bc-panel").Body(
			c.renderHeader(),
			c.renderStep(),
		),
		app.Span().Class("bc-sentinel").TabIndex(0).OnFocus(c.onEndSentinel),
		app.If(app.IsServer && c.flow.offer != nil, func() app.UI {
			return offerScript(c.flow.offer)
		}),
	)
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
		return newPaymentStep(f.session.Order.Total.Format(f.lang), f.cardNumber, f.busy, f.err,
			c.setCardNumber, c.pay)
	case stepReceipt:
		return newReceipt(f.order, f.offer.OptionName, f.lang, c.close)
	}
	return c.renderChoose()
}

// renderProduct sums up what is being bought; it stays on top of every
// step.
func (c *checkout) renderProduct() app.UI {
	o := c.flow.offer
	img := app.Img().Class("bc-img").Src("%s", attr(o.Image.URL)).Alt("%s", attr(cmp.Or(o.Image.Alt, o.Title)))
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

func (c *checkout) unitPriceText() string {
	v := c.flow.variant()
	if v == nil {
		return ""
	}
	return buycard.Money{Amount: v.Price, Currency: c.flow.offer.Currency}.Format(c.flow.lang)
}

func (c *checkout) renderChoose() app.UI {
	f := &c.flow
	if reason := f.unavailableReason(); reason != "" {
		return app.P().Class("bc-note").Attr("role", "status").Text(reason)
	}
	return app.Div().Class("bc-choose").Body(
		app.If(len(f.offer.Variants) > 1, func() app.UI {
			return newVariantPicker(f.offer, f.variantID, f.lang, c.selectVariant)
		}),
		newQuantityStepper(f.quantity, f.maxQuantity(), c.setQuantity),
		app.P().Class("bc-total").Aria("live", "polite").Body(
			app.Span().Text("Total"),
			app.Span().Class("bc-total-amount").Text(f.totalText()),
		),
		errorLine(f.err),
		primaryButton("Continue to payment", f.busy, c.continueToPayment),
	)
}

// errorLine is the step's inline error. It is always rendered, empty when
// there is no error, so screen readers announce the text when it appears.
func errorLine(text string) app.UI {
	return app.P().Class("bc-error").Attr("role", "alert").Text(text)
}

// primaryButton is a step's main action, disabled while a request is in
// flight.
func primaryButton(label string, busy bool, onClick app.EventHandler) app.UI {
	b := app.Button().Type("button").ID(primaryID).Class("bc-primary").OnClick(onClick).Text(label)
	if busy {
		// Only ever true: go-app's server encoder writes false as disabled="false".
		b = b.Disabled(true).Aria("busy", "true")
	}
	return b
}
