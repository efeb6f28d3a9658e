package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/buycard/buycard"
)

// Refund requests (buycard.RefundRequest) are the refunds asked through
// the API under an Idempotency-Key. A request is recorded with the reply
// it got in the transaction that applies its refund, so a key never names
// a refund that was not applied, and a refund applied through the API
// always has its key.
const (
	refundColumns = `caller, key, order_id, amount, refund_id, reply_order, created_at`
	// insertRefund records a refund unless its key is taken: the primary key
	// (caller, key) or the unique (order_id, key).
	insertRefund = `INSERT INTO refund_requests (` + refundColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT DO NOTHING`
	// byCallerKey selects the refund of caller $1 under key $2.
	byCallerKey = `SELECT ` + refundColumns + ` FROM refund_requests WHERE caller = $1 AND key = $2`
	// holdingKey selects the refund that holds key $2 for caller $1 or on
	// order $3, the caller's own first.
	holdingKey = `SELECT ` + refundColumns + ` FROM refund_requests WHERE key = $2 AND (caller = $1 OR order_id = $3)
		ORDER BY caller = $1 DESC LIMIT 1`
)

// errKeyTaken rolls back a refund whose key another request holds.
var errKeyTaken = errors.New("idempotency key taken")

// FindRefund implements buycard.OrderService.
func (db *Store) FindRefund(ctx context.Context, caller, key string) (*buycard.Refund, error) {
	return db.findRefund(ctx, byCallerKey, caller, key)
}

// ApplyRefund implements buycard.OrderService: the event is applied
// first (PostgreSQL then holds the order's row), and the request recorded
// after it; a key taken meanwhile rolls both back.
func (db *Store) ApplyRefund(ctx context.Context, req buycard.RefundRequest, e buycard.PaymentEvent) (*buycard.Refund, error) {
	if err := checkRefundEvent(req, e); err != nil {
		return nil, fmt.Errorf("apply refund: %w", err)
	}
	var (
		ref     *buycard.Refund
		changed bool
	)
	// PostgreSQL holds the order's row from the event on, so that one
	// order's refunds are recorded one after the other.
	err := db.conn.Write(ctx, func(tx Tx) (err error) {
		ref, changed, err = db.recordRefund(ctx, tx, req, e)
		return err
	})
	switch {
	case errors.Is(err, errKeyTaken):
		return db.findRefund(ctx, holdingKey, req.Caller, req.Key, req.OrderID)
	case err != nil:
		return nil, fmt.Errorf("apply refund: %w", err)
	}
	db.countPayment(e, changed)
	return ref, nil
}

// checkRefundEvent checks that e reports a refund of req's order.
func checkRefundEvent(req buycard.RefundRequest, e buycard.PaymentEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.Type != buycard.PaymentRefunded || e.Amount.Amount != req.Amount {
		return fmt.Errorf("event %s (%s of %d) does not report the refund of %d asked for", e.ID, e.Type, e.Amount.Amount, req.Amount)
	}
	return nil
}

// recordRefund applies e and records req with its result in tx, and
// reports whether e changed the order.
func (db *Store) recordRefund(ctx context.Context, tx Tx, req buycard.RefundRequest, e buycard.PaymentEvent) (*buycard.Refund, bool, error) {
	o, changed, err := db.applyPaymentEvent(ctx, tx, e)
	if err != nil {
		return nil, false, err
	}
	if o.ID != req.OrderID {
		return nil, false, fmt.Errorf("refund %s is about order %s, not %s", e.ObjectID, o.ID, req.OrderID)
	}
	reply, err := json.Marshal(o)
	if err != nil {
		return nil, false, err
	}
	ref := &buycard.Refund{RefundRequest: req, RefundID: e.ObjectID, Order: o, CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	n, err := tx.Exec(ctx, insertRefund, req.Caller, req.Key, req.OrderID, req.Amount, ref.RefundID, string(reply), ref.CreatedAt.UnixMicro())
	switch {
	case err != nil:
		return nil, false, err
	case n == 0:
		return nil, false, errKeyTaken
	}
	return ref, changed, nil
}

// findRefund returns the one refund query selects. Errors: ENOTFOUND.
func (db *Store) findRefund(ctx context.Context, query string, args ...any) (*buycard.Refund, error) {
	ref, err := scanRefund(db.conn.Pool().QueryRow(ctx, query, args...))
	switch {
	case errors.Is(err, ErrNoRows):
		return nil, buycard.Errorf(buycard.ENOTFOUND, "No refund was asked for under this Idempotency-Key.")
	case err != nil:
		return nil, fmt.Errorf("find refund: %w", db.dialect.Translate(err))
	}
	return ref, nil
}

// scanRefund decodes a row of refundColumns.
func scanRefund(row Row) (*buycard.Refund, error) {
	var (
		ref     buycard.Refund
		reply   string
		created int64
	)
	err := row.Scan(&ref.Caller, &ref.Key, &ref.OrderID, &ref.Amount, &ref.RefundID, &reply, &created)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(reply), &ref.Order); err != nil {
		return nil, err
	}
	ref.CreatedAt = time.UnixMicro(created).UTC()
	return &ref, nil
}
