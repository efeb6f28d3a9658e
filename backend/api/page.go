package api

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/storefront"
)

// goAppResources are the files go-app's handler serves for its pages.
var goAppResources = []string{"/app.js", "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css"}

// Query parameters of the checkout pages. Each page reads only its own;
// the server rebuilds the query it hands to the prerender from these, so
// nothing else in a URL (the form error above all) reaches it.
// go-app's wasm=false rides along on every step of a page that runs
// without the WASM (the popup checkout).
// The details step adds the choice and the popup mark; its page never
// takes the details themselves from a URL: only its form posts them.
var (
	chooseParams  = []string{"t", "o", "lang", "wasm"}
	detailsParams = []string{"t", "o", "lang", "wasm", "variant_id", "quantity", storefront.PopupParam}
	payParams     = []string{"order", "ot", "cs", "t", "o", "lang", "wasm", storefront.PopupParam}
	receiptParams = []string{"order", "ot", "o", "lang", "wasm"}
)

// pageDetails is the details step's page, /checkout/{widget}/details.
const pageDetails = "details"

// pageRoutes mounts the go-app checkout pages, their no-JS form posts
// (checkout_form.go) and go-app's own resources. storefront.Register must
// declare the same routes the WASM does, or go-app answers 404.
func (s *Server) pageRoutes() {
	storefront.Register()
	s.goapp = adaptor.HTTPHandler(storefront.NewHandler(storefront.HandlerOptions{
		WasmPath: s.wasmPath,
		Version:  s.Wasm.Hash,
		Domain:   strings.TrimPrefix(strings.TrimPrefix(s.PublicURL, "https://"), "http://"),
		Stripe:   s.StripePublishableKey != "",
		Loaders:  storefront.Loaders{Offer: s.loadOffer, Order: s.loadOrderView, Quote: s.quotePage},
	}))
	for _, p := range goAppResources {
		s.app.Get(p, s.goapp)
	}
	s.app.Get("/checkout/:widget", s.getChoosePage)
	s.app.Post("/checkout/:widget", s.postChooseForm)
	s.app.Get("/checkout/:widget/popup", s.getPopupPage)
	s.app.Post("/checkout/:widget/popup", s.postPopupForm)
	s.app.Get("/checkout/:widget/details", s.getDetailsPage)
	s.app.Post("/checkout/:widget/details", s.postDetailsForm)
	s.app.Post("/checkout/:widget/change", s.postChangeForm)
	s.app.Get("/checkout/:widget/pay", s.getPayPage)
	s.app.Post("/checkout/:widget/pay", s.postPayForm)
	s.app.Get("/checkout/:widget/receipt", s.getReceiptPage)
}

// getChoosePage is the overlay's first step: variant, quantity, total.
func (s *Server) getChoosePage(c *fiber.Ctx) error {
	q := pick(c.Query, chooseParams)
	s.countLinkEntry(c, q)
	return s.renderChoose(c, "", q)
}

// countLinkEntry counts a checkout opened from a link in the funnel
// (Events.Entry): the loader names the page that opened an overlay or a
// window (o) and reports its card's view and tap itself, so a choose page
// without o is a shopper whom no loader counted, a hosted product page
// read without JavaScript or a link of the publisher's own.
func (s *Server) countLinkEntry(c *fiber.Ctx, q url.Values) {
	if s.Events == nil || q.Get("o") != "" || q.Get("t") == "" {
		return
	}
	s.Events.Entry(c.UserContext(), q.Get("t"), s.Now(), c.Get(fiber.HeaderUserAgent), s.clientIP(c))
}

// renderChoose renders the choose step at page with q.
func (s *Server) renderChoose(c *fiber.Ctx, page string, q url.Values) error {
	_, err := s.verifyPlacement(c.Params("widget"), q.Get("t"))
	return s.renderCheckout(c, page, q, err)
}

// getDetailsPage is the details step of a choice: buyer, address,
// shipping and code, with the price so far.
func (s *Server) getDetailsPage(c *fiber.Ctx) error {
	q := pick(c.Query, detailsParams)
	_, err := s.formOffer(c.UserContext(), c.Params("widget"), q)
	return s.renderCheckout(c, "/"+pageDetails, q, err)
}

// getPayPage is the payment step of a pending order: the sandbox's test
// cards, or Stripe's embedded checkout.
func (s *Server) getPayPage(c *fiber.Ctx) error {
	q := pick(c.Query, payParams)
	_, err := s.loadOrderView(c.UserContext(), orderRequest(c.Params("widget"), q))
	return s.renderCheckout(c, "/pay", q, err)
}

// getReceiptPage is the receipt of a paid order.
func (s *Server) getReceiptPage(c *fiber.Ctx) error {
	q := pick(c.Query, receiptParams)
	_, err := s.loadOrderView(c.UserContext(), orderRequest(c.Params("widget"), q))
	return s.renderCheckout(c, "/receipt", q, err)
}

// pick copies the named parameters that get returns into a query.
func pick(get func(key string, defaultValue ...string) string, names []string) url.Values {
	q := url.Values{}
	for _, name := range names {
		if v := get(name); v != "" {
			q.Set(name, v)
		}
	}
	return q
}

// renderCheckout serves the prerendered checkout page
// /checkout/{widget}{page}?q under a strict CSP whose frame-ancestors
// follow the widget's allowed domains. pageErr is why the page shows an
// error state (nil when it does not): it sets the status. The prerender
// reaches the same verdict itself through the widget's loaders.
func (s *Server) renderCheckout(c *fiber.Ctx, page string, q url.Values, pageErr error) error {
	status := fiber.StatusOK
	if pageErr != nil {
		var code string
		if status, code, _ = s.classify(pageErr); code == buycard.EINTERNAL {
			return pageErr
		}
	}
	if q.Get("lang") == "" {
		// A link without the loader's lang (a /p/ page's, typed) speaks
		// the browser's language, as the WASM will (navigator.language).
		q.Set("lang", requestLang(c))
	}
	widgetID := c.Params("widget")
	card, err := s.Catalog.FindCard(c.UserContext(), widgetID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentSecurityPolicy, checkoutCSP(card.Widget.FrameAncestors(!s.Production), s.StripePublishableKey != ""))
	// Page URLs carry order tokens: never send them to another origin.
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	req := c.Request()
	req.Header.SetMethod(fiber.MethodGet)
	req.SetRequestURI("/checkout/" + widgetID + page + "?" + q.Encode())
	req.ResetBody()
	// go-app tags every page with the app version as ETag; a prerendered
	// page changes with the catalog and the order, so never answer 304.
	req.Header.Del(fiber.HeaderIfNoneMatch)
	if err := s.goapp(c); err != nil {
		return err
	}
	c.Status(status)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Response().Header.Del(fiber.HeaderETag)
	return nil
}

// checkoutCSP is the checkout pages' policy. With Stripe it adds the
// origins Stripe's integration security guide lists
// (https://docs.stripe.com/security/guide#content-security-policy): for
// Stripe.js, script-src and frame-src https://js.stripe.com and
// https://*.js.stripe.com (Stripe.js loads its frames and their scripts
// from subdomains), frame-src https://hooks.stripe.com (3-D Secure and
// redirecting payment methods), connect-src https://api.stripe.com; for
// embedded Checkout, https://checkout.stripe.com in connect-src,
// frame-src and script-src, and img-src https://*.stripe.com, which
// img-src https: covers. Left out: https://maps.googleapis.com, which
// Stripe.js wants only for the Address Element's autocomplete on our own
// page; embedded Checkout collects addresses in its own frame.
//
// form-action also allows https://checkout.stripe.com: browsers apply
// form-action to the redirects after a submit, and the popup's choose form
// answers with a 303 to Stripe's hosted Checkout. Every page gets all of
// it, since the WASM shows the pay step in place of the choose page.
func checkoutCSP(frameAncestors string, stripe bool) string {
	script, connect, frame, form := "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'", "", "form-action 'self'"
	if stripe {
		script += " https://js.stripe.com https://*.js.stripe.com https://checkout.stripe.com"
		connect += " https://api.stripe.com https://checkout.stripe.com"
		frame = "frame-src https://js.stripe.com https://*.js.stripe.com https://checkout.stripe.com https://hooks.stripe.com"
		form += " https://checkout.stripe.com"
	}
	directives := []string{
		"default-src 'self'",
		script,
		"style-src 'self'",
		// Merchants may host product images anywhere on https.
		"img-src 'self' data: https:",
		connect,
		frame,
		"base-uri 'none'",
		form,
		"frame-ancestors " + frameAncestors,
	}
	return strings.Join(slices.DeleteFunc(directives, func(d string) bool { return d == "" }), "; ")
}
