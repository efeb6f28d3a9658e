package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/storefront"
)

// checkoutRequest is the body of POST /v1/checkout and of POST
// /v1/checkout/quote (storefront.CheckoutRequest, which the checkout
// sends): what the shopper chose and entered. It carries no amount: the
// store prices the order.
type checkoutRequest struct {
	storefront.CheckoutRequest
	// hosted asks for the provider's own payment page (the popup
	// checkout); the JSON API always opens an embedded session.
	hosted bool
	// network is the client's network (Server.clientIP), which holds the
	// units within its cap.
	network string
}

// sessionOptions are the provider options req asks for.
func (req checkoutRequest) sessionOptions() buycard.PaymentSessionOptions {
	opts := buycard.PaymentSessionOptions{Hosted: req.hosted}
	if storefront.ValidOrigin(req.Origin) {
		opts.Origin = req.Origin
	}
	if langPattern.MatchString(req.Lang) {
		opts.Lang = req.Lang
	}
	return opts
}

type paymentJSON struct {
	Provider     string `json:"provider"`
	SessionID    string `json:"session_id"`
	ClientSecret string `json:"client_secret"`
	// PublishableKey is Stripe's pk_… when the provider is Stripe: with the
	// client secret it mounts the embedded checkout.
	PublishableKey string `json:"publishable_key,omitempty"`
	// URL is the provider's hosted payment page (the popup checkout only).
	URL string `json:"url,omitempty"`
}

type checkoutResponse struct {
	Order      *buycard.Order `json:"order"`
	OrderToken string         `json:"order_token"`
	Payment    paymentJSON    `json:"payment"`
}

// postCheckout turns a placement token, a variant and a quantity into a
// pending order with reserved stock and an open payment session.
func (s *Server) postCheckout(c *fiber.Ctx) error {
	var req checkoutRequest
	// Into the embedded request, so errors name its fields as JSON does.
	if err := decodeJSON(c, &req.CheckoutRequest); err != nil {
		return err
	}
	req.network = s.clientIP(c)
	resp, err := guardCode(s, c, req, s.createCheckout)
	if err != nil {
		return storefront.LocalizeError(err, req.Lang)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(resp)
}

// postCheckoutQuote serves POST /v1/checkout/quote: the price of the
// checkout the body describes (a checkout request, whose buyer is
// optional), with the shipping options for its address. It writes and
// holds nothing; a code refused counts as a guess (guardCode).
func (s *Server) postCheckoutQuote(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	var req checkoutRequest
	// Into the embedded request, so errors name its fields as JSON does.
	if err := decodeJSON(c, &req.CheckoutRequest); err != nil {
		return err
	}
	quote, err := guardCode(s, c, req, s.quoteCheckout)
	if err != nil {
		return storefront.LocalizeError(err, req.Lang)
	}
	return c.JSON(quote)
}

// quoteCheckout prices req as startCheckout would create its order. POST
// /v1/checkout/quote and the checkout's details form both call it.
func (s *Server) quoteCheckout(ctx context.Context, req checkoutRequest) (*storefront.Quote, error) {
	n, err := s.newOrder(req, s.Now())
	if err != nil {
		return nil, err
	}
	q, err := s.Orders.QuoteOrder(ctx, n)
	if err != nil {
		return nil, err
	}
	opts := q.ShippingOptions
	if opts == nil {
		opts = []buycard.ShippingOption{}
	}
	return &storefront.Quote{Price: storefront.QuotedPrice{OrderPrice: q.Price, Total: q.Total()}, ShippingOptions: opts,
		ShippingRateID: q.ShippingRateID}, nil
}

// errNoBuyer refuses a checkout without the buyer's email.
var errNoBuyer = buycard.Errorf(buycard.EINVALID, "Enter your email address.")

// newOrder is the order req asks for at now, its placement token
// verified.
func (s *Server) newOrder(req checkoutRequest, now time.Time) (buycard.NewOrder, error) {
	claims, err := s.Tokens.VerifyPlacement(req.Token, now)
	return buycard.NewOrder{
		Claims:         claims,
		VariantID:      req.VariantID,
		Quantity:       req.Quantity,
		Now:            now,
		ExpiresAt:      now.Add(s.OrderTTL),
		HeldUntil:      now.Add(s.HoldTTL),
		ClientNetwork:  req.network,
		Buyer:          req.Buyer,
		ShipTo:         req.ShipTo,
		ShippingRateID: req.ShippingRateID,
		DiscountCode:   req.DiscountCode,
		Sandbox:        s.TestPayments != nil,
		Lang:           storefront.Language(req.Lang),
	}, err
}

// startCheckout verifies the placement token, creates the order, which
// holds its units for HoldTTL and takes a use of its code, and opens its
// payment session. The price comes from the store; the client never sends
// an amount. POST /v1/checkout and the checkout form both call it.
func (s *Server) startCheckout(ctx context.Context, req checkoutRequest) (*checkoutResponse, error) {
	now := s.Now()
	n, err := s.newOrder(req, now)
	if err != nil {
		return nil, err
	}
	if req.Buyer == nil || req.Buyer.Email == "" {
		return nil, errNoBuyer
	}
	if n.PlatformFee, err = s.fees.current(ctx); err != nil {
		return nil, err
	}
	order, session, err := s.createOrderWithSession(ctx, n, req.sessionOptions())
	if err != nil {
		return nil, err
	}
	return &checkoutResponse{
		Order:      order,
		OrderToken: s.Tokens.SignOrder(buycard.OrderClaims{OrderID: order.ID, ExpiresAt: now.Add(s.OrderTTL + time.Hour)}),
		Payment: paymentJSON{
			Provider: s.Payments.Name(), SessionID: session.ID, ClientSecret: session.ClientSecret,
			PublishableKey: s.StripePublishableKey, URL: session.URL,
		},
	}, nil
}

// createCheckout is startCheckout counted in the metrics: created, or
// refused by its error's code. POST /v1/checkout and the checkout form
// call it.
func (s *Server) createCheckout(ctx context.Context, req checkoutRequest) (*checkoutResponse, error) {
	resp, err := s.startCheckout(ctx, req)
	s.Metrics.Checkout(err)
	return resp, err
}

// PaymentSessionOpener is a payment provider that takes session options
// (stripeconnect.Provider): where the shopper returns to, and whether to
// open its hosted payment page. Providers without it (the sandbox) open
// their one kind of session and return nowhere.
type PaymentSessionOpener interface {
	CreatePaymentSessionWith(ctx context.Context, o *buycard.Order, opts buycard.PaymentSessionOptions) (*buycard.PaymentSession, error)
}

// errNoHosted refuses a popup checkout the provider cannot serve.
var errNoHosted = buycard.Errorf(buycard.EPAYMENT, "This shop cannot take payments in a separate window. Use the checkout on the page instead.")

// createPaymentSession asks the provider for a session with opts when it takes
// options.
func (s *Server) createPaymentSession(ctx context.Context, order *buycard.Order, opts buycard.PaymentSessionOptions) (*buycard.PaymentSession, error) {
	if p, ok := s.Payments.(PaymentSessionOpener); ok {
		return p.CreatePaymentSessionWith(ctx, order, opts)
	}
	if opts.Hosted {
		return nil, errNoHosted
	}
	return s.Payments.CreatePaymentSession(ctx, order)
}

// createOrderWithSession stores the order n asks for with its payment
// session, in one write transaction: the order is priced in a snapshot
// first (PrepareOrder), the provider opens a session for that order, and
// CreateOrder stores both, refusing if the charge changed meanwhile. A
// session the provider refuses leaves nothing behind; a session whose
// order is then refused (sold out, price changed) is never shown to the
// shopper and lapses at the provider.
func (s *Server) createOrderWithSession(ctx context.Context, n buycard.NewOrder, opts buycard.PaymentSessionOptions) (*buycard.Order, *buycard.PaymentSession, error) {
	n.ID = buycard.NewID("ord")
	prepared, err := s.Orders.PrepareOrder(ctx, n)
	if err != nil {
		return nil, nil, err
	}
	session, err := s.createPaymentSession(ctx, prepared, opts)
	if err != nil {
		return nil, nil, err
	}
	n.Session = &buycard.PreparedSession{Provider: s.Payments.Name(), ID: session.ID, Order: prepared}
	order, err := s.Orders.CreateOrder(ctx, n)
	if err != nil {
		return nil, nil, err
	}
	return order, session, nil
}
