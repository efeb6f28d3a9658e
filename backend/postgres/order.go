package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// orderNumberAttempts bounds the retries when a new order number is
// taken; with 40 random bits a second attempt is already rare.
const orderNumberAttempts = 5

// CreateOrder checks n against the catalog, reserves the stock and stores
// a pending order, all in one write transaction.
func (db *DB) CreateOrder(ctx context.Context, n buycard.NewOrder) (_ *buycard.Order, err error) {
	defer wrap(&err, "create order")
	return writeTx(ctx, db, func(tx pgx.Tx) (*buycard.Order, error) {
		return db.createOrder(ctx, tx, n)
	})
}

func (db *DB) createOrder(ctx context.Context, tx pgx.Tx, n buycard.NewOrder) (*buycard.Order, error) {
	card, err := findCard(ctx, tx, n.Claims.WidgetID)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND {
		return nil, buycard.Errorf(buycard.ENOTFOUND, buycard.StaleCardMessage)
	}
	if err != nil {
		return nil, err
	}
	o, v, err := card.Order(n)
	if err != nil {
		return nil, err
	}
	if err := applyContract(ctx, tx, o); err != nil {
		return nil, err
	}
	// Return the times as timestamptz keeps them.
	o.CreatedAt, o.ExpiresAt = storedTime(o.CreatedAt), storedTime(o.ExpiresAt)
	if err := reserveStock(ctx, tx, v, o.Quantity); err != nil {
		return nil, err
	}
	if err := db.insertOrder(ctx, tx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// reserveStock takes quantity units of v off its stock, or fails with
// ECONFLICT when fewer are left. The stock of v read with the card may be
// stale: the variant row is locked and read again, so buyers racing for
// the last units queue on the row and each sees what the one before left.
//
// An unlimited variant has nothing to reserve. Its row is read again
// under a share lock, which checkouts of it hold together without
// queueing, while a merchant's edit to counted stock waits for them (and
// they for it); when it has become counted, the row is locked for update.
func reserveStock(ctx context.Context, tx pgx.Tx, v *buycard.Variant, quantity int) error {
	var stock int
	var unlimited bool
	if v.Unlimited {
		err := tx.QueryRow(ctx, `SELECT unlimited FROM variants WHERE id = $1 FOR SHARE`, v.ID).Scan(&unlimited)
		if err != nil || unlimited {
			return err
		}
	}
	err := tx.QueryRow(ctx, `SELECT stock, unlimited FROM variants WHERE id = $1 FOR NO KEY UPDATE`, v.ID).Scan(&stock, &unlimited)
	switch {
	case err != nil:
		return err
	case unlimited:
		return nil
	case stock >= quantity:
		return addStock(ctx, tx, v.ID, -quantity)
	}
	return buycard.OutOfStock(stock)
}

// addStock changes the stock of a variant by delta, never below zero; an
// unlimited variant's stays 0.
func addStock(ctx context.Context, tx pgx.Tx, variantID string, delta int) error {
	_, err := tx.Exec(ctx, `UPDATE variants SET stock = GREATEST(stock + $1, 0) WHERE id = $2 AND NOT unlimited`, delta, variantID)
	return err
}

// insertOrder stores o under a fresh order number, drawing again while
// the number is taken. ON CONFLICT keeps the transaction usable after a
// taken number, which a unique violation would abort.
func (db *DB) insertOrder(ctx context.Context, tx pgx.Tx, o *buycard.Order) error {
	for range orderNumberAttempts {
		o.Number = db.orderNumbers()
		res, err := tx.Exec(ctx, `
			INSERT INTO orders (id, number, status, widget_id, product_id, variant_id, merchant_id,
				publisher_id, placement_id, product_title, variant_name, quantity,
				currency, unit_price, total, publisher_share_bps, platform_fee_bps, platform_fee_fixed,
				payment_error, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
			ON CONFLICT (number) DO NOTHING`,
			o.ID, o.Number, o.Status, o.WidgetID, o.ProductID, o.VariantID, o.MerchantID,
			nullIfEmpty(o.PublisherID), nullIfEmpty(o.PlacementID), o.ProductTitle, o.VariantName, o.Quantity,
			o.Total.Currency, o.UnitPrice.Amount, o.Total.Amount, o.PublisherShareBPS, o.PlatformFeeBPS, o.PlatformFeeFixed,
			o.PaymentError,
			o.CreatedAt, o.ExpiresAt)
		switch {
		case hasCode(err, foreignKeyViolation): // the publisher or placement is gone
			return buycard.Errorf(buycard.ENOTFOUND, buycard.StaleCardMessage)
		case err != nil:
			return err
		case res.RowsAffected() == 0: // the number is taken
			continue
		}
		return nil
	}
	return fmt.Errorf("no free order number after %d attempts", orderNumberAttempts)
}

// AttachPaymentSession records the provider session of a pending order.
// The pair (provider, session) is unique in the database.
func (db *DB) AttachPaymentSession(ctx context.Context, orderID, provider, sessionID string) (err error) {
	defer wrap(&err, "attach payment session")
	if provider == "" || sessionID == "" {
		return buycard.Errorf(buycard.EINVALID, "Payment provider and session id are required.")
	}
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		o, err := findOpenOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE orders SET provider = $1, provider_session_id = $2 WHERE id = $3`,
			provider, sessionID, o.ID)
		if hasCode(err, uniqueViolation) {
			return buycard.Errorf(buycard.ECONFLICT, "Payment session %q belongs to another order.", sessionID)
		}
		return err
	})
}

// findOpenOrder locks and returns the order with id if it is pending and
// has no payment session yet.
func findOpenOrder(ctx context.Context, tx pgx.Tx, id string) (*buycard.Order, error) {
	o, err := findOrderByID(ctx, tx, id, forUpdate)
	if err != nil {
		return nil, err
	}
	if err := o.CheckOpen(); err != nil {
		return nil, err
	}
	return o, nil
}

// CancelOrder cancels a pending order without a payment session and
// releases its stock.
func (db *DB) CancelOrder(ctx context.Context, orderID string) (err error) {
	defer wrap(&err, "cancel order")
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		o, err := findOpenOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		return release(ctx, tx, o, buycard.OrderCanceled)
	})
}

// release ends a pending order with status and puts its stock back.
func release(ctx context.Context, tx pgx.Tx, o *buycard.Order, status buycard.OrderStatus) error {
	o.Status = status
	if err := addStock(ctx, tx, o.VariantID, o.Quantity); err != nil {
		return err
	}
	return updateOrderState(ctx, tx, o)
}

// updateOrderState stores the fields of o that payment events change.
func updateOrderState(ctx context.Context, tx pgx.Tx, o *buycard.Order) error {
	_, err := tx.Exec(ctx, `
		UPDATE orders SET status = $1, payment_error = $2, paid_at = $3, refunded = $4, dispute_held = $5, dispute_lost = $6,
			provider_payment_id = $7
		WHERE id = $8`,
		o.Status, o.PaymentError, o.PaidAt, o.Refunded, o.DisputeHeld, o.DisputeLost, nullIfEmpty(o.ProviderPaymentID), o.ID)
	return err
}

// ApplyPaymentEvent applies e to the order owning its session. The order
// is locked and the event id recorded in the same transaction, and a
// replayed id changes nothing.
func (db *DB) ApplyPaymentEvent(ctx context.Context, e buycard.PaymentEvent) (_ *buycard.Order, err error) {
	defer wrap(&err, "apply payment event")
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return writeTx(ctx, db, func(tx pgx.Tx) (*buycard.Order, error) {
		return applyPaymentEvent(ctx, tx, e)
	})
}

// applyPaymentEvent is ApplyPaymentEvent of a valid event in tx.
func applyPaymentEvent(ctx context.Context, tx pgx.Tx, e buycard.PaymentEvent) (*buycard.Order, error) {
	o, err := findPaymentOrder(ctx, tx, e.Provider, e.SessionID, e.PaymentID, forUpdate)
	if err != nil {
		return nil, err
	}
	fresh, err := recordEvent(ctx, tx, e, o.ID)
	if err != nil || !fresh {
		return o, err
	}
	return o, applyEvent(ctx, tx, o, e)
}

// recordEvent stores the de-duplication record of e and reports whether
// the event is new. A delivery racing with another of the same event
// waits here for the other's transaction, then finds the id taken.
func recordEvent(ctx context.Context, tx pgx.Tx, e buycard.PaymentEvent, orderID string) (bool, error) {
	res, err := tx.Exec(ctx, `
		INSERT INTO payment_events (provider, event_id, type, session_id, order_id, received_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (provider, event_id) DO NOTHING`,
		e.Provider, e.ID, e.Type, e.SessionID, orderID, time.Now())
	if err != nil {
		return false, err
	}
	return res.RowsAffected() == 1, nil
}

// applyEvent moves o according to e, as buycard.Order.Apply says, and
// stores what changed; a payment appends the sale journal in the same
// transaction.
func applyEvent(ctx context.Context, tx pgx.Tx, o *buycard.Order, e buycard.PaymentEvent) error {
	stock, changed, err := o.Apply(e)
	if err != nil || !changed {
		return err
	}
	if o.PaidAt != nil {
		paidAt := storedTime(*o.PaidAt)
		o.PaidAt = &paidAt
	}
	if stock != 0 {
		if err := addStock(ctx, tx, o.VariantID, stock); err != nil {
			return err
		}
	}
	if err := updateOrderState(ctx, tx, o); err != nil {
		return err
	}
	return ledger.AppendPaymentEvent(ctx, &ledgerTx{tx: tx}, o, e)
}

// FindPaymentOrder returns the order of a provider's session or payment.
func (db *DB) FindPaymentOrder(ctx context.Context, provider, sessionID, paymentID string) (_ *buycard.Order, err error) {
	defer wrap(&err, "find payment order")
	return readTx(ctx, db, func(tx pgx.Tx) (*buycard.Order, error) {
		return findPaymentOrder(ctx, tx, provider, sessionID, paymentID, "")
	})
}

// FindOrder returns an order by id.
func (db *DB) FindOrder(ctx context.Context, id string) (_ *buycard.Order, err error) {
	defer wrap(&err, "find order")
	return readTx(ctx, db, func(tx pgx.Tx) (*buycard.Order, error) {
		return findOrderByID(ctx, tx, id, "")
	})
}

// ExpiredOrders lists pending orders whose ExpiresAt is before t, oldest
// first.
func (db *DB) ExpiredOrders(ctx context.Context, t time.Time) (_ []*buycard.Order, err error) {
	defer wrap(&err, "expired orders")
	return readTx(ctx, db, func(tx pgx.Tx) ([]*buycard.Order, error) {
		return findOrders(ctx, tx, `status = 'pending' AND expires_at < $1 ORDER BY expires_at`, t)
	})
}

const selectOrders = `
	SELECT id, number, status, widget_id, product_id, variant_id, merchant_id,
		COALESCE(publisher_id, ''), COALESCE(placement_id, ''), product_title, variant_name, quantity,
		currency, unit_price, total, publisher_share_bps, platform_fee_bps, platform_fee_fixed,
		refunded, dispute_held, dispute_lost, COALESCE(provider_payment_id, ''),
		COALESCE(provider, ''), COALESCE(provider_session_id, ''), payment_error,
		created_at, expires_at, paid_at
	FROM orders`

// forUpdate locks the order read until the transaction ends, so that a
// read-then-write of an order sees the last committed state and nobody
// changes it meanwhile.
const forUpdate = ` FOR UPDATE`

func scanOrder(row pgx.Row) (*buycard.Order, error) {
	o := new(buycard.Order)
	var currency string
	err := row.Scan(&o.ID, &o.Number, &o.Status, &o.WidgetID, &o.ProductID, &o.VariantID, &o.MerchantID,
		&o.PublisherID, &o.PlacementID, &o.ProductTitle, &o.VariantName, &o.Quantity,
		&currency, &o.UnitPrice.Amount, &o.Total.Amount, &o.PublisherShareBPS, &o.PlatformFeeBPS, &o.PlatformFeeFixed,
		&o.Refunded, &o.DisputeHeld, &o.DisputeLost, &o.ProviderPaymentID,
		&o.Provider, &o.ProviderSessionID, &o.PaymentError,
		&o.CreatedAt, &o.ExpiresAt, &o.PaidAt)
	if err != nil {
		return nil, err
	}
	o.UnitPrice.Currency, o.Total.Currency = currency, currency
	return o, nil
}

// findOrderByID returns the order with id; lock is "" or forUpdate.
func findOrderByID(ctx context.Context, tx pgx.Tx, id, lock string) (*buycard.Order, error) {
	notFound := buycard.Errorf(buycard.ENOTFOUND, "Order %q not found.", id)
	return findOrder(ctx, tx, notFound, `id = $1`+lock, id)
}

// findPaymentOrder returns the order of a provider's session, or of its
// payment when sessionID is empty; lock is "" or forUpdate.
func findPaymentOrder(ctx context.Context, tx pgx.Tx, provider, sessionID, paymentID, lock string) (*buycard.Order, error) {
	if sessionID != "" {
		return findOrderBySession(ctx, tx, provider, sessionID, lock)
	}
	notFound := buycard.Errorf(buycard.ENOTFOUND, "No order has payment %q.", paymentID)
	return findOrder(ctx, tx, notFound, `provider = $1 AND provider_payment_id = $2`+lock, provider, paymentID)
}

// findOrderBySession returns the order with the session; lock is "" or
// forUpdate.
func findOrderBySession(ctx context.Context, tx pgx.Tx, provider, sessionID, lock string) (*buycard.Order, error) {
	notFound := buycard.Errorf(buycard.ENOTFOUND, "No order has payment session %q.", sessionID)
	return findOrder(ctx, tx, notFound, `provider = $1 AND provider_session_id = $2`+lock, provider, sessionID)
}

// findOrder returns the one order matching where, or notFound.
func findOrder(ctx context.Context, tx pgx.Tx, notFound error, where string, args ...any) (*buycard.Order, error) {
	o, err := scanOrder(tx.QueryRow(ctx, selectOrders+` WHERE `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound
	}
	return o, err
}

// findOrders returns the orders matching where.
func findOrders(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]*buycard.Order, error) {
	rows, err := tx.Query(ctx, selectOrders+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var orders []*buycard.Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		orders = append(orders, o)
	}
	return orders, rows.Err()
}
