package buycard

import (
	"context"
	"time"
)

// The platform's administration (issue 6): what the console shows the
// operator and a merchant about its orders, and the settings the
// operator may change at run time.

// MaxOrderPage bounds one page of a merchant's orders.
const MaxOrderPage = 100

// OrderListQuery selects a page of one merchant's orders, newest first.
type OrderListQuery struct {
	MerchantID string
	Status     OrderStatus // "" for every status
	// Before is the id of the last order of the previous page, "" for
	// the first page; it must be an order of MerchantID.
	Before string
	Limit  int // 1 to MaxOrderPage
}

// Validate checks q. Errors: EINVALID.
func (q OrderListQuery) Validate() error {
	switch q.Status {
	case "", OrderPending, OrderPaid, OrderExpired, OrderCanceled:
	default:
		return Errorf(EINVALID, "status must be pending, paid, expired or canceled.")
	}
	switch {
	case q.MerchantID == "":
		return Errorf(EINVALID, "A merchant is required.")
	case q.Limit < 1 || q.Limit > MaxOrderPage:
		return Errorf(EINVALID, "limit must be a whole number from 1 to %d.", MaxOrderPage)
	}
	return nil
}

// PartySummary is one merchant or publisher as the operator's list shows
// it. Counts are keyed by what they count: merchants have "products",
// "widgets", "orders" and "paid_orders"; publishers "placements",
// "orders" and "paid_orders".
type PartySummary struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// PaymentAccount is the state of its account at the provider: "none"
	// (no account), "onboarding" (not all enabled yet) or "enabled"
	// (charges and payouts).
	PaymentAccount string           `json:"payment_account"`
	Counts         map[string]int64 `json:"counts"`
}

// Payment account states of a PartySummary.
const (
	AccountNone       = "none"
	AccountOnboarding = "onboarding"
	AccountEnabled    = "enabled"
)

// AccountState is the PartySummary state of an account's flags; exists is
// false when the party has none.
func AccountState(exists, charges, payouts bool) string {
	switch {
	case !exists:
		return AccountNone
	case charges && payouts:
		return AccountEnabled
	}
	return AccountOnboarding
}

// PlatformSettings are the operator's settings changed at run time; they
// override the configuration's for new orders.
type PlatformSettings struct {
	PlatformFee PlatformFee `json:"platform_fee"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// JobRun records one run of an operator job ("reconcile").
type JobRun struct {
	Job        string    `json:"job"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	OK         bool      `json:"ok"`
	// Result is what the run did, or its error.
	Result string `json:"result"`
}

// JobReconcile names `buycard reconcile` runs.
const JobReconcile = "reconcile"

// AdminService is what the console reads across parties and the settings
// the operator changes.
type AdminService interface {
	// ListMerchantOrders returns a page of q's orders, newest first (by
	// creation, then id). Errors: EINVALID (q, or a Before that is not an
	// order of the merchant).
	ListMerchantOrders(ctx context.Context, q OrderListQuery) ([]*Order, error)
	// MerchantSummaries and PublisherSummaries list every merchant or
	// publisher, oldest first.
	MerchantSummaries(ctx context.Context) ([]*PartySummary, error)
	PublisherSummaries(ctx context.Context) ([]*PartySummary, error)
	// FindPlatformSettings returns the stored settings. Errors: ENOTFOUND
	// until settings are first saved.
	FindPlatformSettings(ctx context.Context) (*PlatformSettings, error)
	// SavePlatformSettings stores s, replacing what was there. Errors:
	// EINVALID.
	SavePlatformSettings(ctx context.Context, s *PlatformSettings) error
	// RecordJobRun stores a run. Errors: EINVALID.
	RecordJobRun(ctx context.Context, r *JobRun) error
	// LastJobRun returns the latest run of job. Errors: ENOTFOUND.
	LastJobRun(ctx context.Context, job string) (*JobRun, error)
}
