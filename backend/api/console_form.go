package api

import (
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console"
)

// The console before its WASM (issue 16): its prerendered account forms
// are plain HTML forms that post here. Each post runs the same code as
// its JSON twin (signIn, signUp, requestReset, resetPassword,
// verifySignUp), so the same throttles apply, and answers 303 See Other
// to the next page, or shows its page again with the message, what was
// entered (passwords left out) and a 4xx status.
//
// CSRF: a post must come from this origin (Sec-Fetch-Site, Origin: the
// same checks the checkout's forms make, which also stop login CSRF), and
// a post with a session cookie must carry the session's CSRF token in
// console.CSRFField, which the prerender puts in every form of a
// signed-in page; authenticate checks it as it checks X-CSRF-Token.

// consoleFormRoutes mounts the console's form posts, each at its page's
// path.
func (s *Server) consoleFormRoutes() {
	post := func(page string, h ...fiber.Handler) {
		s.app.Post(console.Base+page, append([]fiber.Handler{s.consoleFormPost, s.authenticate}, h...)...)
	}
	upload := func(page string, h ...fiber.Handler) {
		s.app.Post(console.Base+page, append([]fiber.Handler{s.consoleUploadPost, s.authenticate}, h...)...)
	}
	post("/signin", s.postSignInForm)
	post("/signup", s.postSignUpForm)
	post("/forgot-password", s.postForgotForm)
	post("/reset-password", s.postResetForm)
	post("/verify", s.postVerifyForm)
	post("/signout", s.postSignOutForm)
	post("/products", s.consoleSignedIn("/products"), s.requireMerchant, s.postNewProductForm)
	post("/widgets", s.consoleSignedIn("/widgets"), s.requireMerchant, s.postNewWidgetForm)
	post("/catalog", s.consoleSignedIn("/catalog"), s.requirePublisher, s.postNewPlacementForm)
	post("/discounts", s.consoleSignedIn("/discounts"), s.requireMerchant, s.postNewDiscountForm)
	post("/discounts/:id/archive", s.consoleSignedIn("/discounts"), s.requireMerchant, s.postArchiveDiscountForm)
	post("/discounts/:id/placement", s.consoleSignedIn("/discounts"), s.requireMerchant, s.postDiscountPlacementForm)
	post("/products/:id", s.consoleSignedIn("/products"), s.requireMerchant, s.postEditProductForm)
	post("/products/:id/archive", s.consoleSignedIn("/products"), s.requireMerchant, s.postArchiveProductForm)
	upload("/products/:id/image", s.consoleSignedIn("/products"), s.requireMerchant, s.postProductImageForm)
	if s.Deliveries != nil {
		upload("/products/:id/files", s.consoleSignedIn("/products"), s.requireMerchant, s.postDeliveryFileForm)
		post("/products/:id/files/:file/delete", s.consoleSignedIn("/products"), s.requireMerchant, s.postDeleteDeliveryFileForm)
		upload("/products/:id/license-keys", s.consoleSignedIn("/products"), s.requireMerchant, s.postLicenseKeysForm)
	}
	post("/keys", s.consoleSignedIn("/keys"), s.requireParty, s.postNewKeyForm)
	post("/keys/:id/revoke", s.consoleSignedIn("/keys"), s.requireParty, s.postRevokeKeyForm)
	post("/payment-account", s.consoleSignedIn(""), s.requireParty, s.postOnboardingForm)
	post("/widgets/:id", s.consoleSignedIn("/widgets"), s.requireMerchant, s.postEditWidgetForm)
	if s.Admin != nil {
		post("/admin/settings", s.consoleSignedIn("/admin/settings"), s.requireAdmin, s.postPlatformFeeForm)
	}
	if s.Reconciliation != nil {
		recon := []fiber.Handler{s.consoleSignedIn("/admin/reconciliation"), s.requireAdmin}
		post("/admin/reconciliation", append(recon, s.postReconcileForm)...)
		post("/admin/reconciliation/alerts/:id/clear", append(recon, s.postClearAlertForm)...)
	}
	if s.Sellers != nil {
		settings := []fiber.Handler{s.consoleSignedIn("/settings"), s.requireMerchant}
		post("/settings", append(settings, s.postSettingsForm)...)
		post("/settings/tax-rates", append(settings, s.postTaxRateForm)...)
		post("/settings/tax-rates/:id/delete", append(settings, s.postDeleteTaxRateForm)...)
		post("/settings/shipping-zones", append(settings, s.postShippingZoneForm)...)
		post("/settings/shipping-zones/:id/delete", append(settings, s.postDeleteShippingZoneForm)...)
	}
	if s.fulfillment() != nil {
		post("/orders/:id/fulfillment", s.consoleSignedIn("/orders"), s.requireMerchant, s.postFulfilmentForm)
	}
	if s.Refunds != nil {
		post("/orders/:id/refund", s.consoleSignedIn("/orders"), s.requireMerchant, s.postRefundForm)
	}
	if s.Webhooks != nil {
		hooks := []fiber.Handler{s.consoleSignedIn("/webhooks"), s.requireParty}
		sends := append(hooks, s.webhookSends())
		post("/webhooks", append(hooks, s.postNewWebhookForm)...)
		post("/webhooks/:id/test", append(sends, s.postWebhookTestForm)...)
		post("/webhooks/:id/rotate-secret", append(hooks, s.postRotateSecretForm)...)
		post("/webhooks/:id/enable", append(hooks, s.postWebhookEnabledForm(true))...)
		post("/webhooks/:id/disable", append(hooks, s.postWebhookEnabledForm(false))...)
		post("/webhooks/:id/delete", append(hooks, s.postDeleteWebhookForm)...)
		post("/webhooks/deliveries/:id/resend", append(sends, s.postResendForm)...)
	}
}

// consoleSignedIn sends a form posted without a session (it ended while
// the page was open) to sign in, and back to page after.
func (s *Server) consoleSignedIn(page string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if callerOf(c) == nil {
			return s.consoleSeeOther(c, console.Base+"/signin?next="+url.QueryEscape(console.Base+page))
		}
		return c.Next()
	}
}

// consoleFormPost lets through urlencoded form posts from this origin,
// with the form's CSRF token where authenticate reads it.
func (s *Server) consoleFormPost(c *fiber.Ctx) error {
	if err := s.checkFormOrigin(c, errConsoleCrossSite); err != nil {
		return err
	}
	return s.consoleFormCSRF(c)
}

// consoleUploadPost is consoleFormPost for the forms that send a file,
// as multipart/form-data.
func (s *Server) consoleUploadPost(c *fiber.Ctx) error {
	if err := s.checkFormSent(c, errConsoleCrossSite, fiber.MIMEMultipartForm, "Send the file as multipart/form-data."); err != nil {
		return err
	}
	return s.consoleFormCSRF(c)
}

// consoleFormCSRF puts the form's CSRF token where authenticate reads it.
func (s *Server) consoleFormCSRF(c *fiber.Ctx) error {
	if token := c.FormValue(console.CSRFField); token != "" && c.Get(csrfHeader) == "" {
		c.Request().Header.Set(csrfHeader, token)
	}
	return c.Next()
}

var errConsoleCrossSite = buycard.Errorf(buycard.EFORBIDDEN, "This form can only be sent from the console.")

// postSignInForm is the sign-in form: email, password and next. A
// sign-in goes on to next (a console path) or the overview.
func (s *Server) postSignInForm(c *fiber.Ctx) error {
	req := loginRequest{Email: c.FormValue("email"), Password: c.FormValue("password")}
	next := c.FormValue("next")
	if _, err := s.signIn(c, req); err != nil {
		return s.consoleFormFailed(c, "/signin", err, "email", "next")
	}
	return s.consoleSeeOther(c, console.NextPath(next))
}

// postSignUpForm is the sign-up form: role, name, email and password.
// The page then says to check the email, whatever the address.
func (s *Server) postSignUpForm(c *fiber.Ctx) error {
	req := signupRequest{Role: c.FormValue("role"), Name: c.FormValue("name"), Email: c.FormValue("email"), Password: c.FormValue("password")}
	if err := s.signUp(c, req); err != nil {
		return s.consoleFormFailed(c, "/signup", err, "role", "name", "email")
	}
	return s.renderConsole(c, "/signup", console.PageState{Done: true, Values: url.Values{"email": {req.Email}}}, fiber.StatusOK)
}

// postForgotForm is the form asking for a password link: email.
func (s *Server) postForgotForm(c *fiber.Ctx) error {
	if err := s.requestReset(c, c.FormValue("email")); err != nil {
		return s.consoleFormFailed(c, "/forgot-password", err, "email")
	}
	return s.renderConsole(c, "/forgot-password", console.PageState{Done: true}, fiber.StatusOK)
}

// postResetForm is the password link's form: token and new-password.
func (s *Server) postResetForm(c *fiber.Ctx) error {
	req := resetRequest{Token: c.FormValue("token"), NewPassword: c.FormValue("new-password")}
	if _, err := s.resetPassword(c, req); err != nil {
		return s.consoleFormFailed(c, "/reset-password", err, "token")
	}
	return s.renderConsole(c, "/reset-password", console.PageState{Done: true}, fiber.StatusOK)
}

// postVerifyForm is the sign-up link's form: token. It signs the new
// user in and goes on to the overview.
func (s *Server) postVerifyForm(c *fiber.Ctx) error {
	if _, err := s.verifySignUp(c, c.FormValue("token")); err != nil {
		return s.consoleFormFailed(c, "/verify", err)
	}
	return s.consoleSeeOther(c, console.Base)
}

// postSignOutForm is the account menu's sign-out form: it ends the
// session (signed out already is fine) and goes on to sign in.
func (s *Server) postSignOutForm(c *fiber.Ctx) error {
	s.endSession(c)
	return s.consoleSeeOther(c, console.Base+"/signin")
}

// postNewProductForm is the products page's new-product form
// (console.NewProductFields): the product is made as the page's WASM
// makes it, and the browser goes on to its page.
func (s *Server) postNewProductForm(c *fiber.Ctx) error {
	edit, msgs := console.NewProductForm(postedFields(c, console.NewProductFields))
	if edit == nil {
		err := buycard.Errorf(buycard.EINVALID, "%s", strings.Join(msgs, " "))
		return s.consoleFormFailed(c, "/products", err, console.NewProductFields...)
	}
	p, err := s.createProduct(c, edit)
	if err != nil {
		return s.consoleFormFailed(c, "/products", err, console.NewProductFields...)
	}
	return s.consoleSeeOther(c, console.Base+"/products/"+p.ID)
}

// postNewWidgetForm is the widgets page's new-widget form (console
// field w-product): the widget is made as the page's WASM makes it, and
// the browser goes on to its designer.
func (s *Server) postNewWidgetForm(c *fiber.Ctx) error {
	productID := c.FormValue(console.NewWidgetProductField)
	w, err := s.createWidget(c, &buycard.WidgetEdit{ProductID: &productID})
	if err != nil {
		return s.consoleFormFailed(c, "/widgets", err, console.NewWidgetProductField)
	}
	return s.consoleSeeOther(c, console.Base+"/widgets/"+w.ID)
}

// postNewPlacementForm is the catalog's new-placement form (console
// fields placement-widget and placement-name): the placement is made as
// the page's WASM makes it, and the browser goes on to its page, with
// the code to embed it.
func (s *Server) postNewPlacementForm(c *fiber.Ctx) error {
	req := placementRequest{WidgetID: c.FormValue(console.NewPlacementWidgetField), Name: c.FormValue(console.NewPlacementNameField)}
	p, err := s.createPlacement(c, req)
	if err != nil {
		return s.consoleFormFailed(c, "/catalog", err, console.NewPlacementWidgetField, console.NewPlacementNameField)
	}
	return s.consoleSeeOther(c, console.Base+"/placements/"+p.ID)
}

// postSettingsForm is the settings page's form (console.SettingsFields):
// the settings are saved as the page's WASM saves them, and the page
// shows again saying so.
func (s *Server) postSettingsForm(c *fiber.Ctx) error {
	edit, errs := console.SettingsForm(postedFields(c, console.SettingsFields))
	if edit == nil {
		return s.consoleFormFailed(c, "/settings", fieldErrors(errs), console.SettingsFields...)
	}
	if _, err := s.editMerchantSettings(c, edit); err != nil {
		return s.consoleFormFailed(c, "/settings", err, console.SettingsFields...)
	}
	return s.consoleSaved(c, "/settings")
}

// postTaxRateForm is the settings page's new tax rate form
// (console.TaxRateFields): the rate is added as for the page's WASM,
// and the page shows again saying so.
func (s *Server) postTaxRateForm(c *fiber.Ctx) error {
	rate, errs := console.TaxRateForm(postedFields(c, console.TaxRateFields))
	if rate == nil {
		return s.consoleFormFailed(c, "/settings", fieldErrors(errs), console.TaxRateFields...)
	}
	rate.MerchantID = callerOf(c).PartyID
	if err := s.Sellers.CreateTaxRate(c.UserContext(), rate); err != nil {
		return s.consoleFormFailed(c, "/settings", err, console.TaxRateFields...)
	}
	return s.consoleSaved(c, "/settings")
}

// postShippingZoneForm is the settings page's shipping zone form
// (console.ShippingZoneFields), for a new zone or, with its id, an edited
// one: the zone is saved as for the page's WASM, and the page shows again
// saying so.
func (s *Server) postShippingZoneForm(c *fiber.Ctx) error {
	zone, errs := console.ShippingZoneForm(postedFields(c, console.ShippingZoneFields))
	if zone == nil {
		return s.consoleFormFailed(c, "/settings", fieldErrors(errs), console.ShippingZoneFields...)
	}
	zone.MerchantID = callerOf(c).PartyID
	save := s.Sellers.CreateShippingZone
	if zone.ID != "" {
		save = s.Sellers.UpdateShippingZone
	}
	if err := save(c.UserContext(), zone); err != nil {
		return s.consoleFormFailed(c, "/settings", err, console.ShippingZoneFields...)
	}
	return s.consoleSaved(c, "/settings")
}

// postNewDiscountForm is the discount codes page's new-code form
// (console.NewDiscountFields): the code is made as the page's WASM makes
// it, and the page shows again with it in the list.
func (s *Server) postNewDiscountForm(c *fiber.Ctx) error {
	edit, err := console.NewDiscountForm(postedFields(c, console.NewDiscountFields))
	if err == nil {
		_, err = s.createDiscountCode(c, edit)
	}
	if err != nil {
		return s.consoleFormFailed(c, "/discounts", err, console.NewDiscountFields...)
	}
	return s.consoleSeeOther(c, console.Base+"/discounts")
}

// postEditProductForm is a product page's form (console.EditProductForm):
// the product is saved as the page's WASM saves it, and the page shows
// again saying so.
func (s *Server) postEditProductForm(c *fiber.Ctx) error {
	p, err := s.ownProduct(c)
	if err != nil {
		return err
	}
	page, fields := "/products/"+p.ID, console.EditProductFields(len(p.Variants))
	edit, errs := console.EditProductForm(postedFields(c, fields), p)
	if edit == nil {
		return s.consoleFormFailed(c, page, fieldErrors(errs), fields...)
	}
	if _, err := s.editProduct(c, p, edit); err != nil {
		return s.consoleFormFailed(c, page, err, fields...)
	}
	return s.consoleSaved(c, page)
}

// postEditWidgetForm is the widget designer's form
// (console.EditWidgetForm): the widget is saved as the designer's WASM
// saves it, and the page shows again saying so.
func (s *Server) postEditWidgetForm(c *fiber.Ctx) error {
	w, err := s.ownWidget(c)
	if err != nil {
		return err
	}
	page := "/widgets/" + w.ID
	edit, errs := console.EditWidgetForm(postedFields(c, console.EditWidgetFields), w)
	if edit == nil {
		return s.consoleFormFailed(c, page, fieldErrors(errs), console.EditWidgetFields...)
	}
	if _, err := s.editWidget(c, w, edit); err != nil {
		return s.consoleFormFailed(c, page, err, console.EditWidgetFields...)
	}
	return s.consoleSaved(c, page)
}

// postFulfilmentForm is an open order's fulfilment form
// (console.FulfilmentFields): the store checks and saves it as for the
// page's WASM, which tells the buyer, and the browser goes back to the
// open order.
func (s *Server) postFulfilmentForm(c *fiber.Ctx) error {
	id := c.Params("id")
	page := "/orders?" + url.Values{"open": {id}}.Encode()
	edit := console.FulfilmentForm(postedFields(c, console.FulfilmentFields))
	if _, err := s.fulfillment().UpdateFulfillment(c.UserContext(), callerOf(c).PartyID, id, edit, s.Now()); err != nil {
		return s.consoleFormFailed(c, page, err, console.FulfilmentFields...)
	}
	return s.consoleSeeOther(c, console.Base+page)
}

// postNewWebhookForm is the webhooks page's new-endpoint form
// (console.NewWebhookFields): the endpoint is made as the page's WASM
// makes it, and the page shows its signing secret, this once.
func (s *Server) postNewWebhookForm(c *fiber.Ctx) error {
	types := buycard.PartyEventTypes(callerOf(c).PartyKind)
	fields := console.NewWebhookFields(types)
	edit, problem := console.NewWebhookForm(postedFields(c, fields), types)
	if problem != "" {
		return s.consoleFormFailed(c, "/webhooks", buycard.Errorf(buycard.EINVALID, "%s", problem), fields...)
	}
	e, err := s.createWebhook(c, edit)
	if err != nil {
		return s.consoleFormFailed(c, "/webhooks", err, fields...)
	}
	return s.consoleAnswer(c, "/webhooks", console.PageState{Secret: e.Secret, Done: true}, fiber.StatusOK)
}

// postNewKeyForm is the API keys page's new-key form
// (console.NewKeyNameField): the key is made as the page's WASM makes it,
// and the page shows its secret, this once. The answer is the page itself,
// not a redirect: nothing else holds the secret.
func (s *Server) postNewKeyForm(c *fiber.Ctx) error {
	reply, err := s.createKey(c, c.FormValue(console.NewKeyNameField))
	if err != nil {
		return s.consoleFormFailed(c, "/keys", err, console.NewKeyNameField)
	}
	return s.consoleAnswer(c, "/keys", console.PageState{Secret: reply.Secret}, fiber.StatusOK)
}

// postOnboardingForm is the payment account panel's button: the browser
// goes on to Stripe's onboarding or, on a server without Stripe, back to
// the page it was on (console.OnboardingFromField), the sandbox account
// connected.
func (s *Server) postOnboardingForm(c *fiber.Ctx) error {
	page := strings.TrimPrefix(console.NextPath(c.FormValue(console.OnboardingFromField)), console.Base)
	if s.StripeOnboarding == nil {
		if _, _, err := s.connectSandbox(c); err != nil {
			return s.consoleFormFailed(c, page, err)
		}
		return s.consoleSaved(c, page)
	}
	l, err := s.startOwnOnboarding(c, onboardingRequest{})
	if err != nil {
		return s.consoleFormFailed(c, page, err)
	}
	return s.consoleSeeOther(c, l.URL)
}

// postPlatformFeeForm is the admin's platform fee form
// (console.PlatformFeeFields): the fee is saved as for the page's WASM,
// and the page shows again saying so.
func (s *Server) postPlatformFeeForm(c *fiber.Ctx) error {
	fee, errs := console.PlatformFeeForm(postedFields(c, console.PlatformFeeFields))
	if fee == nil {
		return s.consoleFormFailed(c, "/admin/settings", fieldErrors(errs), console.PlatformFeeFields...)
	}
	if _, err := s.savePlatformFee(c, *fee); err != nil {
		return s.consoleFormFailed(c, "/admin/settings", err, console.PlatformFeeFields...)
	}
	return s.consoleSaved(c, "/admin/settings")
}

// fieldErrors is a form's errors by field as one EINVALID error, its
// messages in a stable order.
func fieldErrors(errs map[string]string) error {
	return buycard.Errorf(buycard.EINVALID, "%s", strings.Join(slices.Sorted(maps.Values(errs)), " "))
}

// consoleSaved shows the console page at page again, saying its form was
// saved, with the stored data.
func (s *Server) consoleSaved(c *fiber.Ctx, page string) error {
	return s.consoleAnswer(c, page, console.PageState{Done: true}, fiber.StatusOK)
}

// consoleAnswer answers a form with the console page at page showing
// state, for the caller's session if there is one, with status.
func (s *Server) consoleAnswer(c *fiber.Ctx, page string, state console.PageState, status int) error {
	if who := callerOf(c); who != nil && who.User != nil {
		var done func()
		state, done = s.withSession(state, who)
		defer done()
	}
	return s.renderConsole(c, page, state, status)
}

// postedFields are the named fields of a posted form, those sent only
// (empty or not): an unchecked checkbox is not sent.
func postedFields(c *fiber.Ctx, names []string) url.Values {
	form, posted := url.Values{}, c.Request().PostArgs()
	for _, name := range names {
		if posted.Has(name) {
			form.Set(name, string(posted.Peek(name)))
		}
	}
	return form
}

// consoleFormFailed shows the console page at page again with err's
// message and status, and the form's fields named keep as sent.
// Unexpected errors go to the error handler, which logs them.
func (s *Server) consoleFormFailed(c *fiber.Ctx, page string, err error, keep ...string) error {
	return s.consoleRefused(c, page, console.PageState{Values: postedFields(c, keep)}, err)
}

// consoleRefused shows the console page at page again with state and
// err's message and status. A row's button (delete, revoke), which has
// no form to show the message in, names in state.Form the form that
// shows it. Unexpected errors go to the error handler, which logs them.
func (s *Server) consoleRefused(c *fiber.Ctx, page string, state console.PageState, err error) error {
	status, code, message := s.classify(err)
	if code == buycard.EINTERNAL {
		return err
	}
	state.Error = message
	return s.consoleAnswer(c, page, state, status)
}

// consoleSeeOther sends the browser on to to: a console path, or
// Stripe's onboarding.
func (s *Server) consoleSeeOther(c *fiber.Ctx, to string) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(to, fiber.StatusSeeOther)
}

// renderConsole answers with the prerendered console page at page (a
// path after console.Base, with a query or not, an anchor ignored)
// showing state, with status. The state is about the form posted, whose
// action is the path it was posted to, unless it names another.
func (s *Server) renderConsole(c *fiber.Ctx, page string, state console.PageState, status int) error {
	if state.Form == "" {
		state.Form = c.Path()
	}
	state.Origin = s.PublicURL
	page, _, _ = strings.Cut(page, "#")
	path, query, _ := strings.Cut(page, "?")
	q, _ := url.ParseQuery(query)
	q.Set(console.PageParam, state.Encode())
	req := c.Request()
	req.Header.SetMethod(fiber.MethodGet)
	req.SetRequestURI(console.Base + path + "?" + q.Encode())
	req.ResetBody()
	if err := s.serveConsolePage(c, s.consolePages); err != nil {
		return err
	}
	c.Status(status)
	return nil
}
