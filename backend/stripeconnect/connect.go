package stripeconnect

import (
	"context"
	"fmt"
	"strings"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
)

// maxIdempotencyKey is Stripe's limit on Idempotency-Key.
const maxIdempotencyKey = 255

func checkKey(key string) error {
	if key == "" || len(key) > maxIdempotencyKey {
		return buycard.Errorf(buycard.EINVALID, "An idempotency key of 1 to %d characters is required.", maxIdempotencyKey)
	}
	return nil
}

// Refund refunds amount (minor units, > 0) of a payment, named by its
// payment intent (pi_…) or charge (ch_…, py_…) id. The application fee is
// refunded in proportion and the transfer to the merchant reversed
// (refund_application_fee, reverse_transfer), so the merchant, the
// platform and the pending publisher share each give back their part.
// The same idempotencyKey returns the same refund.
//
// Errors: EINVALID (bad arguments, or Stripe refused: more than is left,
// unknown payment), EPAYMENT (Stripe failed; with ErrOutcomeUnknown when
// the refund may exist).
func (p *Provider) Refund(ctx context.Context, payment string, amount int64, idempotencyKey string) (*stripe.Refund, error) {
	if err := checkKey(idempotencyKey); err != nil {
		return nil, err
	}
	if amount <= 0 {
		return nil, buycard.Errorf(buycard.EINVALID, "The refund amount must be positive.")
	}
	params := &stripe.RefundParams{
		Amount:               stripe.Int64(amount),
		RefundApplicationFee: stripe.Bool(true),
		ReverseTransfer:      stripe.Bool(true),
	}
	switch {
	case strings.HasPrefix(payment, "pi_"):
		params.PaymentIntent = stripe.String(payment)
	case strings.HasPrefix(payment, "ch_") || strings.HasPrefix(payment, "py_"):
		params.Charge = stripe.String(payment)
	default:
		return nil, buycard.Errorf(buycard.EINVALID, "Name the payment to refund by its payment intent or charge id.")
	}
	params.SetIdempotencyKey(idempotencyKey)
	var r *stripe.Refund
	err := p.call(ctx, "create refund", func(ctx context.Context) (err error) {
		params.Context = ctx
		r, err = p.api.refunds.New(params)
		return err
	})
	return r, err
}

// ChargeRefunds lists every refund of a charge. A 2023-10-16
// charge.refunded event does not carry them (see KindRefundLookup).
// Errors: EINVALID (unknown charge), EPAYMENT.
func (p *Provider) ChargeRefunds(ctx context.Context, chargeID string) ([]*stripe.Refund, error) {
	if chargeID == "" {
		return nil, buycard.Errorf(buycard.EINVALID, "A charge id is required.")
	}
	var refunds []*stripe.Refund
	err := p.call(ctx, "list refunds", func(ctx context.Context) (err error) {
		params := &stripe.RefundListParams{Charge: stripe.String(chargeID)}
		params.Context = ctx
		params.Limit = stripe.Int64(100)
		refunds, err = p.api.listRefunds(params)
		return err
	})
	return refunds, err
}

// CreateExpressAccount creates a Connect Express account for a merchant
// or publisher, requesting the card_payments and transfers capabilities
// that destination charges on its behalf and transfers to it need.
// country is ISO 3166-1 alpha-2 ("US"). Use a key derived from the party
// (for example "buycard-account-" + merchant id) so a retry cannot create
// a second account.
//
// Errors: EINVALID, EPAYMENT (with ErrOutcomeUnknown when the account may
// exist).
func (p *Provider) CreateExpressAccount(ctx context.Context, email, country, idempotencyKey string) (*stripe.Account, error) {
	if err := checkKey(idempotencyKey); err != nil {
		return nil, err
	}
	if len(country) != 2 {
		return nil, buycard.Errorf(buycard.EINVALID, "Choose a country.")
	}
	params := &stripe.AccountParams{
		Type:    stripe.String(string(stripe.AccountTypeExpress)),
		Country: stripe.String(strings.ToUpper(country)),
		Capabilities: &stripe.AccountCapabilitiesParams{
			CardPayments: &stripe.AccountCapabilitiesCardPaymentsParams{Requested: stripe.Bool(true)},
			Transfers:    &stripe.AccountCapabilitiesTransfersParams{Requested: stripe.Bool(true)},
		},
	}
	if email != "" {
		params.Email = stripe.String(email)
	}
	params.SetIdempotencyKey(idempotencyKey)
	var a *stripe.Account
	err := p.call(ctx, "create account", func(ctx context.Context) (err error) {
		params.Context = ctx
		a, err = p.api.accounts.New(params)
		return err
	})
	return a, err
}

// AccountLink returns a single-use onboarding link (type
// account_onboarding) for a connected account. Stripe sends the user to
// refreshURL when the link expired or was already used, and to returnURL
// when they leave onboarding (which does not mean it is complete: watch
// account.updated). Links are cheap and short-lived, so each call uses a
// fresh idempotency key, shared by its own retries only.
//
// Errors: EINVALID, EPAYMENT.
func (p *Provider) AccountLink(ctx context.Context, accountID, refreshURL, returnURL string) (*stripe.AccountLink, error) {
	if accountID == "" || refreshURL == "" || returnURL == "" {
		return nil, buycard.Errorf(buycard.EINVALID, "An account link needs an account, a refresh URL and a return URL.")
	}
	params := &stripe.AccountLinkParams{
		Account:    stripe.String(accountID),
		RefreshURL: stripe.String(refreshURL),
		ReturnURL:  stripe.String(returnURL),
		Type:       stripe.String(string(stripe.AccountLinkTypeAccountOnboarding)),
	}
	params.SetIdempotencyKey("buycard-account-link-" + stripe.NewIdempotencyKey())
	var l *stripe.AccountLink
	err := p.call(ctx, "create account link", func(ctx context.Context) (err error) {
		params.Context = ctx
		l, err = p.api.accountLinks.New(params)
		return err
	})
	return l, err
}

// RefundOrder refunds amount of a paid order at Stripe, giving back the
// application fee in proportion and reversing the share transferred, and
// returns the refund as the event charge.refunded leads to (same id: the
// refund's), so that this reply and the webhook apply it once. The Stripe
// idempotency key is derived from the order and idempotencyKey. Errors:
// ECONFLICT (no payment recorded on the order), as Refund's.
func (p *Provider) RefundOrder(ctx context.Context, o *buycard.Order, amount int64, idempotencyKey string) (buycard.PaymentEvent, error) {
	if o.ProviderPaymentID == "" {
		return buycard.PaymentEvent{}, buycard.Errorf(buycard.ECONFLICT, "This order has no recorded Stripe payment to refund.")
	}
	r, err := p.Refund(ctx, o.ProviderPaymentID, amount, "buycard-refund-"+o.ID+"-"+idempotencyKey)
	if err != nil {
		return buycard.PaymentEvent{}, err
	}
	events := RefundEvents(Translation{OccurredAt: p.cfg.Now().UTC(), PaymentIntentID: o.ProviderPaymentID}, []*stripe.Refund{r})
	if len(events) != 1 {
		return buycard.PaymentEvent{}, fmt.Errorf("stripe refund %s of %s: status %q", r.ID, o.ID, r.Status)
	}
	return events[0], nil
}
