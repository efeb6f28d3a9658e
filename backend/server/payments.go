package server

import (
	"context"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/sandbox"
	"github.com/buycard/buycard/backend/stripeconnect"
)

// A shopper leaving the checkout ends the order's Checkout Session.
var _ api.SessionExpirer = (*stripeconnect.Provider)(nil)

// payments sets the payment provider: Stripe when STRIPE_SECRET_KEY is
// set (its webhooks too, when STRIPE_WEBHOOK_SECRET is), else the offline
// sandbox with its test cards.
func (m *Main) payments(cfg *api.Config, svc *api.Services) error {
	if m.Config.StripeSecretKey == "" {
		m.sandbox = sandbox.New([]byte("sandbox|"+m.Config.Secret), time.Now)
		svc.Payments, svc.TestPayments, svc.Refunds = m.sandbox, m.sandbox, m.sandbox
		return nil
	}
	provider, err := m.stripeProvider()
	if err != nil {
		return err
	}
	svc.Payments, svc.Refunds, svc.StripeReturns = provider, provider, provider
	svc.StripeOnboarding = &stripeconnect.Onboarding{Provider: provider, Accounts: m.DB, Tokens: svc.Tokens}
	cfg.StripePublishableKey = m.Config.StripePublishableKey
	if len(m.Config.StripeWebhookSecrets) == 0 {
		m.Logger.Warn("STRIPE_WEBHOOK_SECRET is not set: payments will not be confirmed until it is")
		return nil
	}
	svc.StripeWebhooks = &stripeconnect.Webhooks{
		Secrets: m.Config.StripeWebhookSecrets, Livemode: m.Config.StripeLivemode(),
		Refunds: provider, Orders: m.DB, Accounts: m.DB, Ledger: m.DB, Logger: m.Logger, Now: time.Now,
	}
	return nil
}

// stripeProvider builds the Stripe provider from the configuration.
func (m *Main) stripeProvider() (*stripeconnect.Provider, error) {
	provider, err := stripeconnect.New(stripeconnect.Config{
		SecretKey:        m.Config.StripeSecretKey,
		APIURL:           m.Config.StripeAPIURL,
		BaseURL:          m.Config.PublicURL,
		MerchantAccount:  m.merchantAccount,
		MerchantSettings: m.DB.MerchantSettings,
	})
	if err != nil {
		return nil, fmt.Errorf("stripe: %w", err)
	}
	return provider, nil
}

// merchantAccount is the merchant's Connect account and whether it can
// take charges; a merchant with none cannot.
func (m *Main) merchantAccount(ctx context.Context, merchantID string) (string, bool, error) {
	a, err := m.DB.FindPaymentAccount(ctx, buycard.PartyMerchant, merchantID)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return a.ID, a.ChargesEnabled, nil
}
