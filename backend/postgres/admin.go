package postgres

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard"
)

var _ buycard.AdminService = (*DB)(nil)

// ListMerchantOrders implements buycard.AdminService.
func (db *DB) ListMerchantOrders(ctx context.Context, q buycard.OrderListQuery) (_ []*buycard.Order, err error) {
	defer wrap(&err, "list merchant orders")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return readTx(ctx, db, func(tx pgx.Tx) ([]*buycard.Order, error) {
		where := `merchant_id = $1 AND ($2 = '' OR status = $2)`
		args := []any{q.MerchantID, string(q.Status)}
		if q.Before != "" {
			where += ` AND (created_at, id) < (SELECT created_at, id FROM orders WHERE id = $3 AND merchant_id = $1)`
			args = append(args, q.Before)
			var exists bool
			err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1 AND merchant_id = $2)`, q.Before, q.MerchantID).Scan(&exists)
			if err != nil {
				return nil, err
			}
			if !exists {
				return nil, buycard.Errorf(buycard.EINVALID, "before must be the id of an order of the previous page.")
			}
		}
		args = append(args, q.Limit)
		orders, err := findOrders(ctx, tx, where+` ORDER BY created_at DESC, id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
		if orders == nil && err == nil {
			orders = []*buycard.Order{}
		}
		return orders, err
	})
}
