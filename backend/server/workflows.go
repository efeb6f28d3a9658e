package server

import (
	"time"

	"github.com/buycard/buycard/backend/operations"
	"github.com/buycard/buycard/backend/stripeconnect"
)

var _ operations.StripeClient = (*stripeconnect.Provider)(nil)

// Workflows builds the money workflows over the open store: with Stripe
// when STRIPE_SECRET_KEY is set, and, once Run has built the API, with its
// sandbox to expire the sandbox's sessions.
func (m *Main) Workflows() *operations.Workflows {
	w := &operations.Workflows{
		Store: m.DB, Sandbox: m.sandbox, Logger: m.Logger, Now: time.Now,
		PublisherHold: m.Config.PublisherHold, PayoutMinimum: m.Config.PayoutMinimum,
	}
	if m.Config.StripeSecretKey != "" {
		w.Stripe = m.stripeClient
	}
	return w
}

// stripeClient builds the Stripe provider for the workflows, as each run
// that needs it asks: a configuration it refuses fails that run alone.
func (m *Main) stripeClient() (operations.StripeClient, error) {
	provider, err := m.stripeProvider()
	if err != nil {
		return nil, err
	}
	return provider, nil
}
