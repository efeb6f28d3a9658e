package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/buycard/buycard"
)

var _ buycard.AdminService = (*DB)(nil)

// ListMerchantOrders implements buycard.AdminService.
func (db *DB) ListMerchantOrders(ctx context.Context, q buycard.OrderListQuery) (_ []*buycard.Order, err error) {
	defer wrap(&err, "list merchant orders")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return readTx(ctx, db, func(tx *sql.Tx) ([]*buycard.Order, error) {
		where := `merchant_id = ? AND (? = '' OR status = ?)`
		args := []any{q.MerchantID, string(q.Status), string(q.Status)}
		if q.Before != "" {
			var created string
			err := tx.QueryRowContext(ctx, `SELECT created_at FROM orders WHERE id = ? AND merchant_id = ?`, q.Before, q.MerchantID).Scan(&created)
			if errors.Is(err, sql.ErrNoRows) {
				return nil, buycard.Errorf(buycard.EINVALID, "before must be the id of an order of the previous page.")
			} else if err != nil {
				return nil, err
			}
			where += ` AND (created_at < ? OR (created_at = ? AND id < ?))`
			args = append(args, created, created, q.Before)
		}
		args = append(args, q.Limit)
		orders, err := findOrders(ctx, tx, where+` ORDER BY created_at DESC, id DESC LIMIT ?`, args...)
		if orders == nil && err == nil {
			orders = []*buycard.Order{}
		}
		return orders, err
	})
}
