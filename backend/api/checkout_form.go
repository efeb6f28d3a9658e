package api

import (
	stdcmp "cmp" // the package has its own cmp (auth.go)
	"context"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/storefront"
)

// The checkout without its WASM: the prerendered steps are plain HTML
// forms that post here. Each post runs the same code as its JSON twin
// (startCheckout, payWithTestCard) and answers 303 See Other to the next
// step's page, or re-renders the step it came from with the error and a
// 4xx status. The forms carry bearer tokens, not cookies, so classic CSRF
// does not apply; cross-site posts are refused all the same.
//
// The next step's URL carries the order token and the client secret as
// query parameters, because the server must read them. Both are scoped to
// one order and short-lived; the pages send no referrer to other origins
// and the request log holds paths only.

// postChooseForm is the choose step's submit: POST /checkout/{widget} with
// t, o, lang, variant_id and quantity. A choice that can be bought goes on
// to the details step.
func (s *Server) postChooseForm(c *fiber.Ctx) error {
	return s.submitChoose(c, "", false)
}

// providerStripe is the name the Stripe provider gives its orders.
const providerStripe = "stripe"

// submitChoose runs the choose step's form, posted to the step at page
// (popup: the popup checkout's, whose details step then asks for the
// provider's hosted page), and answers 303 to the details step, or the
// choose step again with the form's error.
func (s *Server) submitChoose(c *fiber.Ctx, page string, popup bool) error {
	if err := s.checkFormPost(c); err != nil {
		return err
	}
	q := pick(c.FormValue, append(slices.Clip(chooseParams), "variant_id", "quantity"))
	if _, err := s.formOffer(c.UserContext(), c.Params("widget"), q); err != nil {
		return s.formFailed(c, page, q, err)
	}
	if popup {
		q.Set(storefront.PopupParam, "1")
	}
	return s.seeOther(c, "/"+pageDetails, q)
}

// formOffer is the offer a step's form names (t), checked to sell its
// choice (variant_id, quantity).
func (s *Server) formOffer(ctx context.Context, widgetID string, q url.Values) (*buycard.Offer, error) {
	offer, err := s.loadOffer(ctx, widgetID, q.Get("t"))
	if err != nil {
		return nil, err
	}
	quantity, err := strconv.Atoi(q.Get("quantity"))
	if err != nil {
		return nil, errQuantity
	}
	_, err = offer.Total(q.Get("variant_id"), quantity)
	return offer, err
}

var errQuantity = buycard.Errorf(buycard.EINVALID, "Quantity must be a whole number.")

// postDetailsForm is the details step's submit: POST
// /checkout/{widget}/details with the choice (t, variant_id, quantity),
// o, lang, wasm, popup, the details (storefront.DetailsFields) and the
// button pressed (action). Apply code and Update shipping price the
// details and show the step again; Continue makes the order and goes on
// to pay it: 303 to the pay step, or to the provider's hosted page from
// the popup. A refusal shows the step again with the message, tied to
// the field at fault, and a 4xx status; it writes and holds nothing.
func (s *Server) postDetailsForm(c *fiber.Ctx) error {
	if err := s.checkFormPost(c); err != nil {
		return err
	}
	q, d := pick(c.FormValue, detailsParams), storefront.DetailsFrom(pick(c.FormValue, storefront.DetailsFields))
	offer, err := s.formOffer(c.UserContext(), c.Params("widget"), q)
	if err != nil {
		return s.detailsFailed(c, q, d, "", err)
	}
	action := c.FormValue("action")
	if check := s.checkDetails(d, offer, q.Get("lang"), action); check != nil {
		return s.detailsFailed(c, q, d, check.Field, buycard.Errorf(buycard.EINVALID, "%s", check.Message))
	}
	req := s.detailsRequest(c, q, d, offer, action == "")
	if action != "" {
		return s.quoteDetails(c, q, d, req)
	}
	req.hosted = q.Get(storefront.PopupParam) == "1" && s.TestPayments == nil
	resp, err := guardCode(s, c, req, s.createCheckout)
	if err != nil {
		return s.detailsFailed(c, q, d, "", err)
	}
	return s.checkoutStarted(c, q, resp)
}

// checkDetails checks what the button pressed needs: the address to
// price shipping, nothing to apply a code (the quote checks it), all of
// the details to make the order.
func (s *Server) checkDetails(d storefront.Details, offer *buycard.Offer, lang, action string) *storefront.FieldError {
	switch action {
	case storefront.ActionApply:
		return nil
	case storefront.ActionShip:
		return d.CheckAddress(offer.Checkout, lang)
	}
	return d.Check(offer.Checkout, lang)
}

// detailsRequest is the checkout request of the details form.
func (s *Server) detailsRequest(c *fiber.Ctx, q url.Values, d storefront.Details, offer *buycard.Offer, order bool) checkoutRequest {
	quantity, _ := strconv.Atoi(q.Get("quantity"))
	choice := storefront.CheckoutRequest{Token: q.Get("t"), VariantID: q.Get("variant_id"), Quantity: quantity}
	r := checkoutRequest{CheckoutRequest: d.Request(choice, offer.Checkout, order), network: s.clientIP(c)}
	r.Origin, r.Lang = q.Get("o"), q.Get("lang")
	return r
}

// quoteDetails prices the details for Apply code and Update shipping and
// shows the step again, priced, or with why the quote was refused: a
// code refused is the code field's fault.
func (s *Server) quoteDetails(c *fiber.Ctx, q url.Values, d storefront.Details, req checkoutRequest) error {
	if _, err := guardCode(s, c, req, s.quoteCheckout); err != nil {
		field := ""
		if c.FormValue("action") == storefront.ActionApply {
			field = storefront.FieldDiscountCode
		}
		return s.detailsFailed(c, q, d, field, err)
	}
	return s.renderCheckout(c, "/"+pageDetails, withDetails(q, d), nil)
}

// checkoutStarted sends the browser on from a started checkout: to the
// provider's hosted page (the popup with Stripe), else to the pay step.
func (s *Server) checkoutStarted(c *fiber.Ctx, q url.Values, resp *checkoutResponse) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	if resp.Payment.URL != "" {
		return c.Redirect(resp.Payment.URL, fiber.StatusSeeOther)
	}
	next := url.Values{
		"order": {resp.Order.ID}, "ot": {resp.OrderToken}, "cs": {resp.Payment.ClientSecret},
		"t": {q.Get("t")}, "o": {q.Get("o")}, "lang": {q.Get("lang")},
	}
	if q.Get(storefront.PopupParam) == "1" {
		next.Set(storefront.PopupParam, "1")
	}
	// A page without the WASM (the popup checkout) leads to others without.
	if resp.Payment.Provider == providerStripe || q.Get("wasm") == "false" {
		// go-app's switch to not load the WASM (app.js reads it; the
		// prerender never sees it). Taking over the page, the WASM would
		// replace the DOM, Stripe's mounted iframe with it, and the shopper
		// would lose what they typed. On this page Stripe does the work
		// and web/checkout.js the rest.
		next.Set("wasm", "false")
	}
	return s.seeOther(c, "/pay", next)
}

// detailsFailed shows the details step again with d, err's message tied
// to field ("" for the step) and err's status.
func (s *Server) detailsFailed(c *fiber.Ctx, q url.Values, d storefront.Details, field string, err error) error {
	q = withDetails(q, d)
	if field != "" {
		q.Set(storefront.FormErrorFieldParam, field)
	}
	return s.formFailed(c, "/"+pageDetails, q, err)
}

// withDetails is q with the details' fields added.
func withDetails(q url.Values, d storefront.Details) url.Values {
	for name, v := range d.Values() {
		q[name] = v
	}
	return q
}

// postChangeForm is the pay step's Change: POST /checkout/{widget}/change
// with order, ot, cs, t, o, lang, wasm and popup. It releases the pending
// order, whose units go back on sale, and shows the details step again
// with what the order was made with; an order paid meanwhile goes to its
// receipt.
func (s *Server) postChangeForm(c *fiber.Ctx) error {
	if err := s.checkFormPost(c); err != nil {
		return err
	}
	q := pick(c.FormValue, payParams)
	ctx := c.UserContext()
	view, err := s.loadOrderView(ctx, orderRequest(c.Params("widget"), q))
	var order *buycard.Order
	if err == nil {
		order, err = s.releaseOrder(ctx, view.Order.ID)
	}
	if err != nil {
		return s.formFailed(c, "/pay", q, err)
	}
	if order.Status == buycard.OrderPaid {
		q.Del("cs")
		return s.seeOther(c, "/receipt", q)
	}
	next := pick(func(name string, _ ...string) string { return q.Get(name) }, detailsParams)
	next.Set("variant_id", order.VariantID)
	next.Set("quantity", strconv.Itoa(order.Quantity))
	return s.renderCheckout(c, "/"+pageDetails, withDetails(next, s.changedDetails(ctx, next, order)), nil)
}

// changedDetails are the details order was made with, its shipping option
// found again by name among the options for its address.
func (s *Server) changedDetails(ctx context.Context, q url.Values, order *buycard.Order) storefront.Details {
	d := storefront.DetailsOf(order)
	if order.ShipTo == nil || order.ShippingRateName == "" {
		return d
	}
	quote, err := s.quotePage(ctx, storefront.CheckoutRequest{
		Token: q.Get("t"), VariantID: order.VariantID, Quantity: order.Quantity, ShipTo: order.ShipTo,
	})
	if err == nil {
		d.ShippingRateID = quote.RateNamed(order.ShippingRateName)
	}
	return d
}

// quotePage prices a checkout page's details as quoteCheckout does: the
// prerender's QuoteLoader.
func (s *Server) quotePage(ctx context.Context, r storefront.CheckoutRequest) (*storefront.Quote, error) {
	return s.quoteCheckout(ctx, checkoutRequest{CheckoutRequest: r})
}

// postPayForm is the test payment step's submit: POST
// /checkout/{widget}/pay with order, ot, cs, o, lang and card_number.
func (s *Server) postPayForm(c *fiber.Ctx) error {
	if err := s.checkFormPost(c); err != nil {
		return err
	}
	q := pick(c.FormValue, payParams)
	view, err := s.loadOrderView(c.UserContext(), orderRequest(c.Params("widget"), q))
	// A second submit of a paid order (Back, double click) goes to its receipt.
	if err == nil && view.Order.Status != buycard.OrderPaid {
		_, err = s.payWithTestCard(c.UserContext(), q.Get("cs"), c.FormValue("card_number"))
	}
	if err != nil {
		return s.formFailed(c, "/pay", q, err)
	}
	q.Del("cs")
	return s.seeOther(c, "/receipt", q)
}

// checkFormPost refuses form posts from other sites, bodies that are not
// urlencoded forms, and posts from a frame that web/checkout.js did not
// see (see scriptedField).
func (s *Server) checkFormPost(c *fiber.Ctx) error {
	if err := s.checkFormOrigin(c, errCrossSite); err != nil {
		return err
	}
	if c.Get("Sec-Fetch-Dest") == "iframe" && c.FormValue(scriptedField) == "" {
		return errFrameNeedsScript
	}
	return nil
}

// checkFormOrigin refuses with refused form posts from other sites, and
// bodies that are not urlencoded forms: the checks of every HTML form
// the server answers (the checkout's, the console's).
func (s *Server) checkFormOrigin(c *fiber.Ctx, refused error) error {
	return s.checkFormSent(c, refused, fiber.MIMEApplicationForm, "Send the form as application/x-www-form-urlencoded.")
}

// checkFormSent refuses with refused form posts from other sites, and
// bodies not of mediaType, saying so with wrongType.
func (s *Server) checkFormSent(c *fiber.Ctx, refused error, mediaType, wrongType string) error {
	switch c.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return refused
	}
	// A page whose referrer policy is no-referrer posts with Origin: null;
	// Sec-Fetch-Site above still vouches for it.
	if o := c.Get(fiber.HeaderOrigin); o != "" && o != "null" && o != s.PublicURL && o != c.BaseURL() {
		return refused
	}
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != mediaType {
		return &fiber.Error{Code: fiber.StatusUnsupportedMediaType, Message: wrongType}
	}
	return nil
}

// scriptedField is the form field web/checkout.js adds to every post.
// Its clickjacking guard works only where it runs, and a hostile page can
// frame the checkout with scripts off (<iframe sandbox="allow-forms
// allow-same-origin">): in a frame (Sec-Fetch-Dest: iframe) a form
// without it is refused. Checkouts in a window of their own, where no
// page can lay anything over them, work without JavaScript as before.
const scriptedField = "js"

var (
	errCrossSite        = buycard.Errorf(buycard.EFORBIDDEN, "This form can only be sent from the checkout page.")
	errFrameNeedsScript = buycard.Errorf(buycard.EFORBIDDEN, "Inside another page this checkout needs JavaScript. Open it in a window of its own to pay without.")
)

// formFailed re-renders the step at page with err's message in the
// shopper's language, what the
// shopper chose (q) and err's status. Unexpected errors go to the error
// handler, which logs them.
func (s *Server) formFailed(c *fiber.Ctx, page string, q url.Values, err error) error {
	_, code, message := s.classify(storefront.LocalizeError(err, stdcmp.Or(q.Get("lang"), requestLang(c))))
	if code == buycard.EINTERNAL {
		return err
	}
	q.Set(storefront.FormErrorParam, message)
	return s.renderCheckout(c, page, q, err)
}

// seeOther sends the browser on to the checkout page at page with q.
func (s *Server) seeOther(c *fiber.Ctx, page string, q url.Values) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return c.Redirect("/checkout/"+c.Params("widget")+page+"?"+q.Encode(), fiber.StatusSeeOther)
}

// orderRequest is what the pay and receipt pages name in their query.
func orderRequest(widgetID string, q url.Values) storefront.OrderRequest {
	return storefront.OrderRequest{
		WidgetID: widgetID, OrderID: q.Get("order"), OrderToken: q.Get("ot"), ClientSecret: q.Get("cs"),
	}
}

// loadOrderView returns the order r names with the product it was bought
// from, for the pay and receipt pages; the prerender calls it too. With a
// client secret (the pay page) the order may be pending or paid; without
// (the receipt) it must be paid. Errors: EUNAUTHORIZED (bad token or
// secret), EFORBIDDEN (a token or secret of another order or card),
// ECONFLICT (not payable, or not paid), ENOTFOUND.
func (s *Server) loadOrderView(ctx context.Context, r storefront.OrderRequest) (*storefront.OrderView, error) {
	order, err := s.findOrderWithToken(ctx, r.OrderID, r.OrderToken)
	if err != nil {
		return nil, err
	}
	if order.WidgetID != r.WidgetID {
		return nil, buycard.Errorf(buycard.EFORBIDDEN, "This order was placed on another card.")
	}
	if err := s.checkPayable(ctx, order, r.ClientSecret); err != nil {
		return nil, err
	}
	card, err := s.Catalog.FindCard(ctx, order.WidgetID)
	if err != nil {
		return nil, err
	}
	offer := buycard.NewOffer(s.withPublicImage(card), "")
	// What the checkout asks for: the pay step's Change goes back to it.
	if offer.Checkout, err = s.offerCheckout(ctx, card); err != nil {
		return nil, err
	}
	view := &storefront.OrderView{Order: order, Offer: offer, Provider: order.Provider, PageURL: s.orderPageURL(order)}
	if order.Provider == providerStripe {
		view.PublishableKey = s.StripePublishableKey
	}
	return view, nil
}

// checkPayable checks that the order can be shown at its step: paid, or
// pending with the client secret of its own session.
func (s *Server) checkPayable(ctx context.Context, order *buycard.Order, clientSecret string) error {
	switch {
	case order.Status == buycard.OrderPaid:
		return nil
	case clientSecret == "":
		return buycard.Errorf(buycard.ECONFLICT, "This order is not paid yet.")
	case order.Status != buycard.OrderPending:
		return buycard.Errorf(buycard.ECONFLICT, "This order can no longer be paid. Close and try again.")
	}
	if order.Provider == providerStripe {
		return checkStripeSecret(order, clientSecret)
	}
	paying, err := s.findOrderBySecret(ctx, clientSecret)
	if err == nil && paying.ID != order.ID {
		err = buycard.Errorf(buycard.EFORBIDDEN, "The payment session is for another order.")
	}
	return err
}

// checkStripeSecret checks that clientSecret belongs to the order's Stripe
// Checkout Session: Stripe's secrets are the session id, "_secret_" and a
// random part. Only Stripe can check the random part, and does when the
// page mounts the checkout; the order token has already proven the right
// to see this order.
func checkStripeSecret(order *buycard.Order, clientSecret string) error {
	if order.ProviderSessionID == "" || !strings.HasPrefix(clientSecret, order.ProviderSessionID+"_secret_") {
		return buycard.Errorf(buycard.EFORBIDDEN, "The payment session is for another order.")
	}
	return nil
}
