package api

import (
	"github.com/gofiber/fiber/v2"
)

// The popup checkout: a widget (CheckoutMode "popup") or a publisher
// (data-buycard-checkout="popup") may prefer that Buy opens a window of
// its own rather than the overlay. The loader opens
// /checkout/{widget}/popup?t=…&o=…&lang=… synchronously in the tap
// handler, so popup blockers let it through, and falls back to the
// overlay when the browser blocks it anyway.
//
// Every page of the popup runs without the WASM (go-app's wasm=false,
// carried from form to form, with popup=1 after the choose step): the
// prerendered forms do the work, and web/checkout.js tells the opener
// about the purchase. With Stripe the details form opens a hosted Checkout
// Session and sends the window to Stripe, which returns it to
// /checkout/return and so to the receipt; with the sandbox the window goes
// through the sandbox's own pay page.

// getPopupPage is the popup's choose step. A URL without wasm=false is
// sent to itself with it first: the WASM would take the page over and pay
// in place, embedded, which is not what the popup is for.
func (s *Server) getPopupPage(c *fiber.Ctx) error {
	q := pick(c.Query, chooseParams)
	if q.Get("wasm") != "false" {
		q.Set("wasm", "false")
		return s.seeOther(c, "/popup", q)
	}
	return s.renderChoose(c, "/popup", q)
}

// postPopupForm is the popup's choose submit: POST /checkout/{widget}/popup
// with t, o, lang, wasm, variant_id and quantity, which goes on to the
// popup's details step.
func (s *Server) postPopupForm(c *fiber.Ctx) error {
	return s.submitChoose(c, "/popup", true)
}
