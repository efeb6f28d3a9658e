package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/mail"
)

// Account emails: the password link someone asked for, and what a
// sign-up sends, the link that confirms a new address or, to an address
// with an account, the notice that someone tried to sign up with it.
//
// The email job issues its link itself, so that the link's token is in
// the email only: never in the job's arguments, the event or the
// database, which keeps its digest. A retried job issues a new link,
// which voids the one of the attempt before.

const (
	msgPasswordLink message = "password_link" // to the user of an EventPasswordReset
	msgSignUp       message = "sign_up"       // to the address of an EventSignUp
)

// accountFooter ends every account email.
const accountFooter = "Buycard sent this because its address was given on Buycard's console. It never asks for your password by email."

// accountEmail writes the email m of the account event ev.
func (n *Notifier) accountEmail(ctx context.Context, ev *buycard.Event, m message) (mail.Message, error) {
	switch {
	case m == msgPasswordLink:
		return n.passwordEmail(ctx, ev)
	case ev.UserID != "":
		return n.signUpTakenEmail(ctx, ev)
	}
	return n.confirmEmail(ctx, ev)
}

// accountUser is the user id; errNoRecipient when it is gone.
func (n *Notifier) accountUser(ctx context.Context, id string) (*buycard.User, error) {
	u, err := n.Store.FindUser(ctx, id)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND {
		return nil, errNoRecipient
	}
	return u, err
}

// passwordEmail issues a password link for the user of ev and writes
// the email that carries it.
func (n *Notifier) passwordEmail(ctx context.Context, ev *buycard.Event) (mail.Message, error) {
	u, err := n.accountUser(ctx, ev.UserID)
	if err != nil {
		return mail.Message{}, err
	}
	link, expires, err := auth.IssueReset(ctx, n.Store, n.PublicURL, u.ID, n.Now())
	if err != nil {
		return mail.Message{}, err
	}
	v := view{Lang: "en",
		Subject: "Reset your Buycard password",
		Title:   "Reset your password",
		Paragraphs: []string{
			fmt.Sprintf("Someone asked for a link to set a new password for the Buycard account of %s.", u.Email),
			fmt.Sprintf("The link works once, for %s (until %s).", duration(auth.ResetTTL), clock(expires)),
			"If you did not ask for it, ignore this email: your password stays as it is.",
		},
		Button: button{Label: "Choose a new password", URL: link},
		Footer: accountFooter,
	}
	return v.message(u.Email, "Buycard", "")
}

// confirmEmail issues the link of the sign-up of ev and writes the email
// that carries it to the sign-up's address. A sign-up spent or expired
// meanwhile has nothing to confirm: errNoRecipient.
func (n *Notifier) confirmEmail(ctx context.Context, ev *buycard.Event) (mail.Message, error) {
	var data buycard.SignUpEventData
	if err := json.Unmarshal(ev.Data, &data); err != nil || data.SignUpID == "" {
		return mail.Message{}, fmt.Errorf("event %s names no sign-up: %v", ev.ID, err)
	}
	s, link, err := auth.IssueSignUp(ctx, n.Store, n.PublicURL, data.SignUpID, n.Now())
	if buycard.ErrorCode(err) == buycard.ENOTFOUND {
		return mail.Message{}, errNoRecipient
	}
	if err != nil {
		return mail.Message{}, err
	}
	// The merchant's or publisher's name is not repeated: it is whatever
	// a stranger typed, and this email goes to an address not yet known
	// to be theirs.
	v := view{Lang: "en",
		Subject: "Confirm your email",
		Title:   "Confirm your email to finish signing up",
		Paragraphs: []string{
			fmt.Sprintf("Someone signed up for Buycard as a %s with this address.", s.Role),
			fmt.Sprintf("Confirm it to create the account and sign in. The link works once, for %s (until %s).", duration(auth.SignUpTTL), clock(s.ExpiresAt)),
			"If you did not sign up, ignore this email: no account is made without it.",
		},
		Button: button{Label: "Confirm your email", URL: link},
		Footer: accountFooter,
	}
	return v.message(s.Email, "Buycard", "")
}

// signUpTakenEmail tells the user of ev that someone tried to sign up
// with its address. It carries no link that creates or changes anything.
func (n *Notifier) signUpTakenEmail(ctx context.Context, ev *buycard.Event) (mail.Message, error) {
	u, err := n.accountUser(ctx, ev.UserID)
	if err != nil {
		return mail.Message{}, err
	}
	v := view{Lang: "en",
		Subject: "Someone tried to sign up with your email",
		Title:   "Someone tried to sign up with your email",
		Paragraphs: []string{
			fmt.Sprintf("Someone tried to create a Buycard account with %s, which has one already. No account was made, and yours is unchanged.", u.Email),
			fmt.Sprintf("If it was you, sign in with your password. Forgot it? Ask for a new one at %s/console/forgot-password.", n.PublicURL),
			"If it was not you, you need not do anything.",
		},
		Button: button{Label: "Sign in", URL: n.PublicURL + "/console/signin"},
		Footer: accountFooter,
	}
	return v.message(u.Email, "Buycard", "")
}

// duration says a link's lifetime in words: "1 hour", "24 hours".
func duration(d time.Duration) string {
	if h := int(d / time.Hour); h != 1 {
		return fmt.Sprintf("%d hours", h)
	}
	return "1 hour"
}

// clock says when a link stops working, in UTC.
func clock(t time.Time) string {
	return t.UTC().Format("15:04 UTC on 2 January 2006")
}
