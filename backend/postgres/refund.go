package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/refundsql"
)

// Refund requests are refundsql's (the Refunds embedded in DB); applying a
// refund locks its order's row, so that one order's refunds are recorded
// one after the other.

// refundTx runs fn in a write transaction, for refundsql.Refunds.
func (db *DB) refundTx(ctx context.Context, fn func(refundsql.Tx) error) error {
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		return fn(refundsql.Tx{
			Exec: pgxExec(tx),
			ApplyPaymentEvent: func(ctx context.Context, e buycard.PaymentEvent) (*buycard.Order, error) {
				return applyPaymentEvent(ctx, tx, e)
			},
		})
	})
}
