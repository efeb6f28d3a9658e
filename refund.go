package buycard

import (
	"strings"
	"time"
)

// RefundRequest is a refund asked for through the API under an
// Idempotency-Key. The key is its caller's own: two callers may use the
// same key without meeting, except on one order, where the provider
// derives its own idempotency key from the order and the key, so that
// one order's key names one refund whoever sends it.
type RefundRequest struct {
	Caller  string // who asks: RefundByOperator, or RefundByMerchant(id)
	Key     string // the request's Idempotency-Key
	OrderID string
	Amount  int64 // minor units of the order's currency
}

// RefundByOperator is the Caller of the operator's refunds.
const RefundByOperator = "operator"

// RefundByMerchant is the Caller of a merchant's refunds.
func RefundByMerchant(merchantID string) string { return "merchant:" + merchantID }

// Refund is a refund made for a RefundRequest, with the reply it got: the
// same request sent again gets that reply again, whatever happened to the
// order since.
type Refund struct {
	RefundRequest
	RefundID string // the provider's refund id
	// Order is the order just after the refund, as the reply showed it.
	Order     *Order
	CreatedAt time.Time
}

// CheckSameRequest checks that req asks for what r was made for, as
// Stripe's rule for idempotency keys has it: a key can only be used again
// with the parameters it was first used with. Errors: EINVALID, naming
// what differs.
func (r *Refund) CheckSameRequest(req RefundRequest) error {
	var differ []string
	if req.Caller != r.Caller {
		differ = append(differ, "caller")
	}
	if req.OrderID != r.OrderID {
		differ = append(differ, "order")
	}
	if req.Amount != r.Amount {
		differ = append(differ, "amount")
	}
	if differ == nil {
		return nil
	}
	return Errorf(EINVALID, "This Idempotency-Key was used for another refund (another %s). A key can only be used again with the same parameters: send a new key for a new refund.",
		strings.Join(differ, ", "))
}
