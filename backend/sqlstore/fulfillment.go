package sqlstore

import (
	"context"
	"time"

	"github.com/buycard/buycard"
)

// UpdateFulfillment implements buycard.FulfillmentService: it reads the
// order and its product's kind locked, applies the edit and saves the
// fulfilment in one write transaction.
func (db *Store) UpdateFulfillment(ctx context.Context, merchantID, orderID string, e buycard.FulfillmentEdit, now time.Time) (_ *buycard.Order, err error) {
	defer db.wrap(&err, "update fulfillment")
	return write(ctx, db, func(tx Tx) (*buycard.Order, error) {
		o, err := findOrderByID(ctx, tx, orderID, db.dialect.ForUpdate)
		switch {
		case err != nil:
			return nil, err
		case o.MerchantID != merchantID:
			return nil, buycard.Errorf(buycard.ENOTFOUND, "Order %q not found.", orderID)
		}
		var kind buycard.ProductKind
		if err := tx.QueryRow(ctx, `SELECT kind FROM products WHERE id = $1`, o.ProductID).Scan(&kind); err != nil {
			return nil, err
		}
		f, err := e.Apply(o, kind, db.dialect.StoredTime(now))
		if err != nil {
			return nil, err
		}
		_, err = tx.Exec(ctx, `
			UPDATE orders SET fulfillment_status = $1, carrier = $2, tracking_number = $3, tracking_url = $4, fulfilled_at = $5
			WHERE id = $6`,
			f.Status, f.Carrier, f.TrackingNumber, f.TrackingURL, f.FulfilledAt, o.ID)
		if err != nil {
			return nil, err
		}
		shipped := f.Status == buycard.Fulfilled && o.Fulfillment.Status != buycard.Fulfilled
		o.Fulfillment = f
		if shipped {
			return o, db.publishOrder(ctx, tx, buycard.EventOrderFulfilled, o, nil)
		}
		return o, nil
	})
}

// UnfulfilledOrders implements buycard.FulfillmentService.
func (db *Store) UnfulfilledOrders(ctx context.Context, merchantID string) (_ []*buycard.Order, err error) {
	defer db.wrap(&err, "unfulfilled orders")
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.Order, error) {
		orders, err := findOrders(ctx, tx, `merchant_id = $1 AND status = 'paid' AND fulfillment_status <> 'fulfilled'
			AND product_id IN (SELECT id FROM products WHERE merchant_id = $1 AND kind = 'physical')
			ORDER BY paid_at, id`, merchantID)
		if orders == nil && err == nil {
			orders = []*buycard.Order{}
		}
		return orders, err
	})
}

// valueOrZero returns *p, or T's zero value when p is nil.
func valueOrZero[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
