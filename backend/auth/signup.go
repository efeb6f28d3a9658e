package auth

import (
	"context"
	"time"

	"github.com/buycard/buycard"
)

// SignUpTTL is how long a sign-up's confirmation link works.
const SignUpTTL = 24 * time.Hour

// VerifyPath is the console page a confirmation link opens. The token
// travels in the fragment, as a password link's does (ResetPath); the
// page posts it to /v1/auth/verify.
const VerifyPath = "/console/verify#token="

// SignUpStore gives sign-ups their links: a buycard.AuthService.
type SignUpStore interface {
	IssueSignUp(ctx context.Context, id, digest string, now, expires time.Time) (*buycard.SignUp, error)
}

// IssueSignUp gives the sign-up id a new confirmation link under
// publicURL, working for SignUpTTL, and returns the sign-up and the link.
// The link's token is in the link only: the store keeps its digest.
// Errors: ENOTFOUND (the sign-up was spent or expired).
func IssueSignUp(ctx context.Context, store SignUpStore, publicURL, id string, now time.Time) (*buycard.SignUp, string, error) {
	token := NewToken()
	s, err := store.IssueSignUp(ctx, id, Digest(token), now, now.Add(SignUpTTL))
	if err != nil {
		return nil, "", err
	}
	return s, publicURL + VerifyPath + token, nil
}
