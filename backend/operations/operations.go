// Package operations holds the platform operator's workflows. The money
// ones: releasing publisher shares after their hold window, paying
// publishers (ledger batches in the sandbox, transfers into their Stripe
// accounts with Stripe), reconciling Checkout Sessions whose webhooks were
// missed, and the sweep that expires abandoned checkouts; each is
// idempotent, so any number of nodes may run it at once. And the account
// links the operator hands out (a new admin's, a password reset's). And
// the daily reconciliation of the ledger with Stripe's money, whose
// differences hold payouts (money.go, compare.go).
//
// They are built from explicit dependencies (the store, the payment
// provider, a clock, a logger), so the CLI and tests call them without
// starting a server; backend/server builds them from its configuration
// and schedules the periodic ones.
package operations

import (
	"context"
	"log/slog"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sandbox"
	"github.com/buycard/buycard/ledger"
)

// Store is what the workflows read and write: the ledger, the orders,
// the payment accounts, the record of job runs and reconciliations, and
// the sign-in sessions and links that expire.
type Store interface {
	ledger.Books
	ledger.ShareTransfers
	ledger.ProviderBooks
	buycard.ReconciliationService
	buycard.OrderService
	buycard.AccountService
	buycard.AdminService
	buycard.AuthService
	buycard.EventService
}

// StripeClient is what the workflows ask of Stripe;
// *stripeconnect.Provider is one.
type StripeClient interface {
	ShareMover
	MoneyReader
	// SessionEventsSince returns the events that the Checkout Sessions
	// created since t imply (paid, expired).
	SessionEventsSince(ctx context.Context, t time.Time) ([]buycard.PaymentEvent, error)
}

// Workflows runs the money workflows over one store.
type Workflows struct {
	Store Store
	// Stripe builds the Stripe client for each run that needs one (share
	// transfers, reconciliation), so that a configuration Stripe's client
	// refuses fails those runs alone; nil on a node without
	// STRIPE_SECRET_KEY.
	Stripe func() (StripeClient, error)
	// Sandbox expires the sandbox's sessions that ran out; nil where the
	// sandbox takes no payments.
	Sandbox *sandbox.Provider
	Logger  *slog.Logger
	Now     func() time.Time

	// PublisherHold is how long a publisher share stays pending after
	// its sale.
	PublisherHold time.Duration
	// PayoutMinimum is, per currency, the smallest available balance a
	// sandbox payout batch pays.
	PayoutMinimum map[string]int64
}
