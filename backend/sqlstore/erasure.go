package sqlstore

import (
	"context"

	"github.com/buycard/buycard"
)

// Erasing a buyer's personal data (erasure.go at the root): the orders
// whose buyer has the email, the discount redemptions keyed by the
// email's hash or made by those orders, and those orders' events. Only
// columns that hold the buyer's data change, never an amount, so the
// ledger still verifies.

var _ buycard.ErasureService = (*Store)(nil)

// EraseBuyer implements buycard.ErasureService. Redemptions go first,
// while the orders still name the buyer.
func (db *Store) EraseBuyer(ctx context.Context, email string) (_ buycard.Erasure, err error) {
	defer db.wrap(&err, "erase buyer")
	email, err = buycard.NormalizeEmail(email)
	if err != nil {
		return buycard.Erasure{}, err
	}
	key, err := buycard.BuyerKey(email)
	if err != nil {
		return buycard.Erasure{}, err
	}
	return write(ctx, db, func(tx Tx) (e buycard.Erasure, err error) {
		events, err := eraseOrderEvents(ctx, tx, email)
		if err != nil {
			return e, err
		}
		redemptions, err := tx.Exec(ctx, `UPDATE discount_redemptions SET buyer = ''
			WHERE buyer <> '' AND (buyer = $1 OR order_id IN (SELECT id FROM orders WHERE LOWER(buyer_email) = $2))`, key, email)
		if err != nil {
			return e, err
		}
		orders, err := tx.Exec(ctx, `UPDATE orders SET buyer_email = '', buyer_name = '', buyer_phone = '',
				ship_name = '', ship_line1 = '', ship_line2 = '', ship_city = '', ship_postal_code = ''
			WHERE LOWER(buyer_email) = $1`, email)
		return buycard.Erasure{Orders: int(orders), Redemptions: int(redemptions), Events: int(events)}, err
	})
}

// eraseOrderEvents deletes the events of the orders of the buyer with
// email, and their webhook deliveries: a delivery not yet sent is not
// sent.
func eraseOrderEvents(ctx context.Context, tx Tx, email string) (int64, error) {
	const ofBuyer = `SELECT ev.id FROM events ev JOIN orders o ON o.id = ev.order_id WHERE LOWER(o.buyer_email) = $1`
	if _, err := tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE event_id IN (`+ofBuyer+`)`, email); err != nil {
		return 0, err
	}
	return tx.Exec(ctx, `DELETE FROM events WHERE id IN (`+ofBuyer+`)`, email)
}
