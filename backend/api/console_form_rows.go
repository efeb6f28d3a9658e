package api

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console"
)

// The console's other forms before its WASM (console_form.go has the
// account forms and each page's main form): a row's buttons (delete,
// revoke, archive, a webhook endpoint's), an order's refund in two steps,
// and the product page's uploads. Each runs its API twin's code and
// answers with the page, which shows what it did, or its refusal, by the
// form's action (console.PageState.Form); a destructive one asks to
// confirm first, as the WASM does.

// postDeleteTaxRateForm is a tax rate's delete button: the browser goes
// back to the tax rates, without it.
func (s *Server) postDeleteTaxRateForm(c *fiber.Ctx) error {
	err := s.Sellers.DeleteTaxRate(c.UserContext(), callerOf(c).PartyID, c.Params("id"))
	return s.consoleRowDone(c, "/settings#tax-h", console.TaxRatesAction, err)
}

// postDeleteShippingZoneForm is a shipping zone's delete button: the
// browser goes back to the zones, without it.
func (s *Server) postDeleteShippingZoneForm(c *fiber.Ctx) error {
	err := s.Sellers.DeleteShippingZone(c.UserContext(), callerOf(c).PartyID, c.Params("id"))
	return s.consoleRowDone(c, "/settings#ship-h", console.ShippingZonesAction, err)
}

// postRevokeKeyForm is a key's Revoke button: the browser goes back to
// the keys, the key revoked.
func (s *Server) postRevokeKeyForm(c *fiber.Ctx) error {
	return s.consoleRowDone(c, "/keys", console.Base+"/keys", s.revokeKey(c))
}

// postArchiveDiscountForm is a discount code's End button: the browser
// goes back to the codes, the code ended.
func (s *Server) postArchiveDiscountForm(c *fiber.Ctx) error {
	_, err := s.archiveDiscountCode(c)
	return s.consoleRowDone(c, "/discounts", console.Base+"/discounts", err)
}

// postDiscountPlacementForm is a discount code's placement and its Save
// button: the browser goes back to the codes, the code's placement saved.
func (s *Server) postDiscountPlacementForm(c *fiber.Ctx) error {
	code, err := s.ownDiscountCode(c)
	if err == nil {
		edit := console.DiscountPlacement(c.FormValue(console.DiscountPlacementField))
		_, err = s.editDiscountCode(c, code, &edit)
	}
	return s.consoleRowDone(c, "/discounts", console.Base+"/discounts", err)
}

// postRefundForm is an open order's refund form
// (console.RefundFields), in two steps as in the page's WASM: the form
// sent is checked and the order shows again asking to confirm the amount,
// with a new key naming the attempt; the confirmation sent makes the
// refund, once per key (a confirmation sent twice refunds once), as POST
// /v1/merchant/orders/{id}/refunds does, and the order shows refunded.
func (s *Server) postRefundForm(c *fiber.Ctx) error {
	page := "/orders?" + url.Values{"open": {c.Params("id")}}.Encode()
	posted := postedFields(c, console.RefundFields)
	key, amount, reason := console.RefundConfirmed(posted)
	if key == "" {
		o, err := s.ownOrder(c)
		if err != nil {
			return err
		}
		confirm, err := console.RefundReview(posted, o, o.Refundable())
		if err != nil {
			return s.consoleFormFailed(c, page, err, console.RefundFields...)
		}
		return s.consoleAnswer(c, page, console.PageState{Values: confirm}, fiber.StatusOK)
	}
	if _, err := s.merchantRefund(c, key, merchantRefundRequest{Amount: amount, Reason: reason}); err != nil {
		return s.consoleRefused(c, page, console.PageState{Values: console.RefundRetry(reason)}, err)
	}
	return s.consoleAnswer(c, page, console.PageState{Done: true, Values: console.RefundDone(amount)}, fiber.StatusOK)
}

// postWebhookTestForm is an endpoint's Send test event: the page shows
// the endpoint's deliveries, the test among them.
func (s *Server) postWebhookTestForm(c *fiber.Ctx) error {
	if _, err := s.sendTestEvent(c); err != nil {
		return s.consoleRefused(c, "/webhooks", console.PageState{}, err)
	}
	return s.consoleSaved(c, console.WebhookDeliveriesPage(c.Params("id")))
}

// postRotateSecretForm is an endpoint's Rotate secret: the page shows the
// new secret, this once.
func (s *Server) postRotateSecretForm(c *fiber.Ctx) error {
	e, err := s.rotateSecret(c)
	if err != nil {
		return s.consoleRefused(c, "/webhooks", console.PageState{}, err)
	}
	return s.consoleAnswer(c, "/webhooks", console.PageState{Done: true, Secret: e.Secret}, fiber.StatusOK)
}

// postWebhookEnabledForm is an endpoint's Enable (on) or Disable button.
func (s *Server) postWebhookEnabledForm(on bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, err := s.editWebhook(c, &buycard.WebhookEndpointEdit{Enabled: &on}); err != nil {
			return s.consoleRefused(c, "/webhooks", console.PageState{}, err)
		}
		return s.consoleSaved(c, "/webhooks")
	}
}

// postDeleteWebhookForm is an endpoint's Delete, in two steps as in the
// page's WASM: the page asks to confirm, and the confirmation deletes.
func (s *Server) postDeleteWebhookForm(c *fiber.Ctx) error {
	if !consoleConfirmed(c) {
		return s.consoleAskConfirm(c, "/webhooks")
	}
	return s.consoleRowDone(c, "/webhooks#wh-list-h", "", s.removeWebhook(c))
}

// postResendForm is a delivery's Resend: the page shows the endpoint's
// deliveries, the resend among them.
func (s *Server) postResendForm(c *fiber.Ctx) error {
	d, err := s.resendDelivery(c)
	if err != nil {
		return s.consoleRefused(c, "/webhooks", console.PageState{Form: console.Base + "/webhooks"}, err)
	}
	return s.consoleSeeOther(c, console.Base+console.WebhookDeliveriesPage(d.EndpointID))
}

// postArchiveProductForm is a product's Archive, in two steps as in the
// page's WASM: the page asks to confirm, and the confirmation archives.
func (s *Server) postArchiveProductForm(c *fiber.Ctx) error {
	if !consoleConfirmed(c) {
		return s.consoleAskConfirm(c, "/products")
	}
	if _, err := s.archiveProduct(c); err != nil {
		return s.consoleRefused(c, "/products", console.PageState{}, err)
	}
	return s.consoleSaved(c, "/products")
}

// consoleConfirmed reports whether a row's destructive button was sent
// from its confirmation (console.ConfirmedField).
func consoleConfirmed(c *fiber.Ctx) bool { return c.FormValue(console.ConfirmedField) == "yes" }

// consoleAskConfirm answers a row's destructive button with page asking
// to confirm it.
func (s *Server) consoleAskConfirm(c *fiber.Ctx, page string) error {
	return s.consoleAnswer(c, page, console.PageState{Values: console.ConfirmValues()}, fiber.StatusOK)
}

// postProductImageForm is the product page's image form.
func (s *Server) postProductImageForm(c *fiber.Ctx) error {
	_, err := s.setProductImage(c)
	return s.consoleProductAnswer(c, err, nil)
}

// postDeliveryFileForm is the product page's file form.
func (s *Server) postDeliveryFileForm(c *fiber.Ctx) error {
	_, err := s.addDeliveryFile(c)
	return s.consoleProductAnswer(c, err, nil)
}

// postLicenseKeysForm is the product page's license keys form; the page
// says how many were added, or names the rows that are not keys.
func (s *Server) postLicenseKeysForm(c *fiber.Ctx) error {
	reply, err := s.addLicenseKeys(c)
	var rows *buycard.LicenseKeysError
	if errors.As(err, &rows) {
		err = buycard.Errorf(buycard.EINVALID, "%s", rows.Error())
	}
	if err != nil {
		return s.consoleProductAnswer(c, err, nil)
	}
	return s.consoleProductAnswer(c, nil, console.KeysAdded(reply.Added))
}

// postDeleteDeliveryFileForm is a delivery file's Delete: the browser
// goes back to the product's files.
func (s *Server) postDeleteDeliveryFileForm(c *fiber.Ctx) error {
	_, err := s.removeDeliveryFile(c)
	return s.consoleRowDone(c, "/products/"+c.Params("id")+"#dl-h", console.ProductFilesAction(c.Params("id")), err)
}

// consoleProductAnswer shows the product page of the route again after
// its form: err's message, or that it was done, with values.
func (s *Server) consoleProductAnswer(c *fiber.Ctx, err error, values url.Values) error {
	page := "/products/" + c.Params("id")
	if err != nil {
		return s.consoleRefused(c, page, console.PageState{}, err)
	}
	return s.consoleAnswer(c, page, console.PageState{Done: true, Values: values}, fiber.StatusOK)
}

// consoleRowDone answers a row's button (delete, revoke): the browser
// goes back to page (a console path, with an anchor or not), or after
// err, page shows again with its message in the form posting to form.
func (s *Server) consoleRowDone(c *fiber.Ctx, page, form string, err error) error {
	if err != nil {
		return s.consoleRefused(c, page, console.PageState{Form: form}, err)
	}
	return s.consoleSeeOther(c, console.Base+page)
}
