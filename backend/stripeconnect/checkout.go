package stripeconnect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

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
// Errors: EPAYMENT (order not pending, Stripe refused; with
// ErrOutcomeUnknown when Stripe may have created the session anyway),
// ECONFLICT (the merchant cannot take charges, or its tax settings do
// not allow them; Stripe is not called), plain errors for an
// inconsistent order or a failed account or settings lookup.
func (p *Provider) CreatePaymentSessionWith(ctx context.Context, o *buycard.Order, opts buycard.PaymentSessionOptions) (*buycard.PaymentSession, error) {
	if o.Status != buycard.OrderPending {
		return nil, buycard.Errorf(buycard.EPAYMENT, "This order cannot be paid.")
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
// checkout.session.completed carries (with the payer, the address and
// the tax the session reports: paidDetails), under the id
// "session_paid:ID" so
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
		paidDetails(&e, s)
	case s.Status == stripe.CheckoutSessionStatusExpired:
		e.ID, e.Type = "session_expired:"+s.ID, buycard.SessionExpired
	default:
		return e, false
	}
	return e, true
}

// checkPrice checks that o's price adds up: a positive quantity, the
// unit price times the quantity as the subtotal in the total's currency,
// a valid price whose charge is the total, and shipping charged only to
// an address. The session charges the price's parts (lineItems,
// setShipping), so an order whose parts did not add up would be charged
// another amount than its total. Errors: plain (an inconsistent order is a bug, not the
// shopper's input).
func checkPrice(o *buycard.Order) error {
	if o.Quantity <= 0 || o.UnitPrice.Currency != o.Total.Currency || o.UnitPrice.Amount*int64(o.Quantity) != o.Subtotal ||
		o.OrderPrice.Validate(o.Total.Currency) != nil || o.Charge() != o.Total.Amount || o.Shipping != 0 && o.ShipTo == nil {
		return fmt.Errorf("stripe create checkout session: order %s: its price does not add up to its total", o.ID)
	}
	return nil
}

// usesStripeTax reports whether Stripe Tax computes o's tax: when the
// merchant's tax mode is stripe. The order then has no tax of its own
// (the checkout leaves it to Stripe), and its prices exclude tax: Stripe
// Tax adds the tax to the total, and the application fee, computed on
// the goods when the session is created, stays right. With prices that
// include tax, Stripe would take the tax out of the goods the fee was
// computed on (the settings refuse that; older ones may hold it). An
// order with tax of its own was priced before the merchant turned Stripe
// Tax on: Stripe would tax it twice. Errors: ECONFLICT.
func usesStripeTax(o *buycard.Order, s *buycard.MerchantSettings) (bool, error) {
	switch {
	case s.TaxMode != buycard.TaxStripe:
		return false, nil
	case s.PricesIncludeTax:
		return false, buycard.Errorf(buycard.ECONFLICT, "This merchant's tax settings do not allow card payments: Stripe Tax needs prices without tax.")
	case o.Tax != 0:
		return false, buycard.Errorf(buycard.ECONFLICT, "The merchant's tax settings changed. Start the checkout again.")
	}
	return true, nil
}

// sessionParams builds the session request for o. Every field comes from
// the order, the merchant's settings, the options or the configuration,
// so retries send identical parameters; a merchant who edits its
// settings between two attempts for one order gets the second refused
// by Stripe's idempotency layer (EPAYMENT), and the shopper starts over.
func (p *Provider) sessionParams(ctx context.Context, o *buycard.Order, opts buycard.PaymentSessionOptions) (*stripe.CheckoutSessionParams, error) {
	if err := checkPrice(o); err != nil {
		return nil, err
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
	settings, err := p.merchantSettings(ctx, o.MerchantID)
	if err != nil {
		return nil, fmt.Errorf("stripe create checkout session: merchant settings: %w", err)
	}
	stripeTax, err := usesStripeTax(o, settings)
	if err != nil {
		return nil, err
	}

	meta := orderMetadata(o)
	params := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(o.ID),
		ExpiresAt:         stripe.Int64(SessionExpiry(o, p.cfg.Now()).Unix()),
		LineItems:         lineItems(o, stripeTax),
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{
			OnBehalfOf:   stripe.String(account),
			TransferData: &stripe.CheckoutSessionPaymentIntentDataTransferDataParams{Destination: stripe.String(account)},
			// On the payment too, so refunds and disputes, which carry
			// the payment intent rather than the session, lead back to
			// the order.
			Metadata: meta,
		},
		CustomText: customText(o, settings, cmp.Or(opts.Lang, "en")),
		Metadata:   meta,
	}
	if fee := c.Platform + c.Publisher; fee > 0 {
		params.PaymentIntentData.ApplicationFeeAmount = stripe.Int64(fee)
	}
	if locale := cmp.Or(CheckoutLocale(opts.Lang), p.cfg.Locale); locale != "" {
		params.Locale = stripe.String(locale)
	}
	setBuyer(params, o, settings)
	setShipping(params, o, stripeTax)
	if stripeTax {
		params.AutomaticTax = &stripe.CheckoutSessionAutomaticTaxParams{Enabled: stripe.Bool(true)}
	}
	setUIMode(params, o.ID, ReturnURL(p.cfg.BaseURL, opts), opts.Hosted)
	return params, nil
}

// merchantSettings returns the merchant's settings, or new ones without a
// lookup (Config.MerchantSettings).
func (p *Provider) merchantSettings(ctx context.Context, merchantID string) (*buycard.MerchantSettings, error) {
	if p.cfg.MerchantSettings == nil {
		return buycard.NewMerchantSettings(merchantID), nil
	}
	return p.cfg.MerchantSettings(ctx, merchantID)
}

// sessionText is the text Buycard itself writes on Checkout pages, in
// English (Stripe translates its own text, not these).
var sessionText = struct {
	tax, shipping, soldBy, support, refunds, shipsTo, taxIncluded string
}{
	tax:         "Tax",
	shipping:    "Shipping",
	soldBy:      "Sold by %s",
	support:     "Questions about your order: %s",
	refunds:     "Refund policy: %s",
	shipsTo:     "This order ships to %s, as priced at checkout.",
	taxIncluded: "Prices include %s of tax",
}

// maxCustomText is the length of Checkout's custom_text messages (API
// version 2023-10-16; stripe-mock does not check it). Product names (up
// to 5000) and shipping rate names (100) are within Stripe's limits by
// their own.
const maxCustomText = 1200

// lineItems are what the session charges besides shipping: the goods
// after the discount and, when Buycard's rates taxed the order on top of
// its prices, the tax as a line of its own, so that the items and the
// shipping option add up to the order's total exactly (Stripe Tax, when
// it computes the tax, adds its own). A discount that does not divide
// among the units (3 units, 14.99 off) makes the goods one line, "Mug ×
// 3", at the discounted amount: Stripe has no line discount, and units at
// unequal prices would puzzle the shopper. A discounted line says how it
// was made up ("3 × $19.99 − $15.00 (SPRING25)"); with Stripe Tax its
// prices exclude tax.
func lineItems(o *buycard.Order, stripeTax bool) []*stripe.CheckoutSessionLineItemParams {
	currency := strings.ToLower(o.Total.Currency)
	name := o.ProductTitle
	if o.VariantName != "" {
		name += " — " + o.VariantName
	}
	goods, qty := o.Subtotal-o.Discount, int64(o.Quantity)
	unit := goods / qty
	if goods%(qty*buycard.MinorUnitStep(o.Total.Currency)) != 0 {
		unit, qty, name = goods, 1, fmt.Sprintf("%s × %d", name, o.Quantity)
	}
	item := &stripe.CheckoutSessionLineItemParams{
		PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
			Currency:    stripe.String(currency),
			UnitAmount:  stripe.Int64(unit),
			ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(name)},
		},
		Quantity: stripe.Int64(qty),
	}
	if o.Discount != 0 {
		item.PriceData.ProductData.Description = stripe.String(discountText(o))
	}
	if stripeTax {
		item.PriceData.TaxBehavior = stripe.String(string(stripe.PriceTaxBehaviorExclusive))
	}
	items := []*stripe.CheckoutSessionLineItemParams{item}
	if o.Tax != 0 && !o.TaxInclusive {
		items = append(items, &stripe.CheckoutSessionLineItemParams{
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(currency),
				UnitAmount:  stripe.Int64(o.Tax),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(sessionText.tax)},
			},
			Quantity: stripe.Int64(1),
		})
	}
	return items
}

// discountText says how o's discounted goods are made up: "3 × $19.99 −
// $15.00 (SPRING25)".
func discountText(o *buycard.Order) string {
	off := buycard.Money{Amount: o.Discount, Currency: o.Total.Currency}
	text := fmt.Sprintf("%d × %s − %s", o.Quantity, o.UnitPrice.Format("en"), off.Format("en"))
	if o.DiscountCode != "" {
		text += " (" + o.DiscountCode + ")"
	}
	return text
}

// setBuyer gives Checkout the buyer's email (customer_email), which
// Checkout shows and the receipt goes to, and creates no Customer
// (customer_creation if_required): the customer_details of the completed
// session say who paid, and a Customer would keep the shopper's personal
// data on the platform's Stripe account, out of reach of Buycard's
// erasure. Checkout asks for a phone number when the merchant wants one
// and the order has none.
func setBuyer(params *stripe.CheckoutSessionParams, o *buycard.Order, s *buycard.MerchantSettings) {
	params.CustomerCreation = stripe.String(string(stripe.CheckoutSessionCustomerCreationIfRequired))
	if o.Buyer == nil {
		return
	}
	params.CustomerEmail = stripe.String(o.Buyer.Email)
	if s.AskPhone && o.Buyer.Phone == "" {
		params.PhoneNumberCollection = &stripe.CheckoutSessionPhoneNumberCollectionParams{Enabled: stripe.Bool(true)}
	}
}

// setShipping makes Checkout of a physical order (one with an address)
// collect the address in the country its shipping and tax were priced
// for, and charge the shipping option the shopper chose, as the only one
// (shipping_rate_data: its name and amount, zero when free).
func setShipping(params *stripe.CheckoutSessionParams, o *buycard.Order, stripeTax bool) {
	if o.ShipTo == nil {
		return
	}
	params.ShippingAddressCollection = &stripe.CheckoutSessionShippingAddressCollectionParams{
		AllowedCountries: stripe.StringSlice([]string{o.ShipTo.Country}),
	}
	rate := &stripe.CheckoutSessionShippingOptionShippingRateDataParams{
		Type:        stripe.String(string(stripe.ShippingRateTypeFixedAmount)),
		DisplayName: stripe.String(cmp.Or(o.ShippingRateName, sessionText.shipping)),
		FixedAmount: &stripe.CheckoutSessionShippingOptionShippingRateDataFixedAmountParams{
			Amount:   stripe.Int64(o.Shipping),
			Currency: stripe.String(strings.ToLower(o.Total.Currency)),
		},
	}
	if stripeTax {
		rate.TaxBehavior = stripe.String(string(stripe.ShippingRateTaxBehaviorExclusive))
	}
	params.ShippingOptions = []*stripe.CheckoutSessionShippingOptionParams{{ShippingRateData: rate}}
}

// customText shows the merchant on the Checkout page: its business name
// and support email by the pay button, the tax its prices include, its
// refund policy below the button (clipped to what Checkout shows), and
// for a physical order where it ships. Amounts are formatted for lang.
// Nil when there is nothing to say.
func customText(o *buycard.Order, s *buycard.MerchantSettings, lang string) *stripe.CheckoutSessionCustomTextParams {
	var submit []string
	if s.BusinessName != "" {
		submit = append(submit, fmt.Sprintf(sessionText.soldBy, s.BusinessName))
	}
	if s.SupportEmail != "" {
		submit = append(submit, fmt.Sprintf(sessionText.support, s.SupportEmail))
	}
	if o.TaxInclusive && o.Tax != 0 {
		submit = append(submit, fmt.Sprintf(sessionText.taxIncluded, buycard.Money{Amount: o.Tax, Currency: o.Total.Currency}.Format(lang)))
	}
	ct := &stripe.CheckoutSessionCustomTextParams{}
	if len(submit) > 0 {
		ct.Submit = &stripe.CheckoutSessionCustomTextSubmitParams{Message: stripe.String(clip(strings.Join(submit, " · "), maxCustomText))}
	}
	if s.RefundPolicy != "" {
		ct.AfterSubmit = &stripe.CheckoutSessionCustomTextAfterSubmitParams{
			Message: stripe.String(clip(fmt.Sprintf(sessionText.refunds, s.RefundPolicy), maxCustomText)),
		}
	}
	if o.ShipTo != nil {
		place := buycard.CountryName(o.ShipTo.Country)
		if o.ShipTo.Region != "" {
			place = o.ShipTo.Region + ", " + place
		}
		ct.ShippingAddress = &stripe.CheckoutSessionCustomTextShippingAddressParams{Message: stripe.String(fmt.Sprintf(sessionText.shipsTo, place))}
	}
	if *ct == (stripe.CheckoutSessionCustomTextParams{}) {
		return nil
	}
	return ct
}

// clip returns s, or its first max−1 characters and "…" when longer.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
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
