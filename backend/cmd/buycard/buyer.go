package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/server"
)

const buyerUsage = "usage: buycard buyer erase EMAIL"

// buyerCommand runs `buycard buyer erase EMAIL`: it erases the buyer's
// personal data on request (buycard.ErasureService), keeping every money
// record, and says what it changed. Running it again changes nothing.
func buyerCommand(ctx context.Context, m *server.Main, args []string, out io.Writer) error {
	if len(args) != 2 || args[0] != "erase" {
		return errors.New(buyerUsage)
	}
	e, err := m.DB.EraseBuyer(ctx, args[1])
	switch buycard.ErrorCode(err) {
	case "":
	case buycard.EINVALID:
		return errors.New(buycard.ErrorMessage(err))
	default:
		return err
	}
	fmt.Fprintf(out, "erased the personal data of %s: %d orders, %d discount redemptions, %d events\n", args[1], e.Orders, e.Redemptions, e.Events)
	return nil
}
