package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/holdsql"
	"github.com/buycard/buycard/ledger"
)

// holdStock runs the hold statements shared with PostgreSQL. SQLite's one
// writer serializes checkouts, so they need no row locks.
var holdStock = holdsql.NewStock(holdsql.Dialect{})

// orderNumberAttempts bounds the retries when a new order number is
// taken; with 40 random bits a second attempt is already rare.
const orderNumberAttempts = 5

// CreateOrder checks n against the catalog, holds the units and stores a
// pending order, all in one write transaction.
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
	if err := holdStock.Reserve(ctx, db.shared(tx), o, v.Unlimited, o.CreatedAt); err != nil {
		return nil, err
	}
	if err := db.insertOrder(ctx, tx, o); err != nil {
		return nil, err
	}
	return o, nil
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
				payment_error, created_at, expires_at, held_until, hold_network)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Number, o.Status, o.WidgetID, o.ProductID, o.VariantID, o.MerchantID,
			nullIfEmpty(o.PublisherID), nullIfEmpty(o.PlacementID), o.ProductTitle, o.VariantName, o.Quantity,
			o.Total.Currency, o.UnitPrice.Amount, o.Total.Amount, o.PublisherShareBPS, o.PlatformFeeBPS, o.PlatformFeeFixed,
			o.PaymentError,
			formatTime(o.CreatedAt), formatTime(o.ExpiresAt), holdsql.Micros(o.HeldUntil), nullIfEmpty(o.HoldNetwork))
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

// CancelOrder cancels a pending order and puts the units it holds back on
// sale; an order no longer pending is left as it is.
func (db *DB) CancelOrder(ctx context.Context, orderID string) (err error) {
	defer wrap(&err, "cancel order")
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		o, err := findOrderByID(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if stock, changed := o.Cancel(); changed {
			return db.saveOrder(ctx, tx, o, stock)
		}
		return nil
	})
}

// RenewHold moves the hold of a pending order, holding its units again
// when the hold had lapsed.
func (db *DB) RenewHold(ctx context.Context, r buycard.HoldRenewal) (_ *buycard.Order, err error) {
	defer wrap(&err, "renew hold")
	return writeTx(ctx, db, func(tx *sql.Tx) (*buycard.Order, error) {
		o, err := findOrderByID(ctx, tx, r.OrderID)
		if err != nil {
			return nil, err
		}
		reserve, err := o.Renew(r)
		if err == nil && reserve > 0 {
			err = holdStock.Reserve(ctx, db.shared(tx), o, false, r.Now)
		}
		if err != nil {
			return nil, err
		}
		return o, updateOrderState(ctx, tx, o)
	})
}

// saveOrder moves the stock of o's variant as a change of o said (see
// holdsql.Stock.Restock) and stores the order's new state.
func (db *DB) saveOrder(ctx context.Context, tx *sql.Tx, o *buycard.Order, stock int) error {
	if err := holdStock.Restock(ctx, db.shared(tx), o, stock, time.Now()); err != nil {
		return err
	}
	return updateOrderState(ctx, tx, o)
}

// updateOrderState stores the fields of o that payment events change.
func updateOrderState(ctx context.Context, tx *sql.Tx, o *buycard.Order) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE orders SET status = ?, payment_error = ?, paid_at = ?, refunded = ?, dispute_held = ?, dispute_lost = ?,
			provider_payment_id = ?, held_until = ?, hold_network = ?, oversold = ?
		WHERE id = ?`,
		o.Status, o.PaymentError, formatNullTime(o.PaidAt), o.Refunded, o.DisputeHeld, o.DisputeLost,
		nullIfEmpty(o.ProviderPaymentID), holdsql.Micros(o.HeldUntil), nullIfEmpty(o.HoldNetwork), o.Oversold, o.ID)
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
	if err := db.saveOrder(ctx, tx, o, stock); err != nil {
		return err
	}
	return ledger.AppendPaymentEvent(ctx, ledgerTx{tx}, o, e)
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
		created_at, expires_at, paid_at, held_until, COALESCE(hold_network, ''), oversold
	FROM orders`

func scanOrder(s scanner) (*buycard.Order, error) {
	o := new(buycard.Order)
	var (
		currency   string
		heldMicros *int64
	)
	err := s.Scan(&o.ID, &o.Number, &o.Status, &o.WidgetID, &o.ProductID, &o.VariantID, &o.MerchantID,
		&o.PublisherID, &o.PlacementID, &o.ProductTitle, &o.VariantName, &o.Quantity,
		&currency, &o.UnitPrice.Amount, &o.Total.Amount, &o.PublisherShareBPS, &o.PlatformFeeBPS, &o.PlatformFeeFixed,
		&o.Refunded, &o.DisputeHeld, &o.DisputeLost, &o.ProviderPaymentID,
		&o.Provider, &o.ProviderSessionID, &o.PaymentError,
		timeColumn{&o.CreatedAt}, timeColumn{&o.ExpiresAt}, nullTimeColumn{&o.PaidAt},
		&heldMicros, &o.HoldNetwork, &o.Oversold)
	if err != nil {
		return nil, err
	}
	o.UnitPrice.Currency, o.Total.Currency = currency, currency
	o.HeldUntil = holdsql.Time(heldMicros)
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
