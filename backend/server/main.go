// Package server wires a Buycard node together: configuration, the store,
// the payment provider, the token signer, the assets and the API; it builds
// the money workflows (backend/operations) from its configuration and
// schedules them. Main is what the buycard binary runs and what end-to-end
// tests start on port 0.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"
	fiberredis "github.com/gofiber/storage/redis/v3"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/blob"
	"github.com/buycard/buycard/backend/demo"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/backend/notify"
	"github.com/buycard/buycard/backend/operations"
	"github.com/buycard/buycard/backend/postgres"
	"github.com/buycard/buycard/backend/redisstore"
	"github.com/buycard/buycard/backend/sandbox"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/console"
	"github.com/buycard/buycard/embed"
	"github.com/buycard/buycard/ledger"
	"github.com/buycard/buycard/storefront"
)

// Store is what a node needs of its database: the services, and the
// migrating and closing that Main does. *sqlite.DB and *postgres.DB are
// both one; BUYCARD_DATABASE_URL chooses.
type Store interface {
	buycard.CatalogService
	buycard.PublisherService
	buycard.OrderService
	buycard.AccountService
	buycard.AuthService
	ledger.Books
	ledger.ShareTransfers
	ledger.ProviderBooks
	buycard.ReconciliationService
	buycard.FunnelService
	buycard.AdminService
	buycard.ImageService
	buycard.DiscountService
	buycard.SellerService
	buycard.FulfillmentService
	buycard.DeliveryService
	buycard.ErasureService
	buycard.PinnedAssetService
	// notify.Store: the events and their dispatch into jobs.
	notify.Store
	// Pools reports the database's connection pools, for /metrics.
	Pools() []metrics.Pool
	// SetMetrics has the store count what its commits do (payments,
	// refunds).
	SetMetrics(m *metrics.Metrics)
	// SchemaVersions says where the schema's migrations are, for /readyz.
	SchemaVersions(ctx context.Context) (current, target int64, err error)
	buycard.WebhookService

	// Migrate applies the migrations the database has not seen yet.
	Migrate(ctx context.Context) error
	// Close releases the connections.
	Close() error
	// StartJobs starts working the job queue (package jobs) on this
	// node; stop it before Close.
	StartJobs(ctx context.Context, cfg jobs.Config) (stop func(context.Context) error, err error)
	// QueueHealth reports the state of the job queue.
	QueueHealth(ctx context.Context) (jobs.Health, error)
}

var (
	_ Store = (*sqlite.DB)(nil)
	_ Store = (*postgres.DB)(nil)
)

// Main is one running Buycard node.
type Main struct {
	Config Config
	Logger *slog.Logger

	DB     Store // set by Open
	Server *api.Server
	// Loader is the loader build the node serves; nil (the binary) builds
	// its own buycard.js. Tests set an older build, to deploy over it.
	Loader  *embed.Loader
	sandbox *sandbox.Provider
	// redis holds the counts of the limits the nodes share and the
	// analytics counters when
	// BUYCARD_REDIS_URL is set.
	redis *fiberredis.Storage
	// files stores digital products' files (BUYCARD_BLOB_URL).
	files *blob.Files
	ln    net.Listener
	stop  context.CancelFunc
	done  chan error

	// events rolls up the loader's funnel events; see analytics.go.
	events *analytics.Ingestor
	// workflows are what the periodic jobs run; see workflows.go and
	// jobs.go.
	workflows *operations.Workflows
	// stopJobs stops working the job queue.
	stopJobs func(context.Context) error
	// tokens signs the links of the API and of emails.
	tokens *buycard.TokenSigner
	// metrics are the node's, which the API serves at /metrics and the
	// store, the job queue and the webhooks count in.
	metrics *metrics.Metrics
}

// NewMain returns a Main configured from env.
func NewMain(env func(string) string, logger *slog.Logger) (*Main, error) {
	cfg, err := LoadConfig(env)
	if err != nil {
		return nil, err
	}
	return &Main{Config: cfg, Logger: logger}, nil
}

// Open opens and migrates the database BUYCARD_DATABASE_URL names.
func (m *Main) Open(ctx context.Context) error {
	db, err := m.openStore(ctx)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	m.DB = db
	if err := m.DB.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func (m *Main) openStore(ctx context.Context) (Store, error) {
	kind, err := m.Config.DatabaseKind()
	if err != nil {
		return nil, err
	}
	// Each case returns nil itself on failure: a nil *DB in a Store
	// would not be a nil Store.
	if kind == DatabasePostgres {
		db, err := postgres.Open(ctx, m.Config.DatabaseURL)
		if err != nil {
			return nil, err
		}
		db.ShareNotice = m.Config.ShareNotice
		return db, nil
	}
	path, err := m.Config.SQLitePath()
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(path)
	if err != nil {
		return nil, err
	}
	db.ShareNotice = m.Config.ShareNotice
	return db, nil
}

// SeedDemo seeds the demo data unless it is there already.
func (m *Main) SeedDemo(ctx context.Context) error {
	seeded, err := demo.Seeded(ctx, m.DB)
	if err != nil || seeded {
		return err
	}
	m.Logger.Info("seeding demo data")
	return demo.Seed(ctx, m.DB)
}

// Run opens the store, seeds the demo on first start, listens and serves
// in the background. Use URL for the address and Close to stop.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Open(ctx); err != nil {
		return err
	}
	if !m.Config.NoSeed {
		if err := m.SeedDemo(ctx); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	m.ln = ln
	if m.Config.PublicURL == "" {
		m.Config.PublicURL = fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
	}
	if m.Server, err = m.newServer(); err != nil {
		ln.Close()
		return err
	}
	if err := m.Server.PinAssets(ctx); err != nil {
		ln.Close()
		return fmt.Errorf("record the loader build: %w", err)
	}
	m.workflows = m.Workflows()
	background, stop := context.WithCancel(context.Background())
	m.stop, m.done = stop, make(chan error, 1)
	if err := m.startJobs(background); err != nil {
		stop()
		ln.Close()
		return err
	}
	go m.flushEvents(background, eventFlushEvery)
	go func() { m.done <- m.Server.Serve(ln) }()
	return nil
}

// Addr is the address the server listens on.
func (m *Main) Addr() *net.TCPAddr { return m.ln.Addr().(*net.TCPAddr) }

// Wait blocks until the server stops on its own.
func (m *Main) Wait() error { return <-m.done }

// Close shuts the server down gracefully and closes the store.
func (m *Main) Close() error {
	var errs []error
	if m.stop != nil {
		m.stop()
	}
	if m.Server != nil {
		errs = append(errs, m.Server.Shutdown(10*time.Second))
	}
	if m.stopJobs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, m.stopJobs(ctx))
		cancel()
	}
	errs = append(errs, m.finalFlush())
	if m.redis != nil {
		errs = append(errs, m.redis.Close())
	}
	if m.files != nil {
		errs = append(errs, m.files.Close())
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

func (m *Main) newServer() (*api.Server, error) {
	tokens, err := m.tokenSigner()
	if err != nil {
		return nil, err
	}
	m.tokens = tokens
	if m.Loader == nil {
		if m.Loader, err = embed.NewLoader(storefront.CardCSS); err != nil {
			return nil, fmt.Errorf("build loader: %w", err)
		}
	}
	wasm, err := embed.LoadAsset("application/wasm", filepath.Join(m.Config.WebDir, "app.wasm"))
	if err != nil {
		return nil, fmt.Errorf("load client WASM (run make build): %w", err)
	}
	consoleWasm, err := embed.LoadAsset("application/wasm", filepath.Join(m.Config.WebDir, "console.wasm"))
	if err != nil {
		return nil, fmt.Errorf("load console WASM (run make build): %w", err)
	}
	static := storefront.StaticFiles()
	maps.Copy(static, console.StaticFiles())
	for name, data := range demo.Files() {
		static[name] = data
	}
	operatorKey, err := m.operatorKey()
	if err != nil {
		return nil, err
	}
	rateLimits, err := m.openRedis()
	if err != nil {
		return nil, err
	}
	cfg := api.Config{
		PublicURL:  m.Config.PublicURL,
		Production: m.Config.Production(),
		CardTTL:    60 * time.Second,
		// Card data and product pages are reused for 5 s across shoppers.
		ResponseCacheTTL: 5 * time.Second,
		TokenTTL:         24 * time.Hour,
		OrderTTL:         30 * time.Minute,
		// A checkout holds its units for minutes unless its page, open
		// and in view, renews the hold; never past OrderTTL.
		HoldTTL:       api.DefaultHoldTTL,
		PublisherHold: m.Config.PublisherHold,
		PlatformFee:   m.Config.PlatformFee,
		OperatorKey:   operatorKey,
		// Checkout rate limits, per minute: roomy for shoppers, many
		// behind one NAT included, and tight for a script reserving
		// stock in a loop.
		CheckoutsPerIP:        m.Config.CheckoutsPerIP,
		CheckoutsPerPublisher: m.Config.CheckoutsPerPublisher,
		CheckoutWindow:        time.Minute,
		TrustedProxies:        m.Config.TrustedProxies,
	}
	m.events = analytics.New(tokens, m.DB, m.analyticsOptions())
	svc := api.Services{
		Catalog: m.DB, Publishers: m.DB, Orders: m.DB, Ledger: m.DB, Sellers: m.DB,
		Tokens: tokens, Loader: m.Loader, Wasm: wasm, ConsoleWasm: consoleWasm,
		Static:     api.StaticAssets(static),
		RateLimits: rateLimits,
		Logger:     m.Logger, Now: time.Now,
	}
	svc.Events, svc.Funnels = m.events, m.DB
	svc.Accounts, svc.Transfers = m.DB, m.DB
	// The admin settings' platform fee overrides Config.PlatformFee for
	// new orders once saved (api/admin.go).
	svc.Admin = m.DB
	svc.Discounts, svc.Deliveries, svc.Webhooks, svc.Queue = m.DB, m.DB, m.DB, m.DB
	svc.Pinned = m.DB
	svc.Reconciliation = reconciliation{m.DB, m}
	svc.Metrics = m.newMetrics()
	svc.ReadyChecks = m.readyChecks()
	if svc.Files, err = m.openFiles(); err != nil {
		return nil, err
	}
	cfg.MaxFileBytes = m.Config.FileMaxBytes
	m.accounts(&cfg, &svc)
	if err := m.payments(&cfg, &svc); err != nil {
		return nil, err
	}
	return api.New(cfg, svc), nil
}

// newMetrics makes the node's metrics: the store counts its payments in
// them, and each scrape reads its pools, the job queue and the beacons'
// counts.
func (m *Main) newMetrics() *metrics.Metrics {
	m.metrics = metrics.New()
	m.DB.SetMetrics(m.metrics)
	m.metrics.WatchPools(m.DB.Pools)
	m.metrics.WatchQueue(m.DB.QueueHealth)
	m.metrics.WatchBeacons(m.events.Stats)
	m.metrics.WatchReconciliation(m.reconciliationState)
	return m.metrics
}

// openFiles opens the storage of delivered files: BUYCARD_BLOB_URL, or
// a files directory beside the database.
func (m *Main) openFiles() (blob.Store, error) {
	if m.files != nil {
		return m.files, nil
	}
	var err error
	if m.Config.BlobURL != "" {
		m.files, err = blob.OpenURL(context.Background(), m.Config.BlobURL, m.Config.FileMaxBytes)
	} else {
		m.files, err = blob.OpenDir(filepath.Join(filepath.Dir(m.devKeyDir()), "files"), m.Config.FileMaxBytes)
	}
	if err != nil {
		return nil, fmt.Errorf("BUYCARD_BLOB_URL: %w", err)
	}
	return m.files, nil
}

// openRedis opens BUYCARD_REDIS_URL for the counts of the rate limits and
// sign-in throttles the nodes share, or returns nil (each node counts in
// its memory) when it is unset. It does not connect: an unreachable Redis
// is not fatal, and the API logs it once when a limit first needs it
// (backend/limitstore).
func (m *Main) openRedis() (fiber.Storage, error) {
	if m.Config.RedisURL == "" {
		return nil, nil
	}
	store, err := redisstore.Open(m.Config.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("BUYCARD_REDIS_URL: %w", err)
	}
	m.redis = store
	return store, nil
}

// devKeyDir is the database path development keys are kept beside: the
// SQLite database, or where the default one would be for PostgreSQL.
func (m *Main) devKeyDir() string {
	if path, err := m.Config.SQLitePath(); err == nil {
		return path
	}
	return defaultSQLitePath
}

// operatorKey is BUYCARD_OPERATOR_KEY; in development, when unset, a key
// kept in data/operator.key; in production, "" (the operator API is off).
func (m *Main) operatorKey() (string, error) {
	if m.Config.OperatorKey != "" || m.Config.Production() {
		return m.Config.OperatorKey, nil
	}
	key, err := DevKey(filepath.Dir(m.devKeyDir()), "operator.key")
	if err != nil {
		return "", fmt.Errorf("development operator key: %w", err)
	}
	return key, nil
}

// tokenSigner builds the signer from BUYCARD_SECRET (in development, a
// secret kept beside the SQLite database, or where the default one would
// be for PostgreSQL) and any previous secrets.
func (m *Main) tokenSigner() (*buycard.TokenSigner, error) {
	if m.Config.Secret == "" {
		s, err := DevSecret(m.devKeyDir())
		if err != nil {
			return nil, fmt.Errorf("development secret: %w", err)
		}
		m.Config.Secret = s
	}
	keys := map[string][]byte{keyID(m.Config.Secret): []byte(m.Config.Secret)}
	for _, s := range m.Config.PreviousSecrets {
		keys[keyID(s)] = []byte(s)
	}
	return buycard.NewTokenSigner(keyID(m.Config.Secret), keys)
}
