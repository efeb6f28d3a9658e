package stripeconnect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// Session lifetimes. Stripe accepts expires_at from 30 minutes to 24
// hours after the session is created.
const (
	MinSessionTTL = 30 * time.Minute
	MaxSessionTTL = 24 * time.Hour
	// sessionSlack keeps expires_at above Stripe's minimum despite the
	// time between creating the order and Stripe receiving the request,
	// and clock skew.
	sessionSlack = 2 * time.Minute
)

// ReturnPath is where Checkout sends the shopper back; Stripe replaces
// {CHECKOUT_SESSION_ID}. ReturnURL adds what the receipt needs.
const ReturnPath = "/checkout/return?session_id={CHECKOUT_SESSION_ID}"

// CheckoutIdempotencyKey is the idempotency key of the session of order
// orderID: a retry after a lost response, or a second node opening the
// same order, gets the same session from Stripe for 24 hours.
func CheckoutIdempotencyKey(orderID string) string { return "buycard-checkout-" + orderID }

// HostedIdempotencyKey is CheckoutIdempotencyKey for a hosted session.
// It differs because Stripe refuses a key reused with other parameters.
func HostedIdempotencyKey(orderID string) string { return "buycard-checkout-hosted-" + orderID }

// ReturnURL is where Checkout sends the shopper once they have paid:
// baseURL + ReturnPath, plus the publisher page's origin (o) and the
// language (lang) so the receipt can tell that page, and for a hosted
// session (a popup) wasm=false, since the popup's pages run without the
// WASM. Empty options are left out.
func ReturnURL(baseURL string, opts buycard.PaymentSessionOptions) string {
	q := url.Values{}
	for k, v := range map[string]string{"o": opts.Origin, "lang": opts.Lang} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if opts.Hosted {
		q.Set("wasm", "false")
	}
	u := strings.TrimRight(baseURL, "/") + ReturnPath
	if len(q) > 0 {
		u += "&" + q.Encode()
	}
	return u
}

// SessionExpiry returns the expires_at CreatePaymentSession asks for: the order's
// ExpiresAt, but at least MinSessionTTL (plus a little slack) and at most
// MaxSessionTTL after the order was created. It depends on the order only,
// because Stripe rejects an idempotency key reused with other parameters:
// any retry, however late, must send the same value.
//
// A Stripe session may therefore outlive the order's stock reservation
// when the order TTL is under about 32 minutes; the caller should let the
// checkout.session.expired event, not its own clock, expire such orders.
func SessionExpiry(o *buycard.Order, now time.Time) time.Time {
	created := o.CreatedAt
	if created.IsZero() {
		created = now
	}
	exp := created.Add(MinSessionTTL + sessionSlack)
	if o.ExpiresAt.After(exp) {
		exp = o.ExpiresAt
	}
	if limit := created.Add(MaxSessionTTL - sessionSlack); exp.After(limit) {
		exp = limit
	}
	return exp.Truncate(time.Second).UTC()
}

// CreatePaymentSession opens an embedded Checkout Session for a pending order:
// CreatePaymentSessionWith without options.
func (p *Provider) CreatePaymentSession(ctx context.Context, o *buycard.Order) (*buycard.PaymentSession, error) {
	return p.CreatePaymentSessionWith(ctx, o, buycard.PaymentSessionOptions{})
}

// CreatePaymentSessionWith opens a Checkout Session for a pending order: a
// destination charge to the merchant's connected account, on behalf of
// it, whose application fee is the platform fee plus the publisher share.
// The session is embedded (its client secret mounts it in the overlay) or,
// with opts.Hosted, Stripe's hosted page (its URL opens in the popup);
// either returns to ReturnURL. The idempotency key is
// CheckoutIdempotencyKey(o.ID), or HostedIdempotencyKey(o.ID), so calling
// again for the same order (after a timeout, or concurrently) returns the
// same session. An order has one session: the options must be the same
// on every call for it.
//
// Errors: EPAYMENT (order not pending or with a discount, shipping or
// tax, Stripe refused; with
// ErrOutcomeUnknown when Stripe may have created the session anyway),
// ECONFLICT (the merchant cannot take charges; Stripe is not called),
// plain errors for an inconsistent order or a failed account lookup.
func (p *Provider) CreatePaymentSessionWith(ctx context.Context, o *buycard.Order, opts buycard.PaymentSessionOptions) (*buycard.PaymentSession, error) {
	if o.Status != buycard.OrderPending {
		return nil, buycard.Errorf(buycard.EPAYMENT, "This order cannot be paid.")
	}
	if err := checkPlainPrice(o); err != nil {
		return nil, err
	}
	params, err := p.sessionParams(ctx, o, opts)
	if err != nil {
		return nil, err
	}
	var s *stripe.CheckoutSession
	err = p.call(ctx, "create checkout session", func(ctx context.Context) error {
		params.Context = ctx
		var err error
		s, err = p.api.sessions.New(params)
		return err
	})
	if err != nil {
		// A refused session is not the shopper's input: say so as a
		// payment error and keep Stripe's details in the chain for logs.
		if buycard.ErrorCode(err) == buycard.EINVALID {
			err = fmt.Errorf("%w: %w", buycard.Errorf(buycard.EPAYMENT, "The payment could not be started. Try again later."), err)
		}
		return nil, err
	}
	if s.ID == "" || !opts.Hosted && s.ClientSecret == "" || opts.Hosted && s.URL == "" {
		return nil, errors.New("stripe create checkout session: response has no id, client secret (embedded) or URL (hosted)")
	}
	return &buycard.PaymentSession{
		ID:           s.ID,
		ClientSecret: s.ClientSecret,
		ExpiresAt:    time.Unix(s.ExpiresAt, 0).UTC(),
		URL:          s.URL,
	}, nil
}

// SessionPayment reads a Checkout Session back from Stripe: for the
// shopper's return from checkout, and for reconciliation. Once the session
// is complete and paid it returns the payment event that
// checkout.session.completed carries, under the id "session_paid:ID" so
// that however often the session is read the event is recorded once
// (applying it to a paid order changes nothing either). ok is false while
// the session is not paid. Errors: as CreatePaymentSession's.
func (p *Provider) SessionPayment(ctx context.Context, sessionID string) (e buycard.PaymentEvent, ok bool, err error) {
	s, err := p.session(ctx, sessionID)
	if err != nil {
		return buycard.PaymentEvent{}, false, err
	}
	e, ok = p.sessionEvent(s)
	return e, ok && e.Type == buycard.PaymentSucceeded, nil
}

// session retrieves a Checkout Session.
func (p *Provider) session(ctx context.Context, id string) (*stripe.CheckoutSession, error) {
	var s *stripe.CheckoutSession
	err := p.call(ctx, "retrieve checkout session", func(ctx context.Context) error {
		params := &stripe.CheckoutSessionParams{}
		params.Context = ctx
		var err error
		s, err = p.api.sessions.Get(id, params)
		return err
	})
	return s, err
}

// expire asks Stripe to expire Checkout Session id.
func (p *Provider) expire(ctx context.Context, id string) (*stripe.CheckoutSession, error) {
	var s *stripe.CheckoutSession
	err := p.call(ctx, "expire checkout session", func(ctx context.Context) error {
		params := &stripe.CheckoutSessionExpireParams{}
		params.Context = ctx
		params.SetIdempotencyKey(ExpireSessionIdempotencyKey(id))
		var err error
		s, err = p.api.sessions.Expire(id, params)
		return err
	})
	return s, err
}

// ExpireSessionIdempotencyKey is the idempotency key of expiring session
// sessionID: a retry gets the first attempt's answer.
func ExpireSessionIdempotencyKey(sessionID string) string { return "buycard-expire-" + sessionID }

// ExpireSession ends the Checkout Session of a pending order before it
// runs out, so that it can no longer be paid: the shopper left the
// checkout (api.SessionExpirer). A session that has expired already is
// fine. Stripe expires only open sessions, so when it refuses, the session
// is read back to tell an expired one from a completed one. Errors:
// ECONFLICT (the session is complete: its payment will pay the order),
// as CreatePaymentSession's (Stripe did not answer: the session may still be
// open).
func (p *Provider) ExpireSession(ctx context.Context, o *buycard.Order) error {
	s, err := p.expire(ctx, o.ProviderSessionID)
	if buycard.ErrorCode(err) == buycard.EINVALID {
		s, err = p.session(ctx, o.ProviderSessionID)
	}
	switch {
	case err != nil:
		return err
	case s.Status != stripe.CheckoutSessionStatusExpired:
		return buycard.Errorf(buycard.ECONFLICT, "This order is being paid: it can no longer be released.")
	}
	return nil
}

// SessionEventsSince lists the Checkout Sessions created since t and
// returns the event each one's state implies: paid ones as SessionPayment
// does, expired ones as SessionExpired under "session_expired:ID". Open
// sessions imply nothing yet. `buycard reconcile` applies them, repairing
// whatever a missed webhook left behind; applying one twice changes
// nothing.
func (p *Provider) SessionEventsSince(ctx context.Context, t time.Time) ([]buycard.PaymentEvent, error) {
	var sessions []*stripe.CheckoutSession
	err := p.call(ctx, "list checkout sessions", func(ctx context.Context) error {
		params := &stripe.CheckoutSessionListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: t.Unix()}}
		params.Context = ctx
		var err error
		sessions, err = p.api.listSessions(params)
		return err
	})
	var events []buycard.PaymentEvent
	for _, s := range sessions {
		if e, ok := p.sessionEvent(s); ok {
			events = append(events, e)
		}
	}
	return events, err
}

// sessionEvent is the payment event a session's state implies, if any.
func (p *Provider) sessionEvent(s *stripe.CheckoutSession) (buycard.PaymentEvent, bool) {
	e := buycard.PaymentEvent{Provider: Name, SessionID: s.ID, OccurredAt: p.cfg.Now().UTC()}
	if s.PaymentIntent != nil {
		e.PaymentID = s.PaymentIntent.ID
	}
	switch {
	case s.Status == stripe.CheckoutSessionStatusComplete && s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid:
		e.ID, e.Type, e.Amount = "session_paid:"+s.ID, buycard.PaymentSucceeded, money(s.AmountTotal, s.Currency)
	case s.Status == stripe.CheckoutSessionStatusExpired:
		e.ID, e.Type = "session_expired:"+s.ID, buycard.SessionExpired
	default:
		return e, false
	}
	return e, true
}

// checkPlainPrice refuses an order with a discount, shipping or tax: the
// session's one line item charges unit price × quantity, so the session
// would charge another amount than the order's total. Discounts
// (discounted line items), shipping (shipping_options with
// shipping_rate_data) and tax (automatic_tax, or tax rates on the items)
// need their own session parameters, which come with the checkout
// steps that collect them; until then such an order is paid in the
// sandbox only. The application fee is already computed on the
// commission base (goods after discount, net of tax), which Stripe Tax
// will not change: tax computed by Stripe after the session is created
// is outside the base. Errors: EPAYMENT.
func checkPlainPrice(o *buycard.Order) error {
	if o.Discount != 0 || o.Shipping != 0 || o.Tax != 0 {
		return buycard.Errorf(buycard.EPAYMENT, "Orders with a discount, shipping or tax cannot be paid by card yet.")
	}
	return nil
}

// sessionParams builds the session request for o. Every field comes from
// the order, the options or the configuration, so retries send identical
// parameters.
func (p *Provider) sessionParams(ctx context.Context, o *buycard.Order, opts buycard.PaymentSessionOptions) (*stripe.CheckoutSessionParams, error) {
	if o.Quantity <= 0 || o.UnitPrice.Currency != o.Total.Currency || o.UnitPrice.Amount*int64(o.Quantity) != o.Total.Amount {
		return nil, fmt.Errorf("stripe create checkout session: order %s: unit price × quantity ≠ total", o.ID)
	}
	c, err := ledger.SaleOf(o, ledger.RatesOf(o)).Commission()
	if err != nil {
		return nil, fmt.Errorf("stripe create checkout session: order %s: commission: %w", o.ID, err)
	}
	account, enabled, err := p.cfg.MerchantAccount(ctx, o.MerchantID)
	if err != nil {
		return nil, fmt.Errorf("stripe create checkout session: merchant account: %w", err)
	}
	if account == "" || !enabled {
		return nil, buycard.Errorf(buycard.ECONFLICT, "This merchant cannot take payments right now.")
	}

	name := o.ProductTitle
	if o.VariantName != "" {
		name += " — " + o.VariantName
	}
	meta := orderMetadata(o)
	params := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(o.ID),
		ExpiresAt:         stripe.Int64(SessionExpiry(o, p.cfg.Now()).Unix()),
		LineItems: []*stripe.CheckoutSessionLineItemParams{{
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(o.UnitPrice.Currency)),
				UnitAmount:  stripe.Int64(o.UnitPrice.Amount),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(name)},
			},
			Quantity: stripe.Int64(int64(o.Quantity)),
		}},
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{
			OnBehalfOf:   stripe.String(account),
			TransferData: &stripe.CheckoutSessionPaymentIntentDataTransferDataParams{Destination: stripe.String(account)},
			// On the payment too, so refunds and disputes, which carry
			// the payment intent rather than the session, lead back to
			// the order.
			Metadata: meta,
		},
		Metadata: meta,
	}
	if fee := c.Platform + c.Publisher; fee > 0 {
		params.PaymentIntentData.ApplicationFeeAmount = stripe.Int64(fee)
	}
	if locale := cmp.Or(CheckoutLocale(opts.Lang), p.cfg.Locale); locale != "" {
		params.Locale = stripe.String(locale)
	}
	setUIMode(params, o.ID, ReturnURL(p.cfg.BaseURL, opts), opts.Hosted)
	return params, nil
}

// checkoutLocales are the languages Checkout pages come in (API version
// 2023-10-16), besides "auto"; the stripe-mock contract test sends each.
var checkoutLocales = strings.Fields(`bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hr hu id it ja ko lt lv
	ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW`)

// CheckoutLocale returns the Checkout locale for the shopper's language,
// the widget's or the page's BCP 47 tag ("fr-CA" → "fr-CA", "fr-BE" →
// "fr"), or "" when Checkout has none: the provider's default applies.
func CheckoutLocale(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	var fallback string
	for _, l := range checkoutLocales {
		switch {
		case strings.EqualFold(l, lang):
			return l
		case strings.EqualFold(l, base):
			fallback = l
		}
	}
	return fallback
}

// setUIMode makes params an embedded session returning to returnURL, or a
// hosted one succeeding to it, with the idempotency key of that kind. A
// hosted session has no cancel_url, so Stripe shows no back button: the
// shopper closes the popup instead, and the order expires with the
// session (checkout.session.expired).
func setUIMode(params *stripe.CheckoutSessionParams, orderID, returnURL string, hosted bool) {
	if hosted {
		params.UIMode = stripe.String(string(stripe.CheckoutSessionUIModeHosted))
		params.SuccessURL = stripe.String(returnURL)
		params.SetIdempotencyKey(HostedIdempotencyKey(orderID))
		return
	}
	params.UIMode = stripe.String(string(stripe.CheckoutSessionUIModeEmbedded))
	params.ReturnURL = stripe.String(returnURL)
	params.SetIdempotencyKey(CheckoutIdempotencyKey(orderID))
}

// orderMetadata names the order on Stripe objects. Empty values are left
// out: Stripe treats an empty metadata value as "unset".
func orderMetadata(o *buycard.Order) map[string]string {
	m := map[string]string{"order_id": o.ID}
	for k, v := range map[string]string{"widget_id": o.WidgetID, "publisher_id": o.PublisherID, "placement_id": o.PlacementID} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}
