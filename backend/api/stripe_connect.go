package api

import (
	"context"
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// StripeOnboarding connects merchants and publishers to Stripe Express
// accounts (stripeconnect.Onboarding). Tokens are the signed ones its
// links' refresh and return URLs carry.
type StripeOnboarding interface {
	// Start creates or reuses the party's account and mints an
	// onboarding link. Errors: EINVALID, ENOTFOUND, ECONFLICT, EPAYMENT.
	Start(ctx context.Context, partyKind, partyID, country, email string) (*buycard.OnboardingLink, error)
	// Refresh mints a new link for a token. Errors: EUNAUTHORIZED,
	// EINVALID, EPAYMENT.
	Refresh(ctx context.Context, token string) (*buycard.OnboardingLink, error)
	// Return records and returns the account's state at Stripe. Errors:
	// EUNAUTHORIZED, ENOTFOUND, EINVALID, EPAYMENT.
	Return(ctx context.Context, token string) (*buycard.PaymentAccount, error)
	// FindPaymentAccount returns a party's account. Errors: ENOTFOUND.
	FindPaymentAccount(ctx context.Context, partyKind, partyID string) (*buycard.PaymentAccount, error)
}

// Where Stripe's Account Links send the user back; stripeconnect builds
// the same URLs (OnboardingRefreshPath, OnboardingReturnPath).
const (
	connectRefreshPath = "/connect/refresh"
	connectReturnPath  = "/connect/return"
)

// connectRoutes are the operator's side of onboarding, under /v1/connect.
// There are no user logins yet: the operator starts an onboarding and
// sends its resume URL to the merchant or publisher.
func (s *Server) connectRoutes(r fiber.Router) {
	r.Post("/:party/:id/onboarding", s.postOnboarding)
	r.Get("/:party/:id", s.getPaymentAccount)
}

// connectParties maps the path's plural to the party kind.
var connectParties = map[string]string{"merchants": buycard.PartyMerchant, "publishers": buycard.PartyPublisher}

func connectParty(c *fiber.Ctx) (string, error) {
	kind, ok := connectParties[c.Params("party")]
	if !ok {
		return "", buycard.Errorf(buycard.ENOTFOUND, "Payment accounts belong to merchants or publishers: /v1/connect/merchants/ID or /v1/connect/publishers/ID.")
	}
	return kind, nil
}

// onboardingRequest is the body of POST /v1/connect/{party}/{id}/onboarding.
type onboardingRequest struct {
	Country string `json:"country"` // ISO 3166-1 alpha-2, for a new account
	Email   string `json:"email"`   // optional: prefills Stripe's onboarding
}

// postOnboarding serves POST /v1/connect/{merchants|publishers}/{id}/onboarding:
// it creates the party's Express account unless it has one, and answers
// {account_id, url, expires_at, resume_url, resume_expires_at}.
func (s *Server) postOnboarding(c *fiber.Ctx) error {
	kind, err := connectParty(c)
	if err != nil {
		return err
	}
	var req onboardingRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	l, err := s.StripeOnboarding.Start(c.UserContext(), kind, c.Params("id"), req.Country, req.Email)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(l)
}

// getPaymentAccount serves GET /v1/connect/{merchants|publishers}/{id}: the
// linked account and what Stripe last said it may do.
func (s *Server) getPaymentAccount(c *fiber.Ctx) error {
	kind, err := connectParty(c)
	if err != nil {
		return err
	}
	a, err := s.StripeOnboarding.FindPaymentAccount(c.UserContext(), kind, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// getConnectRefresh serves GET /connect/refresh?t=…, where Stripe sends
// the user when an onboarding link expired or was used: a 303 to a fresh
// one.
func (s *Server) getConnectRefresh(c *fiber.Ctx) error {
	connectHeaders(c)
	l, err := s.StripeOnboarding.Refresh(c.UserContext(), c.Query("t"))
	if err != nil {
		return err
	}
	return c.Redirect(l.URL, fiber.StatusSeeOther)
}

// getConnectReturn serves GET /connect/return?t=…, where Stripe sends the
// user when they leave onboarding: it reads the account back from Stripe
// and says what it may do now.
func (s *Server) getConnectReturn(c *fiber.Ctx) error {
	connectHeaders(c)
	token := c.Query("t")
	a, err := s.StripeOnboarding.Return(c.UserContext(), token)
	if err != nil {
		return err
	}
	var page strings.Builder
	err = connectReturnPage.Execute(&page, connectReturnData{
		Account:    a,
		Merchant:   a.PartyKind == buycard.PartyMerchant,
		Complete:   a.ChargesEnabled && a.PayoutsEnabled,
		ResumePath: connectRefreshPath + "?t=" + url.QueryEscape(token),
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(page.String())
}

// connectHeaders: the pages' URLs carry a token, so they are not cached
// and the token is not sent on as a referrer; the page needs only our
// stylesheet.
func connectHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
}

type connectReturnData struct {
	Account            *buycard.PaymentAccount
	Merchant, Complete bool
	ResumePath         string
}

// connectReturnPage is styled by the product page's stylesheet: two
// columns on a wide screen (the verdict, then the details), one on a phone.
var connectReturnPage = template.Must(template.New("connect").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Stripe account · Buycard</title>
<link rel="stylesheet" href="/web/product.css">
</head>
<body>
<main class="bc-product">
<div class="bc-product-body">
<h1 class="bc-title">{{if .Complete}}Your Stripe account is ready{{else}}Your Stripe account is not ready yet{{end}}</h1>
<p class="bc-merchant">Account {{.Account.ID}}</p>
</div>
<div class="bc-product-body">
<ul class="bc-description" aria-label="What Stripe allows">
<li>{{if .Account.ChargesEnabled}}Payments: enabled{{else}}Payments: not enabled yet{{end}}{{if .Merchant}} — {{if .Account.ChargesEnabled}}your cards can be bought{{else}}your cards show as unavailable until then{{end}}{{end}}</li>
<li>{{if .Account.PayoutsEnabled}}Payouts: enabled{{else}}Payouts: not enabled yet{{end}}</li>
</ul>
{{if .Complete}}<p class="bc-description">You can close this page.</p>
{{else}}<p class="bc-description">Stripe needs more details, or is still checking them. You can continue where you left off.</p>
<p><a class="bc-buy" href="{{.ResumePath}}">Continue onboarding</a></p>
{{end}}</div>
</main>
</body>
</html>`))
