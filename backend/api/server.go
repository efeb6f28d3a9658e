// Package api is Buycard's HTTP surface on Fiber: the JSON API under /v1,
// the loader and WASM assets, the go-app checkout pages, the hosted product
// page and the demo publisher page. It depends on the domain's service
// interfaces only; backend/cmd/buycard wires the implementations in.
package api

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/blob"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/limitstore"
	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/embed"
	"github.com/buycard/buycard/ledger"
)

// TestPayments is the shopper-facing side of the sandbox provider: it
// verifies the client secret the overlay holds and turns a test card into
// a payment event. Nil when a real provider is configured.
type TestPayments interface {
	VerifySecret(secret string) (orderID, sessionID string, err error)
	Charge(o *buycard.Order, cardNumber string) (buycard.PaymentEvent, error)
	// Dispute makes the events a processor reports about a dispute.
	Dispute(o *buycard.Order, typ buycard.PaymentEventType, disputeID string, amount int64) buycard.PaymentEvent
}

// Config is what the server needs besides its services.
type Config struct {
	// PublicURL is the origin shoppers' browsers reach the server at, with
	// no trailing slash ("http://localhost:8080").
	PublicURL string
	// Production (BUYCARD_ENV=production, served over https) sends HSTS,
	// and lets no plain-http page frame a checkout, not even on
	// localhost (Widget.FrameAncestors).
	Production bool
	// CardTTL is how long card data may be cached by browsers and CDNs.
	CardTTL time.Duration
	// ResponseCacheTTL is how long the server reuses a built public response
	// (card data, product pages) before building it again; 0 disables it.
	// Clients' max-age is shortened by the reuse, so data is never staler
	// than CardTTL.
	ResponseCacheTTL time.Duration
	// TokenTTL is how long a placement token stays valid.
	TokenTTL time.Duration
	// OrderTTL is how long a pending order can be paid: its payment
	// session's lifetime.
	OrderTTL time.Duration
	// HoldTTL is how long a pending order holds its units unless its
	// checkout page renews the hold (hold.go); 0 means DefaultHoldTTL.
	HoldTTL time.Duration
	// PublisherHold is how long a publisher's share stays pending after
	// its sale (the releases' window), which the earnings list tells.
	PublisherHold time.Duration
	// MaxFileBytes caps a digital product's uploaded file
	// (BUYCARD_FILE_MAX_BYTES); 0 means blob.DefaultMaxBytes.
	MaxFileBytes int64
	// PlatformFee is the operator's fee, snapshotted on each new order,
	// until an admin saves another (PUT /v1/admin/settings, admin.go).
	PlatformFee buycard.PlatformFee
	// OperatorKey is the bearer token of the operator API under
	// /v1/ledger; empty turns that API off.
	OperatorKey string
	// StripePublishableKey (pk_…) is set when the payment provider is
	// Stripe: the overlay mounts Stripe's embedded checkout with it, and
	// checkout pages allow Stripe's origins in their CSP.
	StripePublishableKey string
	// CheckoutsPerIP and CheckoutsPerPublisher bound how many checkouts
	// (POST /v1/checkout and the checkout form) one client IP, and the
	// placements of one publisher, may start per CheckoutWindow (default
	// one minute); 0 turns that limit off. See ratelimit.go.
	CheckoutsPerIP        int
	CheckoutsPerPublisher int
	CheckoutWindow        time.Duration
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client, for the per-IP limit. Empty: the peer is the client.
	TrustedProxies []netip.Prefix
	// Accounts (auth.go). SecureCookies (production) names the session
	// cookie __Host-buycard_session and marks it Secure. LiveKeys makes
	// API keys bc_live_… rather than bc_test_…. Zero durations, limits and
	// PasswordParams take the defaults of auth.go and package auth.
	SecureCookies              bool
	LiveKeys                   bool
	SessionIdle, SessionMaxAge time.Duration
	PasswordParams             auth.Params
	// LoginFailures (per account and client network) and
	// LoginFailuresPerIP (per client network, across accounts) are the
	// failed sign-ins that cost no wait; after them each failure doubles
	// the wait (auth.go). A count is forgotten after LoginWindow quiet.
	LoginFailures, LoginFailuresPerIP int
	LoginWindow                       time.Duration
	// MailsPerAddress (per email address) and MailsPerNetwork (per client
	// network, across addresses) are the requests that email an address
	// (sign-ups, password links) that go through at once; after them
	// each waits twice as long as the one before (auth.go).
	MailsPerAddress, MailsPerNetwork int
}

// Services are the implementations the server calls.
type Services struct {
	Catalog    buycard.CatalogService
	Publishers buycard.PublisherService
	Orders     buycard.OrderService
	Ledger     ledger.Books
	Payments   buycard.PaymentProvider
	// Refunds gives money back through the payment provider.
	Refunds Refunds
	// StripeWebhooks applies Stripe's deliveries to /v1/stripe/webhook;
	// nil turns the endpoint off.
	StripeWebhooks StripeWebhooks
	// StripeReturns reads a Checkout Session back when the shopper returns
	// from Stripe's checkout (/checkout/return); nil turns that off.
	StripeReturns StripeReturns
	// StripeOnboarding connects merchants and publishers to Stripe
	// (/v1/connect for the operator, /connect for the user coming back
	// from Stripe); nil turns those off.
	StripeOnboarding StripeOnboarding
	// TestPayments is set only with the sandbox provider.
	TestPayments TestPayments
	Tokens       *buycard.TokenSigner
	Loader       *embed.Loader
	// Wasm is the client app, served under a content-hashed URL.
	Wasm *embed.Asset
	// ConsoleWasm is the console's client app (wasm/console), served
	// under a content-hashed URL; nil turns the console off.
	ConsoleWasm *embed.Asset
	// Static are the files served under /web/, keyed by name ("checkout.css").
	Static map[string]*embed.Asset
	// RateLimits is the storage the nodes share the counts of the
	// checkout limits and sign-in throttles through (Redis); nil keeps
	// them in this node's memory. See ratelimit.go.
	RateLimits fiber.Storage
	Logger     *slog.Logger
	Now        func() time.Time

	// Events ingests the loader's funnel events (POST /v1/events) and
	// Funnels answers funnel queries (GET /v1/analytics/funnel); nil
	// turns each off.
	Events  Events
	Funnels buycard.FunnelService

	// Auth stores users, sessions and API keys; nil turns /v1/auth and
	// /v1/keys off.
	Auth buycard.AuthService

	// Accounts answers a publisher's GET /v1/payment-account, and
	// Transfers its share transfers in GET /v1/payouts; nil turns each
	// off. The publisher routes need Auth.
	Accounts  buycard.AccountService
	Transfers ledger.ShareTransfers

	// Images stores uploaded product images (images.go); nil uses the
	// Catalog when it implements buycard.ImageService.
	Images buycard.ImageService

	// Sellers stores merchants' settings, shipping zones and tax rates
	// (sellers.go); nil uses the Catalog when it implements
	// buycard.SellerService, and turns those routes off when it does not.
	Sellers buycard.SellerService

	// Admin lists merchants' orders and every party for the console, and
	// stores the operator's settings (admin.go, merchant_orders.go); nil
	// turns those routes off and leaves PlatformFee as configured.
	Admin buycard.AdminService

	// Discounts stores discount codes (discount.go); nil uses the Catalog
	// when it implements buycard.DiscountService, else turns the discount
	// routes off.
	Discounts buycard.DiscountService

	// Deliveries stores what digital products deliver (delivery.go); nil
	// uses the Catalog when it implements buycard.DeliveryService, else
	// turns the delivery routes off. Files stores the delivered files'
	// content (backend/blob); nil turns the file routes off.
	Deliveries buycard.DeliveryService
	Files      blob.Store

	// Webhooks stores the parties' webhook endpoints and deliveries
	// (webhooks.go); nil turns /v1/webhooks off.
	Webhooks buycard.WebhookService

	// Queue reports the job queue's health in GET /v1/admin/status; nil
	// leaves it out.
	Queue Queue

	// Reconciliation runs the reconciliation with the payment provider
	// and keeps its runs and alerts (reconciliation.go); nil turns
	// /v1/admin/reconciliation off and never holds payouts.
	Reconciliation Reconciliation

	// Pinned keeps every build of the pinned assets that any node served
	// (pinned.go); nil uses the Catalog when it implements
	// buycard.PinnedAssetService, else serves this node's builds only.
	Pinned buycard.PinnedAssetService

	// Metrics counts every request and serves /metrics to the operator
	// key; nil counts nothing and turns /metrics off.
	Metrics *metrics.Metrics

	// ReadyChecks are the dependencies /readyz reports (ready.go); none
	// is always ready.
	ReadyChecks []ReadyCheck
}

// Queue is the job queue as the admin status reads it.
type Queue interface {
	QueueHealth(ctx context.Context) (jobs.Health, error)
}

// Server is the Fiber app with its dependencies.
type Server struct {
	Config
	Services
	app      *fiber.App
	wasmPath string
	goapp    fiber.Handler // go-app's handler: checkout pages and its resources
	// consolePages is the console's go-app handler (console.go).
	consolePages fiber.Handler
	// responses holds recent card data and product pages.
	responses *responseCache
	// limits holds the counts of every limit and throttle (ratelimit.go).
	limits *limitstore.Store
	// signIns throttles failed sign-ins.
	signIns *auth.SignIns
	// mailings throttles the requests that email an address.
	mailings *auth.Mailings
	// codeGuesses throttles wrong discount codes per client network.
	codeGuesses *auth.Throttle
	// fees is the platform fee new orders take (admin.go).
	fees *platformFees
	// rasters are the PNG twins of the static SVGs (raster.go).
	rasters map[string]*rasterImage
	// pinned holds the recorded builds of pinned assets this node served
	// (pinned.go).
	pinned *pinnedBuilds
}

// New builds the server and its routes.
func New(cfg Config, svc Services) *Server {
	s := &Server{Config: cfg, Services: svc}
	s.Images = serviceOf(s.Images, s.Catalog)
	s.Sellers = serviceOf(s.Sellers, s.Catalog)
	s.Discounts = serviceOf(s.Discounts, s.Catalog)
	s.Deliveries = serviceOf(s.Deliveries, s.Catalog)
	s.Webhooks = serviceOf(s.Webhooks, s.Catalog)
	s.Queue = serviceOf(s.Queue, s.Catalog)
	s.Pinned = serviceOf(s.Pinned, s.Catalog)
	s.PublicURL = strings.TrimRight(s.PublicURL, "/")
	if s.HoldTTL <= 0 {
		s.HoldTTL = DefaultHoldTTL
	}
	s.wasmPath = "/web/app." + svc.Wasm.Hash + ".wasm"
	s.responses = newResponseCache(cfg.ResponseCacheTTL, svc.Now, svc.Metrics)
	s.limits = limitstore.New(svc.RateLimits, svc.Logger, svc.Now)
	s.fees = newPlatformFees(svc.Admin, cfg.PlatformFee, svc.Now, svc.Metrics)
	s.rasters = newRasters(svc.Static)
	s.pinned = newPinnedBuilds(s.Pinned)
	// The request line and headers must fit fasthttp's read buffer (4 KiB
	// by default), or fasthttp answers 431 itself: one card-data request
	// names up to maxCardRefs cards, each up to 89 characters.
	const maxRequestHead = 16 << 10
	s.app = fiber.New(fiber.Config{
		AppName:               "buycard",
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		BodyLimit:             maxRequestBody, // image uploads get more: uploadBodyLimit
		ReadBufferSize:        maxRequestHead,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	// fasthttp's hooks: the body limit of image uploads (images.go), and
	// the requests Fiber answers itself, before any middleware (headers.go).
	server := s.app.Server()
	server.HeaderReceived = s.bodyLimits
	server.Handler = s.answerUnknownMethods(server.Handler)
	server.ErrorHandler = markUnreadable(server.ErrorHandler)
	// compress skips responses that already carry a Content-Encoding (the
	// precompressed assets and cached responses) and bodies too small to
	// gain. What reaches it is built for one request (a checkout, an
	// order, a console list), so it compresses at the fastest level: at
	// brotli's default (4) it took an eighth of a checkout's CPU.
	s.app.Use(s.securityHeaders, recover.New(), requestid.New(), s.logRequests, compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	s.routes()
	return s
}

// serviceOf is a service of Services: set, or else the Catalog when the
// store behind it implements T too (both stores do), or nil, which turns
// the service's routes off.
func serviceOf[T comparable](set T, catalog buycard.CatalogService) T {
	var none T
	if set != none {
		return set
	}
	t, _ := catalog.(T)
	return t
}

// App returns the Fiber app, for app.Test in tests.
func (s *Server) App() *fiber.App { return s.app }

// Serve serves on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.app.Listener(ln)
	if err == http.ErrServerClosed {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for in-flight requests up
// to timeout.
func (s *Server) Shutdown(timeout time.Duration) error {
	return s.app.ShutdownWithTimeout(timeout)
}

func (s *Server) routes() {
	s.app.Get("/healthz", s.getHealth)
	s.app.Get("/readyz", s.getReady)
	if s.Metrics != nil {
		s.app.Get("/metrics", s.requireOperator, adaptor.HTTPHandler(s.Metrics.Handler()))
	}
	s.app.Get("/robots.txt", getRobots)

	v1 := s.app.Group("/v1")
	s.openAPIRoutes(v1)
	v1.Get("/cards", s.getCards)
	v1.Get("/offers/:widget", s.getOffer)
	limits := s.checkoutLimits()
	v1.Post("/checkout", append(slices.Clip(limits), s.postCheckout)...)
	v1.Post("/checkout/quote", s.postCheckoutQuote)
	v1.Post("/sandbox/pay", s.postSandboxPay)
	v1.Get("/orders/:id", s.getOrder)
	v1.Post("/orders/:id/hold", s.postOrderHold)
	v1.Post("/orders/:id/release", s.postOrderRelease)
	v1.Get("/embed/snippet", s.getEmbedSnippet)
	s.ledgerRoutes(v1.Group("/ledger", s.requireOperator))
	s.analyticsRoutes(v1)
	if s.StripeWebhooks != nil {
		v1.Post("/stripe/webhook", s.postStripeWebhook)
	}
	if s.StripeOnboarding != nil {
		s.connectRoutes(v1.Group("/connect", s.requireOperator))
		s.app.Get(connectRefreshPath, s.getConnectRefresh)
		s.app.Get(connectReturnPath, s.getConnectReturn)
	}
	s.authRoutes(v1)
	s.paymentAccountRoutes(v1)
	s.merchantRoutes(v1)
	s.merchantOrderRoutes(v1)
	s.sellerRoutes(v1)
	s.publisherRoutes(v1)
	s.adminRoutes(v1)
	s.discountRoutes(v1)
	s.deliveryRoutes(v1)
	s.webhookRoutes(v1)
	v1.Use(func(c *fiber.Ctx) error {
		return buycard.Errorf(buycard.ENOTFOUND, "No such API endpoint: %s %s.", c.Method(), c.Path())
	})

	s.assetRoutes()
	s.rasterRoutes()
	if len(limits) > 0 {
		// Before pageRoutes' POST /checkout/:widget/details
		// (postDetailsForm), which the limiters pass on to.
		s.app.Post("/checkout/:widget/details", orderingOnly(limits)...)
	}
	s.app.Get("/p/:widget", s.getProductPage)
	s.app.Get("/images/:name", s.getImage)
	s.app.Get("/demo", s.getDemo)
	if s.StripeReturns != nil {
		// Before the checkout pages, whose /checkout/:widget it would match.
		s.app.Get("/checkout/return", s.getStripeReturn)
	}
	s.app.Get(embedPreviewPath, s.getEmbedPreview)
	s.app.Get(embedCardPath+":widget", s.getEmbedCard)
	s.app.Get("/oembed", s.getOEmbed)
	s.feedRoutes()
	s.orderPageRoutes()
	s.pageRoutes()
	s.consoleRoutes()
}

func (s *Server) getHealth(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// logRequests writes one line per request and counts it in the metrics,
// by the route that served it. It logs the path without the query string:
// queries carry tokens. A health probe that passed is logged at debug
// level: a load balancer sends one to each node every second or so.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	s.Metrics.ObserveRequest(c.Route().Path, c.Method(), status, time.Since(start))
	level := slog.LevelInfo
	if status == fiber.StatusOK && (c.Route().Path == "/readyz" || c.Route().Path == "/healthz") {
		level = slog.LevelDebug
	}
	s.Logger.Log(c.UserContext(), level, "request",
		"id", c.Locals(requestid.ConfigDefault.ContextKey),
		"method", c.Method(),
		"path", c.Path(),
		"status", status,
		"duration", time.Since(start).Round(time.Microsecond),
	)
	return nil
}
