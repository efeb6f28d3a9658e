package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

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
	return writeTx(ctx, db, func(tx *sql.Tx) (*buycard.Order, error) {
		return db.createOrder(ctx, tx, n)
	})
}

func (db *DB) createOrder(ctx context.Context, tx *sql.Tx, n buycard.NewOrder) (*buycard.Order, error) {
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
	if err := reserveStock(ctx, tx, v, o.Quantity); err != nil {
		return nil, err
	}
	if err := db.insertOrder(ctx, tx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// reserveStock takes quantity units of v off its stock, or fails with
// ECONFLICT when fewer are left. v was read in the same transaction. An
// unlimited variant has nothing to reserve.
func reserveStock(ctx context.Context, tx *sql.Tx, v *buycard.Variant, quantity int) error {
	if v.Unlimited {
		return nil
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE variants SET stock = stock - ? WHERE id = ? AND stock >= ?`,
		quantity, v.ID, quantity)
	if err != nil {
		return err
	}
	reserved, err := res.RowsAffected()
	switch {
	case err != nil:
		return err
	case reserved == 1:
		return nil
	}
	return buycard.OutOfStock(v.Stock)
}

// addStock changes the stock of a variant by delta, never below zero; an
// unlimited variant's stays 0.
func addStock(ctx context.Context, tx *sql.Tx, variantID string, delta int) error {
	_, err := tx.ExecContext(ctx, `UPDATE variants SET stock = MAX(stock + ?, 0) WHERE id = ? AND unlimited = 0`, delta, variantID)
	return err
}

// insertOrder stores o under a fresh order number, drawing again while
// the number is taken.
func (db *DB) insertOrder(ctx context.Context, tx *sql.Tx, o *buycard.Order) error {
	for range orderNumberAttempts {
		o.Number = db.orderNumbers()
		_, err := tx.ExecContext(ctx, `
			INSERT INTO orders (id, number, status, widget_id, product_id, variant_id, merchant_id,
				publisher_id, placement_id, product_title, variant_name, quantity,
				currency, unit_price, total, publisher_share_bps, platform_fee_bps, platform_fee_fixed,
				payment_error, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Number, o.Status, o.WidgetID, o.ProductID, o.VariantID, o.MerchantID,
			nullIfEmpty(o.PublisherID), nullIfEmpty(o.PlacementID), o.ProductTitle, o.VariantName, o.Quantity,
			o.Total.Currency, o.UnitPrice.Amount, o.Total.Amount, o.PublisherShareBPS, o.PlatformFeeBPS, o.PlatformFeeFixed,
			o.PaymentError,
			formatTime(o.CreatedAt), formatTime(o.ExpiresAt))
		switch {
		case hasCode(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE): // the number is taken
			continue
		case isForeignKeyViolation(err): // the publisher or placement is gone
			return buycard.Errorf(buycard.ENOTFOUND, buycard.StaleCardMessage)
		}
		return err
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
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		o, err := findOpenOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE orders SET provider = ?, provider_session_id = ? WHERE id = ?`,
			provider, sessionID, o.ID)
		if isUniqueViolation(err) {
			return buycard.Errorf(buycard.ECONFLICT, "Payment session %q belongs to another order.", sessionID)
		}
		return err
	})
}

// findOpenOrder returns the order with id if it is pending and has no
// payment session yet.
func findOpenOrder(ctx context.Context, tx *sql.Tx, id string) (*buycard.Order, error) {
	o, err := findOrderByID(ctx, tx, id)
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
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		o, err := findOpenOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		return release(ctx, tx, o, buycard.OrderCanceled)
	})
}

// release ends a pending order with status and puts its stock back.
func release(ctx context.Context, tx *sql.Tx, o *buycard.Order, status buycard.OrderStatus) error {
	o.Status = status
	if err := addStock(ctx, tx, o.VariantID, o.Quantity); err != nil {
		return err
	}
	return updateOrderState(ctx, tx, o)
}

// updateOrderState stores the fields of o that payment events change.
func updateOrderState(ctx context.Context, tx *sql.Tx, o *buycard.Order) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE orders SET status = ?, payment_error = ?, paid_at = ?, refunded = ?, dispute_held = ?, dispute_lost = ?,
			provider_payment_id = ?
		WHERE id = ?`,
		o.Status, o.PaymentError, formatNullTime(o.PaidAt), o.Refunded, o.DisputeHeld, o.DisputeLost,
		nullIfEmpty(o.ProviderPaymentID), o.ID)
	return err
}

// ApplyPaymentEvent applies e to the order owning its session. The event
// id is recorded in the same transaction, and a replayed id changes
// nothing.
func (db *DB) ApplyPaymentEvent(ctx context.Context, e buycard.PaymentEvent) (_ *buycard.Order, err error) {
	defer wrap(&err, "apply payment event")
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return writeTx(ctx, db, func(tx *sql.Tx) (*buycard.Order, error) {
		return db.applyPaymentEvent(ctx, tx, e)
	})
}

// applyPaymentEvent is ApplyPaymentEvent of a valid event in tx.
func (db *DB) applyPaymentEvent(ctx context.Context, tx *sql.Tx, e buycard.PaymentEvent) (*buycard.Order, error) {
	o, err := findPaymentOrder(ctx, tx, e.Provider, e.SessionID, e.PaymentID)
	if err != nil {
		return nil, err
	}
	fresh, err := recordEvent(ctx, tx, e, o.ID)
	if err != nil || !fresh {
		return o, err
	}
	return o, db.applyEvent(ctx, tx, o, e)
}

// recordEvent stores the de-duplication record of e and reports whether
// the event is new.
func recordEvent(ctx context.Context, tx *sql.Tx, e buycard.PaymentEvent, orderID string) (bool, error) {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO payment_events (provider, event_id, type, session_id, order_id, received_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		e.Provider, e.ID, e.Type, e.SessionID, orderID, formatTime(time.Now()))
	if isUniqueViolation(err) {
		return false, nil
	}
	return err == nil, err
}

// applyEvent moves o according to e, as buycard.Order.Apply says, and
// stores what changed; a payment appends the sale journal in the same
// transaction.
func (db *DB) applyEvent(ctx context.Context, tx *sql.Tx, o *buycard.Order, e buycard.PaymentEvent) error {
	stock, changed, err := o.Apply(e)
	if err != nil || !changed {
		return err
	}
	if stock != 0 {
		if err := addStock(ctx, tx, o.VariantID, stock); err != nil {
			return err
		}
	}
	if err := updateOrderState(ctx, tx, o); err != nil {
		return err
	}
	return ledger.AppendPaymentEvent(ctx, db.ledgerTx(tx), o, e)
}

// FindPaymentOrder returns the order of a provider's session or payment.
func (db *DB) FindPaymentOrder(ctx context.Context, provider, sessionID, paymentID string) (_ *buycard.Order, err error) {
	defer wrap(&err, "find payment order")
	return readTx(ctx, db, func(tx *sql.Tx) (*buycard.Order, error) {
		return findPaymentOrder(ctx, tx, provider, sessionID, paymentID)
	})
}

// FindOrder returns an order by id.
func (db *DB) FindOrder(ctx context.Context, id string) (_ *buycard.Order, err error) {
	defer wrap(&err, "find order")
	return readTx(ctx, db, func(tx *sql.Tx) (*buycard.Order, error) {
		return findOrderByID(ctx, tx, id)
	})
}

// ExpiredOrders lists pending orders whose ExpiresAt is before t, oldest
// first.
func (db *DB) ExpiredOrders(ctx context.Context, t time.Time) (_ []*buycard.Order, err error) {
	defer wrap(&err, "expired orders")
	return readTx(ctx, db, func(tx *sql.Tx) ([]*buycard.Order, error) {
		return findOrders(ctx, tx, `status = 'pending' AND expires_at < ? ORDER BY expires_at`, formatTime(t))
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

func scanOrder(s scanner) (*buycard.Order, error) {
	o := new(buycard.Order)
	var currency string
	err := s.Scan(&o.ID, &o.Number, &o.Status, &o.WidgetID, &o.ProductID, &o.VariantID, &o.MerchantID,
		&o.PublisherID, &o.PlacementID, &o.ProductTitle, &o.VariantName, &o.Quantity,
		&currency, &o.UnitPrice.Amount, &o.Total.Amount, &o.PublisherShareBPS, &o.PlatformFeeBPS, &o.PlatformFeeFixed,
		&o.Refunded, &o.DisputeHeld, &o.DisputeLost, &o.ProviderPaymentID,
		&o.Provider, &o.ProviderSessionID, &o.PaymentError,
		timeColumn{&o.CreatedAt}, timeColumn{&o.ExpiresAt}, nullTimeColumn{&o.PaidAt})
	if err != nil {
		return nil, err
	}
	o.UnitPrice.Currency, o.Total.Currency = currency, currency
	return o, nil
}

func findOrderByID(ctx context.Context, tx *sql.Tx, id string) (*buycard.Order, error) {
	notFound := buycard.Errorf(buycard.ENOTFOUND, "Order %q not found.", id)
	return findOrder(ctx, tx, notFound, `id = ?`, id)
}

func findOrderBySession(ctx context.Context, tx *sql.Tx, provider, sessionID string) (*buycard.Order, error) {
	notFound := buycard.Errorf(buycard.ENOTFOUND, "No order has payment session %q.", sessionID)
	return findOrder(ctx, tx, notFound, `provider = ? AND provider_session_id = ?`, provider, sessionID)
}

// findPaymentOrder returns the order of a provider's session, or of its
// payment when sessionID is empty.
func findPaymentOrder(ctx context.Context, tx *sql.Tx, provider, sessionID, paymentID string) (*buycard.Order, error) {
	if sessionID != "" {
		return findOrderBySession(ctx, tx, provider, sessionID)
	}
	notFound := buycard.Errorf(buycard.ENOTFOUND, "No order has payment %q.", paymentID)
	return findOrder(ctx, tx, notFound, `provider = ? AND provider_payment_id = ?`, provider, paymentID)
}

// findOrder returns the one order matching where, or notFound.
func findOrder(ctx context.Context, tx *sql.Tx, notFound error, where string, args ...any) (*buycard.Order, error) {
	o, err := scanOrder(tx.QueryRowContext(ctx, selectOrders+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	return o, err
}

// findOrders returns the orders matching where.
func findOrders(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*buycard.Order, error) {
	rows, err := tx.QueryContext(ctx, selectOrders+` WHERE `+where, args...)
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
