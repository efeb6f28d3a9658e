package operations

import (
	"context"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
)

// Accounts issues the operator's account links: a new platform admin's,
// and a user's link to set a password. The operator passes the link on;
// users can also have one emailed from the console's forgot-password
// page (backend/notify), which voids the operator's unused one, and the
// other way round.
type Accounts struct {
	Store buycard.AuthService
	// PublicURL is the origin the links point at.
	PublicURL string
	Now       func() time.Time
}

// CreateAdmin creates a platform admin with no password yet and returns
// the one-time link to set it. Errors: EINVALID, ECONFLICT (email taken).
func (a *Accounts) CreateAdmin(ctx context.Context, email string) (link string, expires time.Time, err error) {
	u := &buycard.User{Email: email, Role: buycard.RoleAdmin}
	if err := a.Store.CreateUser(ctx, u, ""); err != nil {
		return "", time.Time{}, err
	}
	return auth.IssueReset(ctx, a.Store, a.PublicURL, u.ID, a.Now())
}

// ResetLink returns a one-time link to set the password of the user with
// email. Errors: EINVALID, ENOTFOUND.
func (a *Accounts) ResetLink(ctx context.Context, email string) (link string, expires time.Time, err error) {
	email, err = buycard.NormalizeEmail(email)
	if err != nil {
		return "", time.Time{}, err
	}
	u, err := a.Store.FindUserByEmail(ctx, email)
	if err != nil {
		return "", time.Time{}, err
	}
	return auth.IssueReset(ctx, a.Store, a.PublicURL, u.ID, a.Now())
}
