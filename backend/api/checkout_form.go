package api

import (
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
// t, o, lang, variant_id, quantity, email, name and phone.
func (s *Server) postChooseForm(c *fiber.Ctx) error {
	resp, q, err := s.submitChoose(c, "", false)
	if resp == nil {
		return err
	}
	next := url.Values{
		"order": {resp.Order.ID}, "ot": {resp.OrderToken}, "cs": {resp.Payment.ClientSecret},
		"o": {q.Get("o")}, "lang": {q.Get("lang")},
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

// providerStripe is the name the Stripe provider gives its orders.
const providerStripe = "stripe"

// submitChoose runs the choose step's form, posted to the step at page
// (hosted: the popup's, which asks for the provider's hosted page). It
// returns the started checkout and the form; without a checkout, the
// error to return, or nil when the step was rendered again with the form's
// error.
func (s *Server) submitChoose(c *fiber.Ctx, page string, hosted bool) (*checkoutResponse, url.Values, error) {
	if err := s.checkFormPost(c); err != nil {
		return nil, nil, err
	}
	q := pick(c.FormValue, append(slices.Clip(chooseParams), "variant_id", "quantity", "email", "name", "phone"))
	resp, err := s.startFormCheckout(c.UserContext(), c.Params("widget"), q, checkoutRequest{hosted: hosted, network: s.clientIP(c)})
	if err != nil {
		return nil, q, s.formFailed(c, page, q, err)
	}
	return resp, q, nil
}

// startFormCheckout checks the form's fields and starts the checkout of
// req (whose hosted and network the caller set) with them.
func (s *Server) startFormCheckout(ctx context.Context, widgetID string, q url.Values, req checkoutRequest) (*checkoutResponse, error) {
	if _, err := s.verifyPlacement(widgetID, q.Get("t")); err != nil {
		return nil, err
	}
	quantity, err := strconv.Atoi(q.Get("quantity"))
	if err != nil {
		return nil, buycard.Errorf(buycard.EINVALID, "Quantity must be a whole number.")
	}
	req.Token, req.VariantID, req.Quantity = q.Get("t"), q.Get("variant_id"), quantity
	req.Origin, req.Lang = q.Get("o"), q.Get("lang")
	req.Buyer = &buycard.Buyer{Email: q.Get("email"), Name: q.Get("name"), Phone: q.Get("phone")}
	return s.startCheckout(ctx, req)
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
	switch c.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return errCrossSite
	}
	// A page whose referrer policy is no-referrer posts with Origin: null;
	// Sec-Fetch-Site above still vouches for it.
	if o := c.Get(fiber.HeaderOrigin); o != "" && o != "null" && o != s.PublicURL && o != c.BaseURL() {
		return errCrossSite
	}
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationForm {
		return &fiber.Error{Code: fiber.StatusUnsupportedMediaType, Message: "Send the form as application/x-www-form-urlencoded."}
	}
	if c.Get("Sec-Fetch-Dest") == "iframe" && c.FormValue(scriptedField) == "" {
		return errFrameNeedsScript
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

// formFailed re-renders the step at page with err's message, what the
// shopper chose (q) and err's status. Unexpected errors go to the error
// handler, which logs them.
func (s *Server) formFailed(c *fiber.Ctx, page string, q url.Values, err error) error {
	_, code, message := s.classify(err)
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
	view := &storefront.OrderView{Order: order, Offer: buycard.NewOffer(s.withPublicImage(card), ""), Provider: order.Provider}
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
