package buycard

import (
	"context"
	"time"
)

// Stock holds. A pending order holds the units it asks for from the
// moment it is created, so that two shoppers never pay for the same last
// unit. A hold is short (minutes; the API's Config.HoldTTL): the checkout
// page renews it while the shopper has it open and in view, and it never
// outlives the payment session (Order.ExpiresAt). A hold ends
//
//   - when the order is paid: the held units are the sale;
//   - when the shopper leaves the checkout (CancelOrder) or the payment
//     session expires: the units go back on sale;
//   - when nobody renewed it in time (LapseHolds, or the next checkout of
//     the variant): the units go back on sale, but the order stays
//     pending, for its payment session may still be paid.
//
// A payment for an order that no longer holds its units takes them again
// when they are left. When others bought them meanwhile, the order is paid
// all the same, for the money was taken, and records the units it could
// not take as Order.Oversold: the merchant restocks or refunds it.
//
// One client network (an IPv4 address, an IPv6 /64) may hold at most
// HoldCap of a variant's units at once, so that a client starting
// checkouts it never pays cannot freeze a limited drop. The cap is per
// variant, which bounds a network's share of a whole product too.

// holdShare is the share of a variant's unsold units one client network
// may hold: one in holdShare.
const holdShare = 5

// HoldCap is the most units of a variant one client network may hold at
// once, when unsold units are either in stock or held by pending orders:
// a fifth of them, rounded up, so that a network can always hold one of
// the last units.
func HoldCap(unsold int) int {
	return (unsold + holdShare - 1) / holdShare
}

// CheckHold checks that o may hold its units of a variant of which stock
// units are left and held are held by pending orders. networkHeld returns
// how many of those o's client network holds; it is called only when the
// cap could bind, for a network holds at most every held unit: a busy
// variant with plenty left is checked without summing anyone's holds. An
// order without a network (tools, tests) is not capped. Errors: ECONFLICT
// (not enough stock, over the network's cap), networkHeld's.
func (o *Order) CheckHold(stock, held int, networkHeld func() (int, error)) error {
	if stock < o.Quantity {
		return OutOfStock(stock)
	}
	limit := HoldCap(stock + held)
	if o.HoldNetwork == "" || held+o.Quantity <= limit {
		return nil
	}
	mine, err := networkHeld()
	switch {
	case err != nil:
		return err
	case mine+o.Quantity <= limit:
		return nil
	case mine == 0:
		return Errorf(ECONFLICT, "One shopper can hold at most %d of these at a time.", limit)
	}
	return Errorf(ECONFLICT, "You already hold %d of these in another checkout, and one shopper can hold at most %d at a time. "+
		"Finish or close that checkout first.", mine, limit)
}

// HoldRenewal asks that a pending order keep holding its units: the
// checkout page sends one now and then while the shopper has it open.
type HoldRenewal struct {
	OrderID string
	// Until is when the hold is to end; the order's ExpiresAt at the
	// latest.
	Until time.Time
	// Now is the time of the request.
	Now time.Time
	// ClientNetwork is the network of the renewing client, which holds the
	// units again when the hold had lapsed.
	ClientNetwork string
}

// HoldService keeps and ends the holds of pending orders (OrderService
// creates them with the order, and CancelOrder ends them).
type HoldService interface {
	// RenewHold moves the hold of a pending order to end at r.Until, never
	// earlier than it did; an order whose hold had lapsed holds its units
	// again if they are left and within the network's cap. Errors:
	// ENOTFOUND, ECONFLICT (not pending, expired, sold out meanwhile, over
	// the cap).
	RenewHold(ctx context.Context, r HoldRenewal) (*Order, error)

	// LapseHolds ends the holds that ended by t and puts their units back
	// on sale; their orders stay pending. It returns how many units came
	// back.
	LapseHolds(ctx context.Context, t time.Time) (int, error)
}

// Holding reports whether o holds units of its variant.
func (o *Order) Holding() bool { return o.HeldUntil != nil }

// endHold ends o's hold and returns the units it held, none when it held
// none.
func (o *Order) endHold() int {
	if o.HeldUntil == nil {
		return 0
	}
	o.HeldUntil, o.HoldNetwork = nil, ""
	return o.Quantity
}

// Cancel ends a pending order, as a shopper leaving the checkout or a
// session that never opened does, and returns the units to put back on
// sale. An order that is no longer pending stays as it is (changed is
// false), so canceling twice changes nothing.
func (o *Order) Cancel() (stock int, changed bool) {
	if o.Status != OrderPending {
		return 0, false
	}
	o.Status = OrderCanceled
	return o.endHold(), true
}

// Renew moves o's hold as r asks and returns how many units the store must
// hold again: the order's quantity when its hold had lapsed, else none.
// Errors: ECONFLICT (not pending, or its session has run out).
func (o *Order) Renew(r HoldRenewal) (reserve int, err error) {
	switch {
	case o.Status != OrderPending:
		return 0, Errorf(ECONFLICT, "This order is %s: it holds nothing.", o.Status)
	case !o.ExpiresAt.After(r.Now):
		return 0, Errorf(ECONFLICT, "This checkout has run out of time. Close it and try again.")
	}
	until := holdTime(r.Until)
	if until.After(o.ExpiresAt) {
		until = holdTime(o.ExpiresAt)
	}
	if o.HeldUntil == nil {
		o.HeldUntil, o.HoldNetwork = &until, r.ClientNetwork
		return o.Quantity, nil
	}
	if until.After(*o.HeldUntil) {
		o.HeldUntil = &until
	}
	return 0, nil
}

// holdTime is t as stores keep a hold's end: UTC, to the microsecond.
func holdTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}
