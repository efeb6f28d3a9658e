package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/server"
)

const (
	adminUsage = "usage: buycard admin create EMAIL"
	userUsage  = "usage: buycard user reset-link EMAIL"
)

// accountCommand runs `buycard admin create EMAIL` and `buycard user
// reset-link EMAIL`. There is no mail server: both print a one-time link
// to set the password, for the operator to pass on.
func accountCommand(ctx context.Context, m *server.Main, cmd string, args []string, out io.Writer) error {
	accounts := m.Accounts()
	issue, usage := accounts.ResetLink, userUsage
	if cmd == "admin" {
		issue, usage = accounts.CreateAdmin, adminUsage
	}
	sub := map[string]string{"admin": "create", "user": "reset-link"}[cmd]
	if len(args) != 2 || args[0] != sub {
		return errors.New(usage)
	}
	link, expires, err := issue(ctx, args[1])
	switch buycard.ErrorCode(err) {
	case "":
	case buycard.EINVALID, buycard.ENOTFOUND, buycard.ECONFLICT:
		return errors.New(buycard.ErrorMessage(err))
	default:
		return err
	}
	fmt.Fprintf(out, "set-password link for %s (single use, until %s):\n%s\n", args[1], expires.Format(time.RFC3339), link)
	return nil
}
