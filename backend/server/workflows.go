package server

import (
	"time"

	"github.com/buycard/buycard/backend/operations"
	"github.com/buycard/buycard/backend/stripeconnect"
)

var _ operations.Stripe = (*stripeconnect.Provider)(nil)

// Workflows builds the money workflows over the open store: with the
// Stripe provider when STRIPE_SECRET_KEY is set, and, once Run has built
// the API, with its sandbox to expire the sandbox's sessions.
func (m *Main) Workflows() (*operations.Workflows, error) {
	w := &operations.Workflows{
		Store: m.DB, Sandbox: m.sandbox, Logger: m.Logger, Now: time.Now,
		PublisherHold: m.Config.PublisherHold, PayoutMinimum: m.Config.PayoutMinimum,
	}
	if m.Config.StripeSecretKey == "" {
		return w, nil
	}
	provider, err := m.stripeProvider()
	if err != nil {
		return nil, err
	}
	w.Stripe = provider
	return w, nil
}
