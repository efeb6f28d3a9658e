// Package stripeconnect is Buycard's Stripe payment provider: Checkout
// Sessions in embedded mode (or hosted, for the popup checkout) as destination charges to the merchant's
// Connect Express account, refunds, publisher transfers and onboarding,
// plus webhook verification and the translation of Stripe events into
// buycard.PaymentEvent. It mirrors backend/sandbox, which produces the same
// events offline.
//
// It is built on stripe-go v76 (API version 2023-10-16) through a
// client.API, so tests point it at stripe-mock or at the stateful fake in
// stripetest.
//
// # Stripe calls
//
// Every call sets an idempotency key and goes through one retry loop (see
// Config.MaxRetries): network errors, 409, 429 and 5xx are retried with
// backoff under an overall deadline; anything else is final. How each call
// is verified:
//
//	POST /v1/checkout/sessions  Provider.CreatePaymentSession   stripe-mock (request validation) and stripetest (retries, lost response, concurrency)
//	POST /v1/checkout/sessions  Provider.CreatePaymentSessionWith (ui_mode hosted, for the popup)  stripe-mock; stripetest (params, once under retry)
//	POST /v1/checkout/sessions  priced orders: discounted line items, Buycard's tax as a line, shipping_address_collection,
//	                            shipping_options[shipping_rate_data], customer_email, customer_creation, phone_number_collection,
//	                            automatic_tax with tax_behavior, custom_text  stripe-mock (every vector of pricedOrders, both ui modes;
//	                            stripe-mock checks names, types and enums, not lengths: clip tests custom_text); stripetest (params, sums)
//	GET  /v1/checkout/sessions/ID  Provider.SessionPayment  stripe-mock; stripetest (open, then paid: customer_details,
//	                            shipping_details, total_details.amount_tax, shipping_cost.amount_tax read back)
//	GET  /v1/checkout/sessions  Provider.SessionEventsSince  stripe-mock; stripetest (paid, expired, open)
//	POST /v1/checkout/sessions/ID/expire  Provider.ExpireSession (a released order)  stripe-mock; stripetest (open, paid, expired)
//	POST /v1/refunds            Provider.Refund          stripe-mock; stripetest (idempotent replay)
//	GET  /v1/refunds?charge=    Provider.ChargeRefunds   stripe-mock
//	GET  /v1/transfers?transfer_group=  Provider.MoveShare (finds an earlier attempt)  stripe-mock; stripetest
//	GET  /v1/payment_intents/ID  Provider.MoveShare (latest_charge: the source)  stripe-mock; stripetest
//	POST /v1/transfers          Provider.MoveShare (source_transaction, transfer_group)  stripe-mock; stripetest (lost response, second attempt)
//	GET  /v1/transfers/ID       Provider.MoveShare (finds an earlier reversal)  stripe-mock; stripetest
//	POST /v1/transfers/ID/reversals  Provider.MoveShare (a refund after the transfer)  stripe-mock; stripetest (500, second attempt, over-reversal refused)
//	POST /v1/accounts           Provider.CreateExpressAccount  stripe-mock
//	POST /v1/account_links      Provider.AccountLink     stripe-mock
//	GET  /v1/accounts/ID        Provider.RetrieveAccount  stripe-mock; stripetest (onboarding: Onboarding.Return)
//	GET  /v1/balance_transactions?created=  Provider.MoneyBetween (charges, share transfers and reversals; sources expanded)  stripe-mock; stripetest (pages)
//	GET  /v1/application_fees?created=      Provider.MoneyBetween (charges expanded)  stripe-mock; stripetest (pages)
//	GET  /v1/refunds?created=               Provider.MoneyBetween  stripe-mock; stripetest (pages)
//
// stripe-mock validates parameters against Stripe's OpenAPI spec but keeps
// no state and ignores Idempotency-Key, so idempotency and retry behaviour
// are verified against stripetest, whose idempotency layer follows Stripe's
// documentation (same key and parameters replay the first result, the same
// key with other parameters is a 400 idempotency_error, a key still in
// flight is a 409).
//
// # Webhooks and events
//
// VerifyWebhook checks the Stripe-Signature header itself (HMAC-SHA256,
// several v1 signatures, several secrets for rotation, timestamp window in
// both directions); verified by the table in webhook_test.go. Translate
// maps these events, verified by fixtures in testdata/ written from
// Stripe's documented object shapes for 2023-10-16 (docs only: no live
// Stripe account was used):
//
//	checkout.session.completed               paid: PaymentSucceeded; unpaid: KindAwaitingPayment (no change)
//	checkout.session.async_payment_succeeded PaymentSucceeded
//	checkout.session.async_payment_failed    PaymentFailed
//	checkout.session.expired                 SessionExpired
//	charge.refunded                          PaymentRefunded per refund, or KindRefundLookup (see below)
//	charge.dispute.created                   DisputeOpened (inquiries: KindNoChange)
//	charge.dispute.funds_withdrawn           DisputeOpened (same event id as created, so applied once)
//	charge.dispute.closed                    DisputeOpened (same id: applied once), then DisputeWon / DisputeLost (closed inquiries: KindNoChange)
//	account.updated                          KindAccount: charges_enabled, payouts_enabled
//	transfer.reversed                        KindShareReversal: a share transfer's reversals as journals
//
// Before any of that, Webhooks.Handle reads only what an event is about
// (SubjectOf) and decides from Buycard's own rows whether it is Buycard's:
// another integration's sessions, charges, disputes and transfers on the
// same Stripe account, and Connect events about what is not the sending
// account's, are acknowledged unread, and Stripe is never called for them.
//
// Since API version 2022-11-15 a charge no longer embeds its refunds, so a
// 2023-10-16 charge.refunded event names no refund: Translate returns
// KindRefundLookup and the caller lists the charge's refunds with
// ChargeRefunds and turns them into events with RefundEvents.
package stripeconnect

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/buycard/buycard"
)

// Name is the provider name stored on orders and events.
const Name = "stripe"

// Defaults for Config.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultAttemptTimeout = 10 * time.Second
	DefaultMaxRetries     = 3
	DefaultRetryBackoff   = 500 * time.Millisecond
	maxRetryBackoff       = 5 * time.Second
)

// ErrOutcomeUnknown is in the chain of an error when a request may have
// reached Stripe and its result is unknown (network error, timeout, 5xx).
// The object may exist: retrying with the same idempotency key is safe and
// returns it, so a caller should not assume nothing was created.
var ErrOutcomeUnknown = errors.New("stripe: outcome unknown")

// OutcomeUnknown reports whether err leaves it open whether Stripe acted.
func OutcomeUnknown(err error) bool { return errors.Is(err, ErrOutcomeUnknown) }

// MerchantAccountFunc returns the Connect account of a merchant and
// whether it can take charges.
type MerchantAccountFunc func(ctx context.Context, merchantID string) (accountID string, chargesEnabled bool, err error)

// MerchantSettingsFunc returns a merchant's settings
// (buycard.SellerService.MerchantSettings): its tax mode and what
// Checkout shows of it.
type MerchantSettingsFunc func(ctx context.Context, merchantID string) (*buycard.MerchantSettings, error)

// Config configures a Provider.
type Config struct {
	// SecretKey is the platform's secret API key (sk_… or rk_…).
	SecretKey string
	// APIURL is the base URL of the API; "" means https://api.stripe.com.
	// Tests point it at stripe-mock or stripetest.
	APIURL string
	// HTTPClient is used for every request; nil means a client with no
	// timeout of its own (AttemptTimeout bounds each attempt).
	HTTPClient *http.Client
	// MerchantAccount looks up the merchant's connected account. Required.
	MerchantAccount MerchantAccountFunc
	// MerchantSettings looks up the merchant's settings; nil gives every
	// merchant buycard.NewMerchantSettings (no tax, nothing shown), for
	// tools and tests that sell untaxed goods. The server sets it.
	MerchantSettings MerchantSettingsFunc
	// BaseURL is the public URL of the Buycard server, without a trailing
	// slash. Checkout returns the shopper to
	// BaseURL/checkout/return?session_id={CHECKOUT_SESSION_ID}.
	BaseURL string
	// Locale is passed to Checkout ("auto", "en", "fr", …); "" leaves
	// Stripe's default.
	Locale string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	// Timeout bounds one call including retries; 0 means DefaultTimeout.
	Timeout time.Duration
	// AttemptTimeout bounds one HTTP attempt; 0 means DefaultAttemptTimeout.
	AttemptTimeout time.Duration
	// MaxRetries is how many times a retryable failure is retried; 0 means
	// DefaultMaxRetries, negative means never.
	MaxRetries int
	// RetryBackoff is the first wait between attempts, doubled each retry
	// up to 5s, with jitter; 0 means DefaultRetryBackoff.
	RetryBackoff time.Duration
	// Logger receives stripe-go's logs; nil logs nothing (errors are
	// returned to the caller, who logs them).
	Logger stripe.LeveledLoggerInterface
}

// Provider implements buycard.PaymentProvider with Stripe Checkout and
// wraps the Connect calls Buycard makes. It is safe for concurrent use.
type Provider struct {
	cfg Config
	api stripeAPI
}

var _ buycard.PaymentProvider = (*Provider)(nil)

// stripeAPI is the part of stripe-go this package uses.
type stripeAPI struct {
	sessions interface {
		New(*stripe.CheckoutSessionParams) (*stripe.CheckoutSession, error)
		Get(string, *stripe.CheckoutSessionParams) (*stripe.CheckoutSession, error)
		Expire(string, *stripe.CheckoutSessionExpireParams) (*stripe.CheckoutSession, error)
	}
	refunds interface {
		New(*stripe.RefundParams) (*stripe.Refund, error)
	}
	listRefunds  func(*stripe.RefundListParams) ([]*stripe.Refund, error)
	listSessions func(*stripe.CheckoutSessionListParams) ([]*stripe.CheckoutSession, error)
	listBalance  func(*stripe.BalanceTransactionListParams) ([]*stripe.BalanceTransaction, error)
	listFees     func(*stripe.ApplicationFeeListParams) ([]*stripe.ApplicationFee, error)
	transfers    interface {
		New(*stripe.TransferParams) (*stripe.Transfer, error)
		Get(string, *stripe.TransferParams) (*stripe.Transfer, error)
	}
	listTransfers     func(*stripe.TransferListParams) ([]*stripe.Transfer, error)
	transferReversals interface {
		New(*stripe.TransferReversalParams) (*stripe.TransferReversal, error)
	}
	paymentIntents interface {
		Get(string, *stripe.PaymentIntentParams) (*stripe.PaymentIntent, error)
	}
	accounts interface {
		New(*stripe.AccountParams) (*stripe.Account, error)
		GetByID(string, *stripe.AccountParams) (*stripe.Account, error)
	}
	accountLinks interface {
		New(*stripe.AccountLinkParams) (*stripe.AccountLink, error)
	}
}

// New returns a Provider. Errors: plain errors for a missing key,
// MerchantAccount or BaseURL.
func New(cfg Config) (*Provider, error) {
	switch {
	case cfg.SecretKey == "":
		return nil, errors.New("stripeconnect: secret key is required")
	case cfg.MerchantAccount == nil:
		return nil, errors.New("stripeconnect: MerchantAccount is required")
	case cfg.BaseURL == "":
		return nil, errors.New("stripeconnect: BaseURL is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = DefaultAttemptTimeout
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = DefaultRetryBackoff
	}
	if cfg.Logger == nil {
		cfg.Logger = &stripe.LeveledLogger{Level: stripe.LevelNull}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}

	// stripe-go's own retries are off: it does not retry a POST that got
	// a 500, nor a rate-limit 429, and its sleep ignores the context. Our
	// loop in call does all of that under one deadline.
	apiCfg := &stripe.BackendConfig{
		HTTPClient:        cfg.HTTPClient,
		LeveledLogger:     cfg.Logger,
		MaxNetworkRetries: stripe.Int64(0),
	}
	if cfg.APIURL != "" {
		apiCfg.URL = stripe.String(cfg.APIURL)
	}
	other := func() *stripe.BackendConfig {
		return &stripe.BackendConfig{HTTPClient: cfg.HTTPClient, LeveledLogger: cfg.Logger, MaxNetworkRetries: stripe.Int64(0)}
	}
	sc := &client.API{}
	sc.Init(cfg.SecretKey, &stripe.Backends{
		API:     stripe.GetBackendWithConfig(stripe.APIBackend, apiCfg),
		Connect: stripe.GetBackendWithConfig(stripe.ConnectBackend, other()),
		Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, other()),
	})
	return &Provider{cfg: cfg, api: stripeAPI{
		sessions: sc.CheckoutSessions,
		refunds:  sc.Refunds,
		listRefunds: func(p *stripe.RefundListParams) ([]*stripe.Refund, error) {
			return all[*stripe.Refund](sc.Refunds.List(p).Iter)
		},
		listSessions: func(p *stripe.CheckoutSessionListParams) ([]*stripe.CheckoutSession, error) {
			return all[*stripe.CheckoutSession](sc.CheckoutSessions.List(p).Iter)
		},
		listBalance: func(p *stripe.BalanceTransactionListParams) ([]*stripe.BalanceTransaction, error) {
			return all[*stripe.BalanceTransaction](sc.BalanceTransactions.List(p).Iter)
		},
		listFees: func(p *stripe.ApplicationFeeListParams) ([]*stripe.ApplicationFee, error) {
			return all[*stripe.ApplicationFee](sc.ApplicationFees.List(p).Iter)
		},
		transfers: sc.Transfers,
		listTransfers: func(p *stripe.TransferListParams) ([]*stripe.Transfer, error) {
			return all[*stripe.Transfer](sc.Transfers.List(p).Iter)
		},
		transferReversals: sc.TransferReversals,
		paymentIntents:    sc.PaymentIntents,
		accounts:          sc.Accounts,
		accountLinks:      sc.AccountLinks,
	}}, nil
}

// all reads every page of a list through its iterator.
func all[T any](it *stripe.Iter) ([]T, error) {
	var out []T
	for it.Next() {
		out = append(out, it.Current().(T))
	}
	return out, it.Err()
}

// Name returns "stripe".
func (p *Provider) Name() string { return Name }

// call runs do until it succeeds, fails for good, runs out of retries or
// passes the overall deadline. do must send the request with the given
// context and the same parameters (and idempotency key) every time.
func (p *Provider) call(ctx context.Context, op string, do func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	var (
		err     error
		unknown bool
	)
	for attempt := 0; ; attempt++ {
		actx, acancel := context.WithTimeout(ctx, p.cfg.AttemptTimeout)
		err = do(actx)
		acancel()
		if err == nil {
			return nil
		}
		retry, maybeDone := classify(err)
		unknown = unknown || maybeDone
		if !retry || attempt >= p.cfg.MaxRetries || ctx.Err() != nil {
			break
		}
		if !sleep(ctx, p.backoff(attempt)) {
			break
		}
	}
	return p.failure(op, err, unknown, ctx.Err())
}

// classify says whether err is worth retrying with the same idempotency
// key, and whether Stripe may have acted on the request.
func classify(err error) (retry, maybeDone bool) {
	var se *stripe.Error
	if !errors.As(err, &se) {
		// Network error, timeout, or a body that is not a Stripe error
		// (a proxy's 502 page): the request may have been executed.
		return true, true
	}
	if se.LastResponse != nil {
		switch se.LastResponse.Header.Get("Stripe-Should-Retry") {
		case "false":
			return false, se.HTTPStatusCode >= 500
		case "true":
			return true, se.HTTPStatusCode >= 500
		}
	}
	switch code := se.HTTPStatusCode; {
	case code == http.StatusConflict:
		// Another request with this idempotency key is in flight; its
		// result is replayed once it finishes.
		return true, true
	case code == http.StatusTooManyRequests:
		return true, false
	case code >= 500:
		return true, true
	}
	return false, false
}

func (p *Provider) backoff(attempt int) time.Duration {
	d := p.cfg.RetryBackoff << min(attempt, 10)
	d = min(d, maxRetryBackoff)
	return d/2 + rand.N(d/2+1) // jitter in [d/2, d]
}

// sleep waits d or until ctx is done; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// failure translates the last error of a call at the edge: definite Stripe
// refusals to EINVALID or EPAYMENT, credentials problems to plain errors
// (they are ours to fix), and anything that may have gone through to
// EPAYMENT with ErrOutcomeUnknown.
func (p *Provider) failure(op string, err error, unknown bool, deadline error) error {
	if unknown {
		if deadline != nil {
			err = fmt.Errorf("%w (%w)", err, deadline)
		}
		return fmt.Errorf("stripe %s: %w: %w: %w", op,
			buycard.Errorf(buycard.EPAYMENT, "The payment provider did not answer. Try again in a moment."),
			ErrOutcomeUnknown, err)
	}
	var se *stripe.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("stripe %s: %w", op, err)
	}
	switch {
	case se.Type == stripe.ErrorTypeCard:
		return fmt.Errorf("stripe %s: %w: %v", op, buycard.Errorf(buycard.EPAYMENT, "%s", se.Msg), err)
	case se.HTTPStatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("stripe %s: %w: %v", op, buycard.Errorf(buycard.EPAYMENT, "The payment provider is busy. Try again in a moment."), err)
	case se.HTTPStatusCode == http.StatusUnauthorized || se.HTTPStatusCode == http.StatusForbidden:
		return fmt.Errorf("stripe %s: credentials refused: %w", op, err)
	case se.Type == stripe.ErrorTypeInvalidRequest || se.Type == stripe.ErrorTypeIdempotency:
		return fmt.Errorf("stripe %s: %w: %v", op, buycard.Errorf(buycard.EINVALID, "Stripe refused the request: %s", se.Msg), err)
	}
	return fmt.Errorf("stripe %s: %w: %v", op, buycard.Errorf(buycard.EPAYMENT, "Stripe refused the request: %s", se.Msg), err)
}
