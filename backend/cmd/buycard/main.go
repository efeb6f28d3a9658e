// Command buycard runs a Buycard node.
//
//	buycard [serve]        migrate, seed the demo on first start, serve
//	buycard migrate        apply database migrations and exit
//	buycard seed-demo      seed the demo data if missing and exit
//	buycard precompress F… write F.br and F.gz beside each file (build step)
//	buycard ledger verify  check the ledger's hash chain and balances
//	buycard statement [-csv] [-after N] [-limit N] ACCOUNT
//	                       print an account's statement
//	buycard release        release publisher shares past their hold window
//	buycard payouts run [-batch ID]
//	                       with Stripe: transfer released publisher shares
//	                       to the publishers' accounts (and reverse what
//	                       refunds took back); sandbox: record available
//	                       balances as paid, as batch ID
//	buycard contract MERCHANT PUBLISHER BPS
//	                       set a merchant's share for one publisher
//	buycard connect merchant|publisher ID [-country US] [-email ADDRESS]
//	                       start a Stripe Connect Express onboarding and
//	                       print the link to send
//	buycard reconcile [-since 48h]
//	                       apply Stripe Checkout Sessions' state that missed
//	                       webhooks left behind
//	buycard reconcile money FROM [TO]
//	                       compare the ledger with Stripe's charges,
//	                       application fees, refunds and share transfers
//	                       of the UTC days FROM to TO; a difference holds
//	                       payouts until an admin clears it in the console
//	buycard admin create EMAIL
//	                       create a platform admin; prints a one-time
//	                       link to set the password
//	buycard user reset-link EMAIL
//	                       print a one-time link to set a user's password
//	buycard buyer erase EMAIL
//	                       erase a buyer's personal data (orders' buyer and
//	                       street address, discount redemptions' buyer key),
//	                       keeping every money record
//
// Configuration comes from the environment; see the README.
// BUYCARD_DATABASE_URL chooses the store: sqlite:PATH (the default,
// sqlite:./data/buycard.db) or a postgres:// URL.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/embed"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(logger, os.Args[1:], os.Stdout); err != nil {
		logger.Error("buycard", "err", err)
		os.Exit(1)
	}
}

func run(logger *slog.Logger, args []string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "precompress" {
		return embed.Precompress(args...)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := server.NewMain(os.Getenv, logger)
	if err != nil {
		return err
	}
	defer m.Close()
	switch cmd {
	case "serve":
		return serve(ctx, m)
	case "migrate":
		if err := m.Open(ctx); err != nil {
			return err
		}
		kind, _ := m.Config.DatabaseKind()
		logger.Info("database migrated", "database", kind)
		return nil
	case "seed-demo":
		if err := m.Open(ctx); err != nil {
			return err
		}
		return m.SeedDemo(ctx)
	case "connect":
		if err := m.Open(ctx); err != nil {
			return err
		}
		return connect(ctx, m, args, stdout)
	case "admin", "user":
		if err := m.Open(ctx); err != nil {
			return err
		}
		return accountCommand(ctx, m, cmd, args, stdout)
	case "buyer":
		if err := m.Open(ctx); err != nil {
			return err
		}
		return buyerCommand(ctx, m, args, stdout)
	case "ledger", "statement", "release", "payouts", "contract", "reconcile":
		if err := m.Open(ctx); err != nil {
			return err
		}
		return ledgerCommand(ctx, m, cmd, args, stdout)
	}
	return fmt.Errorf("unknown command %q (serve, migrate, seed-demo, precompress, ledger verify, statement, release, payouts, contract, reconcile, connect, admin create, user reset-link, buyer erase)", cmd)
}

func serve(ctx context.Context, m *server.Main) error {
	if err := m.Run(ctx); err != nil {
		return err
	}
	public := m.Config.PublicURL
	fmt.Printf("Buycard is running.\n  widget host:  %s\n  demo feed:    %s/demo   (a publisher page on another origin)\n  product page: %s/p/wgt_notebook\n  health:       %s/healthz\n",
		public, publisherOrigin(public, m.Addr().Port), public, public)
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down")
		return nil
	case err := <-waitErr(m):
		return err
	}
}

// publisherOrigin is the demo's "publisher site": the same server reached
// through another host name, so the browser treats it as another site.
func publisherOrigin(public string, port int) string {
	u, err := url.Parse(public)
	if err == nil && u.Hostname() == "localhost" {
		return fmt.Sprintf("http://127.0.0.1:%d", port)
	}
	return fmt.Sprintf("http://localhost:%d", port)
}

func waitErr(m *server.Main) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- m.Wait() }()
	return ch
}
