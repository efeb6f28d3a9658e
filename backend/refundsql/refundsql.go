// Package refundsql is the SQL the SQLite and PostgreSQL stores share for
// refund requests (buycard.RefundRequest): the refunds asked through the
// API under an Idempotency-Key, on the refund_requests table of each
// store's migrations. A request is recorded with the reply it got in the
// transaction that applies its refund, so a key never names a refund that
// was not applied, and a refund applied through the API always has its
// key. Both databases run the same statements; the stores supply their
// transactions.
package refundsql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/ledgersql"
)

const (
	columns = `caller, key, order_id, amount, refund_id, reply_order, created_at`
	// insert records a refund unless its key is taken: the primary key
	// (caller, key) or the unique (order_id, key).
	insert = `INSERT INTO refund_requests (` + columns + `) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT DO NOTHING`
	// byCallerKey selects the refund of caller $1 under key $2.
	byCallerKey = `SELECT ` + columns + ` FROM refund_requests WHERE caller = $1 AND key = $2`
	// holdingKey selects the refund that holds key $2 for caller $1 or on
	// order $3, the caller's own first.
	holdingKey = `SELECT ` + columns + ` FROM refund_requests WHERE key = $2 AND (caller = $1 OR order_id = $3)
		ORDER BY caller = $1 DESC LIMIT 1`
)

// Tx is a store's write transaction, as ApplyRefund uses it.
type Tx struct {
	Exec ledgersql.ExecFunc
	// ApplyPaymentEvent applies a valid event in this transaction, as
	// buycard.OrderService.ApplyPaymentEvent does.
	ApplyPaymentEvent func(ctx context.Context, e buycard.PaymentEvent) (*buycard.Order, error)
}

// TransactFunc runs fn in a write transaction of the store, committing
// when it returns nil.
type TransactFunc func(ctx context.Context, fn func(Tx) error) error

// Refunds is FindRefund and ApplyRefund of buycard.OrderService, the same
// on every store: stores embed it, built with New.
type Refunds struct {
	query    ledgersql.QueryFunc
	transact TransactFunc
}

// New returns the refund requests over query (the store's reads) and
// transact (its writes).
func New(query ledgersql.QueryFunc, transact TransactFunc) Refunds {
	return Refunds{query: query, transact: transact}
}

// errKeyTaken rolls back a refund whose key another request holds.
var errKeyTaken = errors.New("idempotency key taken")

// FindRefund implements buycard.OrderService.
func (r Refunds) FindRefund(ctx context.Context, caller, key string) (*buycard.Refund, error) {
	return r.find(ctx, byCallerKey, caller, key)
}

// ApplyRefund implements buycard.OrderService: the event is applied
// first (PostgreSQL then holds the order's row), and the request recorded
// after it; a key taken meanwhile rolls both back.
func (r Refunds) ApplyRefund(ctx context.Context, req buycard.RefundRequest, e buycard.PaymentEvent) (*buycard.Refund, error) {
	if err := checkRefundEvent(req, e); err != nil {
		return nil, fmt.Errorf("apply refund: %w", err)
	}
	var ref *buycard.Refund
	err := r.transact(ctx, func(tx Tx) (err error) {
		ref, err = record(ctx, tx, req, e)
		return err
	})
	switch {
	case errors.Is(err, errKeyTaken):
		return r.find(ctx, holdingKey, req.Caller, req.Key, req.OrderID)
	case err != nil:
		return nil, fmt.Errorf("apply refund: %w", err)
	}
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

// record applies e and records req with its result in tx.
func record(ctx context.Context, tx Tx, req buycard.RefundRequest, e buycard.PaymentEvent) (*buycard.Refund, error) {
	o, err := tx.ApplyPaymentEvent(ctx, e)
	if err != nil {
		return nil, err
	}
	if o.ID != req.OrderID {
		return nil, fmt.Errorf("refund %s is about order %s, not %s", e.ObjectID, o.ID, req.OrderID)
	}
	reply, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	ref := &buycard.Refund{RefundRequest: req, RefundID: e.ObjectID, Order: o, CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	n, err := tx.Exec(ctx, insert, req.Caller, req.Key, req.OrderID, req.Amount, ref.RefundID, string(reply), ref.CreatedAt.UnixMicro())
	switch {
	case err != nil:
		return nil, err
	case n == 0:
		return nil, errKeyTaken
	}
	return ref, nil
}

// find returns the one refund sql selects. Errors: ENOTFOUND.
func (r Refunds) find(ctx context.Context, sql string, args ...any) (*buycard.Refund, error) {
	rows, closeRows, err := r.query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("find refund: %w", err)
	}
	defer closeRows()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("find refund: %w", err)
		}
		return nil, buycard.Errorf(buycard.ENOTFOUND, "No refund was asked for under this Idempotency-Key.")
	}
	ref, err := scan(rows)
	if err != nil {
		return nil, fmt.Errorf("find refund: %w", err)
	}
	return ref, nil
}

// scan decodes a row of columns.
func scan(rows ledgersql.Rows) (*buycard.Refund, error) {
	var (
		ref     buycard.Refund
		reply   string
		created int64
	)
	err := rows.Scan(&ref.Caller, &ref.Key, &ref.OrderID, &ref.Amount, &ref.RefundID, &reply, &created)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(reply), &ref.Order); err != nil {
		return nil, err
	}
	ref.CreatedAt = time.UnixMicro(created).UTC()
	return &ref, nil
}
