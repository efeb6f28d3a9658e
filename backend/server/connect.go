package server

import (
	"context"
	"errors"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect"
)

// StartOnboarding begins, or resumes, a merchant's or publisher's Stripe
// Connect onboarding, as POST /v1/connect/…/onboarding does: the account
// is created once and linked, and the link's refresh and return URLs are
// on BUYCARD_PUBLIC_URL, signed with the node's secret, so any node
// serves them. Errors: as stripeconnect.Onboarding.Start's, and a plain
// error without STRIPE_SECRET_KEY or BUYCARD_PUBLIC_URL.
func (m *Main) StartOnboarding(ctx context.Context, partyKind, partyID, country, email string) (*buycard.OnboardingLink, error) {
	if m.Config.StripeSecretKey == "" {
		return nil, errors.New("connect needs STRIPE_SECRET_KEY: the sandbox has no payment accounts to onboard")
	}
	if m.Config.PublicURL == "" {
		return nil, errors.New("connect needs BUYCARD_PUBLIC_URL: Stripe sends the user back to this server's onboarding pages")
	}
	provider, err := m.stripeProvider()
	if err != nil {
		return nil, err
	}
	tokens, err := m.tokenSigner()
	if err != nil {
		return nil, err
	}
	o := &stripeconnect.Onboarding{Provider: provider, Accounts: m.DB, Tokens: tokens}
	return o.Start(ctx, partyKind, partyID, country, email)
}
