package auth

import (
	"context"
	"time"

	"github.com/buycard/buycard"
)

// ResetTTL is how long a password link works.
const ResetTTL = time.Hour

// ResetPath is the console page a password link opens. The token travels
// in the fragment, which browsers send to no server and put in no
// Referer; the page posts it to /v1/auth/password-reset.
const ResetPath = "/console/reset-password#token="

// ResetStore stores password resets: a buycard.AuthService.
type ResetStore interface {
	CreatePasswordReset(ctx context.Context, r *buycard.PasswordReset) error
}

// IssueReset stores a one-time password reset for the user and returns
// the link to it under publicURL, and when it stops working. The link's
// token is in the link only: the store keeps its digest.
func IssueReset(ctx context.Context, store ResetStore, publicURL, userID string, now time.Time) (link string, expires time.Time, err error) {
	token := NewToken()
	r := &buycard.PasswordReset{ID: Digest(token), UserID: userID, ExpiresAt: now.Add(ResetTTL)}
	if err := store.CreatePasswordReset(ctx, r); err != nil {
		return "", time.Time{}, err
	}
	return publicURL + ResetPath + token, r.ExpiresAt, nil
}
