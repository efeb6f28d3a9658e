package api

import (
	"context"
	"crypto/subtle"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/metrics"
	"github.com/buycard/buycard/ledger"
)

// Platform administration (issue 6): every merchant and publisher, the
// platform fee of new orders, and the health of the ledger and of
// reconciliation. For the operator key and for users whose role is admin.

const localsOperator = "buycard.operator"

// adminRoutes registers /v1/admin; none without Admin.
func (s *Server) adminRoutes(v1 fiber.Router) {
	if s.Admin == nil {
		return
	}
	a := v1.Group("/admin", s.operatorOrCaller, s.requireAdmin)
	a.Get("/merchants", s.getAdminMerchants)
	a.Get("/publishers", s.getAdminPublishers)
	a.Get("/settings", s.getAdminSettings)
	a.Put("/settings", s.putAdminSettings)
	a.Get("/status", s.getAdminStatus)
	s.reconciliationRoutes(a)
}

// operatorOrCaller lets the operator key through as the operator, and
// otherwise resolves the caller as authenticate does. Without accounts it
// is requireOperator.
func (s *Server) operatorOrCaller(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if ok && s.OperatorKey != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.OperatorKey)) == 1 {
		c.Locals(localsOperator, true)
		return c.Next()
	}
	if s.Auth == nil {
		return s.requireOperator(c)
	}
	return s.authenticate(c)
}

// isAdmin says whether the request acts for the platform: the operator
// key, or a signed-in admin.
func isAdmin(c *fiber.Ctx) bool {
	if op, _ := c.Locals(localsOperator).(bool); op {
		return true
	}
	who := callerOf(c)
	return who != nil && who.User != nil && who.User.Role == buycard.RoleAdmin
}

// requireAdmin lets through the operator and admins only.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	switch {
	case isAdmin(c):
		return c.Next()
	case callerOf(c) == nil:
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Sign in as an admin or send the operator key.")
	}
	return buycard.Errorf(buycard.EFORBIDDEN, "This needs an admin account.")
}

// getAdminMerchants serves GET /v1/admin/merchants.
func (s *Server) getAdminMerchants(c *fiber.Ctx) error {
	list, err := s.Admin.MerchantSummaries(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"merchants": nonNilList(list)})
}

// getAdminPublishers serves GET /v1/admin/publishers.
func (s *Server) getAdminPublishers(c *fiber.Ctx) error {
	list, err := s.Admin.PublisherSummaries(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"publishers": nonNilList(list)})
}

// settingsRequest is the body of PUT /v1/admin/settings.
type settingsRequest struct {
	PlatformFeeBPS   *int             `json:"platform_fee_bps"`
	PlatformFeeFixed map[string]int64 `json:"platform_fee_fixed"`
}

// settingsReply is the platform fee new orders take, and where it comes
// from: "config" (BUYCARD_PLATFORM_FEE_*) until an admin saves one,
// "saved" after.
type settingsReply struct {
	PlatformFeeBPS   int              `json:"platform_fee_bps"`
	PlatformFeeFixed map[string]int64 `json:"platform_fee_fixed"`
	Source           string           `json:"source"`
	UpdatedAt        *time.Time       `json:"updated_at,omitempty"`
	// RefreshSeconds bounds how long other nodes may keep taking the
	// previous fee after a change.
	RefreshSeconds int `json:"refresh_seconds"`
}

func (s *Server) settingsReply(fee buycard.PlatformFee, saved *buycard.PlatformSettings) settingsReply {
	r := settingsReply{PlatformFeeBPS: fee.BPS, PlatformFeeFixed: fee.Fixed, Source: "config", RefreshSeconds: int(feeRefresh / time.Second)}
	if r.PlatformFeeFixed == nil {
		r.PlatformFeeFixed = map[string]int64{}
	}
	if saved != nil {
		r.Source, r.UpdatedAt = "saved", &saved.UpdatedAt
	}
	return r
}

// getAdminSettings serves GET /v1/admin/settings: the fee as stored, read
// afresh (this node's cache is refreshed with it).
func (s *Server) getAdminSettings(c *fiber.Ctx) error {
	s.fees.invalidate()
	fee, saved, err := s.fees.load(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(s.settingsReply(fee, saved))
}

// putAdminSettings serves PUT /v1/admin/settings: the platform fee of new
// orders from now on. Orders already created keep theirs.
func (s *Server) putAdminSettings(c *fiber.Ctx) error {
	var req settingsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.PlatformFeeBPS == nil {
		return buycard.Errorf(buycard.EINVALID, "platform_fee_bps is required.")
	}
	set, err := s.savePlatformFee(c, buycard.PlatformFee{BPS: *req.PlatformFeeBPS, Fixed: req.PlatformFeeFixed})
	if err != nil {
		return err
	}
	return c.JSON(s.settingsReply(set.PlatformFee, set))
}

// savePlatformFee checks and saves the fee of new orders; the console's
// platform fee form runs it too.
func (s *Server) savePlatformFee(c *fiber.Ctx, fee buycard.PlatformFee) (*buycard.PlatformSettings, error) {
	if fee.Fixed == nil {
		fee.Fixed = map[string]int64{}
	}
	if err := fee.Validate(); err != nil {
		return nil, err
	}
	set := &buycard.PlatformSettings{PlatformFee: fee, UpdatedAt: s.Now().UTC()}
	if err := s.Admin.SavePlatformSettings(c.UserContext(), set); err != nil {
		return nil, err
	}
	s.fees.invalidate()
	return set, nil
}

// adminStatus is the health the console shows the operator.
type adminStatus struct {
	LedgerOK bool                `json:"ledger_ok"`
	Ledger   ledger.Verification `json:"ledger"`
	// Reconcile is the last `buycard reconcile` run; null before the
	// first.
	Reconcile *buycard.JobRun `json:"reconcile"`
	// Queue is the job queue's health: emails, webhook deliveries,
	// periodic work. Absent on a server without one.
	Queue *jobs.Health `json:"queue,omitempty"`
	// PayoutsHeld: a reconciliation with the payment provider found
	// differences no admin has cleared yet.
	PayoutsHeld bool `json:"payouts_held"`
}

// getAdminStatus serves GET /v1/admin/status: the ledger check of GET
// /v1/ledger/verify, the last reconciliation run and the job queue.
func (s *Server) getAdminStatus(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v, err := s.Ledger.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	run, err := s.Admin.LastJobRun(ctx, buycard.JobReconcile)
	if err != nil && buycard.ErrorCode(err) != buycard.ENOTFOUND {
		return err
	}
	st := adminStatus{LedgerOK: v.OK(), Ledger: v, Reconcile: run}
	if st.PayoutsHeld, err = s.payoutsHeld(ctx); err != nil {
		return err
	}
	if s.Queue != nil {
		h, err := s.Queue.QueueHealth(ctx)
		if err != nil {
			return err
		}
		st.Queue = &h
	}
	return c.JSON(st)
}

// feeRefresh is how long a node takes the platform fee it read without
// reading it again. A PUT on this node takes effect at once; other nodes
// take at most feeRefresh to follow.
const feeRefresh = 10 * time.Second

// platformFees is the platform fee new orders take: the saved settings,
// else the configured fee, cached for feeRefresh.
type platformFees struct {
	store buycard.AdminService // nil: always def
	def   buycard.PlatformFee
	now   func() time.Time
	// lookups counts the reads of the fee that the cache answered (hits)
	// and those that read the store (misses).
	lookups *metrics.Cache
	mu      sync.Mutex
	fee     buycard.PlatformFee
	readAt  time.Time // zero: read again
}

func newPlatformFees(store buycard.AdminService, def buycard.PlatformFee, now func() time.Time, m *metrics.Metrics) *platformFees {
	return &platformFees{store: store, def: def, now: now, lookups: m.Cache("platform_fee")}
}

// current returns the fee of a new order.
func (f *platformFees) current(ctx context.Context) (buycard.PlatformFee, error) {
	if f.store == nil {
		return f.def, nil
	}
	f.mu.Lock()
	if age := f.now().Sub(f.readAt); !f.readAt.IsZero() && age >= 0 && age < feeRefresh {
		fee := f.fee
		f.mu.Unlock()
		f.lookups.Lookup(true)
		return fee, nil
	}
	f.mu.Unlock()
	f.lookups.Lookup(false)
	fee, _, err := f.load(ctx)
	return fee, err
}

// load reads the settings from the store and caches their fee; saved is
// nil when none were saved.
func (f *platformFees) load(ctx context.Context) (fee buycard.PlatformFee, saved *buycard.PlatformSettings, err error) {
	fee = f.def
	if f.store != nil {
		saved, err = f.store.FindPlatformSettings(ctx)
		switch {
		case buycard.ErrorCode(err) == buycard.ENOTFOUND:
			saved, err = nil, nil
		case err != nil:
			return fee, nil, err
		default:
			fee = saved.PlatformFee
		}
	}
	f.mu.Lock()
	f.fee, f.readAt = fee, f.now()
	f.mu.Unlock()
	return fee, saved, nil
}

// invalidate makes the next order read the fee again.
func (f *platformFees) invalidate() {
	f.mu.Lock()
	f.readAt = time.Time{}
	f.mu.Unlock()
}
