package server

import (
	"context"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/auth"
)

// accounts turns on console accounts: production cookies are
// __Host-prefixed and Secure, and API keys of a live Stripe account are
// bc_live_….
func (m *Main) accounts(cfg *api.Config, svc *api.Services) {
	svc.Auth = m.DB
	cfg.SecureCookies = m.Config.Production()
	cfg.LiveKeys = m.Config.StripeLivemode()
}

// CreateAdmin creates a platform admin with no password yet and returns
// the one-time link to set it. Errors: EINVALID, ECONFLICT (email taken).
func (m *Main) CreateAdmin(ctx context.Context, email string) (link string, expires time.Time, err error) {
	u := &buycard.User{Email: email, Role: buycard.RoleAdmin}
	if err := m.DB.CreateUser(ctx, u, ""); err != nil {
		return "", time.Time{}, err
	}
	return auth.IssueReset(ctx, m.DB, m.publicURL(), u.ID, time.Now())
}

// ResetLink returns a one-time link to set the password of the user with
// email. Errors: EINVALID, ENOTFOUND.
func (m *Main) ResetLink(ctx context.Context, email string) (link string, expires time.Time, err error) {
	email, err = buycard.NormalizeEmail(email)
	if err != nil {
		return "", time.Time{}, err
	}
	u, err := m.DB.FindUserByEmail(ctx, email)
	if err != nil {
		return "", time.Time{}, err
	}
	return auth.IssueReset(ctx, m.DB, m.publicURL(), u.ID, time.Now())
}

// publicURL is BUYCARD_PUBLIC_URL, or the listen address's when unset.
func (m *Main) publicURL() string {
	if m.Config.PublicURL != "" {
		return m.Config.PublicURL
	}
	return fmt.Sprintf("http://%s", m.Config.Addr)
}
