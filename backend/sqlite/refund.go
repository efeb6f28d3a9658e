package sqlite

import (
	"context"
	"database/sql"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/refundsql"
)

// Refund requests are refundsql's (the Refunds embedded in DB), written on
// the one write connection.

// refundTx runs fn in a write transaction, for refundsql.Refunds.
func (db *DB) refundTx(ctx context.Context, fn func(refundsql.Tx) error) error {
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		return fn(refundsql.Tx{
			Exec: sqlExec(tx),
			ApplyPaymentEvent: func(ctx context.Context, e buycard.PaymentEvent) (*buycard.Order, error) {
				return db.applyPaymentEvent(ctx, tx, e)
			},
		})
	})
}
