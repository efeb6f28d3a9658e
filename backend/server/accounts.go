package server

import (
	"fmt"
	"time"

	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/operations"
)

// accounts turns on console accounts: production cookies are
// __Host-prefixed and Secure, and API keys of a live Stripe account are
// bc_live_….
func (m *Main) accounts(cfg *api.Config, svc *api.Services) {
	svc.Auth = m.DB
	cfg.SecureCookies = m.Config.Production()
	cfg.LiveKeys = m.Config.StripeLivemode()
}

// Accounts builds the operator's account links over the open store, on
// BUYCARD_PUBLIC_URL (or the listen address when it is unset).
func (m *Main) Accounts() *operations.Accounts {
	return &operations.Accounts{Store: m.DB, PublicURL: m.publicURL(), Now: time.Now}
}

// publicURL is BUYCARD_PUBLIC_URL, or the listen address's when unset.
func (m *Main) publicURL() string {
	if m.Config.PublicURL != "" {
		return m.Config.PublicURL
	}
	return fmt.Sprintf("http://%s", m.Config.Addr)
}
