package faulttest

import (
	"context"
	"fmt"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// books is the reference a store is held to: the orders as
// buycard.Order.Apply moves them, the stock of their variant, and the
// journals ledger.Memory appends for them, each event applied once however
// often it is delivered, as OrderService.ApplyPaymentEvent promises. Like
// the stores, it records an event only when it applies without error.
type books struct {
	orders map[string]*buycard.Order
	stock  int
	seen   map[string]bool // provider + " " + event id
	ledger *ledger.Memory
}

// newBooks starts the books with orders (pending, with their sessions) and
// the stock left after their reservations.
func newBooks(orders []*buycard.Order, stock int) *books {
	b := &books{orders: make(map[string]*buycard.Order), stock: stock, seen: make(map[string]bool), ledger: ledger.NewMemory()}
	for _, o := range orders {
		copied := *o
		b.orders[o.ID] = &copied
	}
	return b
}

// apply applies one delivery of e.
func (b *books) apply(ctx context.Context, e buycard.PaymentEvent) error {
	key := e.Provider + " " + e.ID
	if b.seen[key] {
		return nil
	}
	o, err := b.order(e)
	if err != nil {
		return err
	}
	next := *o
	stock, changed, err := next.Apply(e)
	if err != nil {
		return err
	}
	if changed {
		if err := b.ledger.AppendPaymentEvent(ctx, &next, e); err != nil {
			return err
		}
		*o, b.stock = next, b.stock+stock
	}
	b.seen[key] = true
	return nil
}

// order returns the order e is about: by its session, or by its payment
// id when it names no session, as the stores find it.
func (b *books) order(e buycard.PaymentEvent) (*buycard.Order, error) {
	for _, o := range b.orders {
		if o.Provider != e.Provider {
			continue
		}
		if e.SessionID != "" && o.ProviderSessionID == e.SessionID || e.SessionID == "" && o.ProviderPaymentID == e.PaymentID {
			return o, nil
		}
	}
	return nil, fmt.Errorf("no order for event %s (session %q, payment %q)", e.ID, e.SessionID, e.PaymentID)
}
