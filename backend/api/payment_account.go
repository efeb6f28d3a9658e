package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// A merchant's or publisher's own account at the payment provider
// (issue 6): what it may do, and a link to Stripe's onboarding. The
// operator does the same for any party under /v1/connect.

// paymentAccountRoutes registers /v1/payment-account; none without Auth.
func (s *Server) paymentAccountRoutes(v1 fiber.Router) {
	if s.Auth == nil {
		return
	}
	only := []fiber.Handler{s.authenticate, s.requireParty}
	if s.Accounts != nil {
		v1.Get("/payment-account", append(only, s.getOwnPaymentAccount)...)
	}
	v1.Post("/payment-account/onboarding", append(only, s.postOwnOnboarding)...)
}

// getOwnPaymentAccount serves GET /v1/payment-account: the caller's Stripe
// account and what it may do; 404 before onboarding.
func (s *Server) getOwnPaymentAccount(c *fiber.Ctx) error {
	who := callerOf(c)
	a, err := s.Accounts.FindPaymentAccount(c.UserContext(), who.PartyKind, who.PartyID)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// sandboxAccountPrefix starts the ids of the sandbox's payment accounts.
const sandboxAccountPrefix = "acct_sandbox_"

// postOwnOnboarding serves POST /v1/payment-account/onboarding: it
// creates the caller's Express account unless it has one and answers the
// link to Stripe's onboarding, as POST /v1/connect/{party}/{id}/onboarding
// does for the operator. The body ({country, email}) is optional; the
// email defaults to the signed-in user's.
func (s *Server) postOwnOnboarding(c *fiber.Ctx) error {
	if s.StripeOnboarding == nil {
		a, created, err := s.connectSandbox(c)
		if err != nil {
			return err
		}
		if created {
			c.Status(fiber.StatusCreated)
		}
		return c.JSON(a)
	}
	var req onboardingRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	l, err := s.startOwnOnboarding(c, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(l)
}

// startOwnOnboarding creates the caller's Express account unless it has
// one and returns the link to Stripe's onboarding; the email defaults to
// the signed-in user's. The console's onboarding form runs it too.
func (s *Server) startOwnOnboarding(c *fiber.Ctx, req onboardingRequest) (*buycard.OnboardingLink, error) {
	who := callerOf(c)
	if req.Email == "" && who.User != nil {
		req.Email = who.User.Email
	}
	return s.StripeOnboarding.Start(c.UserContext(), who.PartyKind, who.PartyID, req.Country, req.Email)
}

// connectSandbox is onboarding without Stripe (development and tests;
// production refuses the sandbox): the caller's party gets a sandbox
// account that may take charges and receive payouts at once, so a new
// merchant's cards can be bought with the sandbox's test cards. It
// returns the new account (created), or the one the party has.
func (s *Server) connectSandbox(c *fiber.Ctx) (a *buycard.PaymentAccount, created bool, err error) {
	ctx, who := c.UserContext(), callerOf(c)
	if s.Accounts == nil {
		return nil, false, buycard.Errorf(buycard.ECONFLICT, "Payments run in the sandbox: no onboarding needed.")
	}
	a = &buycard.PaymentAccount{ID: sandboxAccountPrefix + who.PartyID, PartyKind: who.PartyKind, PartyID: who.PartyID,
		ChargesEnabled: true, PayoutsEnabled: true, UpdatedAt: s.Now()}
	err = s.Accounts.LinkPaymentAccount(ctx, a)
	if buycard.ErrorCode(err) == buycard.ECONFLICT {
		// Linked already, by an earlier or a concurrent request.
		a, err = s.Accounts.FindPaymentAccount(ctx, who.PartyKind, who.PartyID)
		return a, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return a, true, nil
}
