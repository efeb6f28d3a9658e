package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/server"
)

const connectUsage = "usage: buycard connect merchant|publisher ID [-country US] [-email ADDRESS]"

// connect starts a merchant's or publisher's Stripe Connect onboarding and
// prints where to send them.
func connect(ctx context.Context, m *server.Main, args []string, out io.Writer) error {
	if len(args) < 2 || (args[0] != buycard.PartyMerchant && args[0] != buycard.PartyPublisher) {
		return errors.New(connectUsage)
	}
	fs := flag.NewFlagSet("connect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	country := fs.String("country", "US", "country of a new account (ISO 3166-1 alpha-2)")
	email := fs.String("email", "", "email address to prefill Stripe's onboarding with")
	if err := fs.Parse(args[2:]); err != nil || fs.NArg() != 0 {
		return errors.New(connectUsage)
	}
	l, err := m.StartOnboarding(ctx, args[0], args[1], *country, *email)
	switch buycard.ErrorCode(err) {
	case "":
	case buycard.EINVALID, buycard.ENOTFOUND, buycard.ECONFLICT:
		return errors.New(buycard.ErrorMessage(err))
	default:
		return err // with the cause: Stripe unreachable, the database
	}
	fmt.Fprintf(out, "%s %s: Stripe account %s\n", args[0], args[1], l.AccountID)
	fmt.Fprintf(out, "send them:  %s\n            (opens Stripe's onboarding; works until %s)\n", l.ResumeURL, l.ResumeExpiresAt.Format(time.RFC3339))
	fmt.Fprintf(out, "or open:    %s\n            (single use, until %s)\n", l.URL, l.ExpiresAt.Format(time.RFC3339))
	return nil
}
