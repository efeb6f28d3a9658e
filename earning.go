package buycard

import (
	"time"
)

// Where a sale's publisher share stands: pending inside the hold window
// (refunds may still take it back), available once released, paid once a
// payout carried it to the publisher.
const (
	SharePending   = "pending"
	ShareAvailable = "available"
	SharePaid      = "paid"
	// ShareRefunded: refunds or lost disputes took the whole share back.
	ShareRefunded = "refunded"
)

// PublisherSale is one sale a publisher's placement made, as its earnings
// list shows it: what the shopper paid, the share snapshotted on the
// order, and what the publisher earns of it after refunds.
type PublisherSale struct {
	OrderID      string    `json:"order_id"`
	PlacementID  string    `json:"placement_id"`
	ProductTitle string    `json:"product_title"`
	SoldAt       time.Time `json:"sold_at"`
	// Total is the order's total; Share what the publisher earns of it,
	// refunds and lost disputes taken back.
	Total    Money `json:"total"`
	ShareBPS int   `json:"share_bps"`
	Share    Money `json:"share"`
	// Status is SharePending, ShareAvailable, SharePaid or ShareRefunded; PendingUntil is
	// when a pending share is due to become available.
	Status       string     `json:"status"`
	PendingUntil *time.Time `json:"pending_until,omitempty"`
}

// SettleSales sets where each of sales stands, sales being a publisher's,
// newest first, each pending or available as the ledger released it:
// a pending share is due hold after its sale; of the released shares,
// the newest ones that the available balance (per currency) still holds
// are available, and the older ones were paid, for payouts pay the
// balance oldest money first.
func SettleSales(sales []*PublisherSale, available map[string]int64, hold time.Duration) {
	left := make(map[string]int64, len(available))
	for cur, amount := range available {
		left[cur] = amount
	}
	for _, s := range sales {
		if s.Share.Amount <= 0 {
			s.Status = ShareRefunded
			continue
		}
		if s.Status == SharePending {
			until := s.SoldAt.Add(hold)
			s.PendingUntil = &until
			continue
		}
		cur := s.Share.Currency
		if left[cur] <= 0 {
			s.Status = SharePaid
		}
		left[cur] -= s.Share.Amount
	}
}
