package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/buycard/buycard"
)

// staleCard is the message for claims that no longer match the catalog.
const staleCard = "This card is out of date. Reload the page."

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
		return nil, buycard.Errorf(buycard.ENOTFOUND, staleCard)
	}
	if err != nil {
		return nil, err
	}
	o, v, err := newOrder(card, n)
	if err != nil {
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

// newOrder prices the order n asks for from card, and returns it with the
// variant bought.
func newOrder(card *buycard.Card, n buycard.NewOrder) (*buycard.Order, *buycard.Variant, error) {
	if err := checkClaims(card, n.Claims); err != nil {
		return nil, nil, err
	}
	p := &card.Product
	v := p.Variant(n.VariantID)
	if v == nil {
		return nil, nil, buycard.Errorf(buycard.EINVALID, "Choose one of the listed options.")
	}
	if err := buycard.ValidateQuantity(n.Quantity, p.MaxPerOrder); err != nil {
		return nil, nil, err
	}
	unit := buycard.Money{Amount: v.Price, Currency: p.Currency}
	total, err := unit.Times(int64(n.Quantity))
	if err != nil {
		return nil, nil, err
	}
	o := &buycard.Order{
		ID:           buycard.NewID("ord"),
		Status:       buycard.OrderPending,
		WidgetID:     card.Widget.ID,
		ProductID:    p.ID,
		VariantID:    v.ID,
		MerchantID:   card.Merchant.ID,
		PublisherID:  n.Claims.PublisherID,
		PlacementID:  n.Claims.PlacementID,
		ProductTitle: p.Title,
		VariantName:  v.Name,
		Quantity:     n.Quantity,
		UnitPrice:    unit,
		Total:        total,
		CreatedAt:    createdAt(n.Now),
		ExpiresAt:    n.ExpiresAt.UTC(),
	}
	// A sale no publisher made shares nothing.
	if o.PublisherID != "" {
		o.PublisherShareBPS = card.Widget.PublisherShareBPS
	}
	return o, v, nil
}

// checkClaims checks that the placement token still describes card.
func checkClaims(card *buycard.Card, c buycard.PlacementClaims) error {
	switch {
	case card.Product.ID != c.ProductID:
		return buycard.Errorf(buycard.EINVALID, staleCard)
	case !card.Merchant.ChargesEnabled:
		return buycard.Errorf(buycard.ECONFLICT, "This merchant cannot take payments right now.")
	case card.Product.PriceVersion != c.PriceVersion:
		return buycard.Errorf(buycard.ECONFLICT, "The price changed. Review the new price and try again.")
	}
	return nil
}

// reserveStock takes quantity units of v off its stock, or fails with
// ECONFLICT when fewer are left. v was read in the same transaction.
func reserveStock(ctx context.Context, tx *sql.Tx, v *buycard.Variant, quantity int) error {
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
	case v.Stock <= 0:
		return buycard.Errorf(buycard.ECONFLICT, "Sold out.")
	}
	return buycard.Errorf(buycard.ECONFLICT, "Only %d left.", v.Stock)
}

// addStock changes the stock of a variant by delta, never below zero.
func addStock(ctx context.Context, tx *sql.Tx, variantID string, delta int) error {
	_, err := tx.ExecContext(ctx, `UPDATE variants SET stock = MAX(stock + ?, 0) WHERE id = ?`, delta, variantID)
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
				currency, unit_price, total, publisher_share_bps, payment_error, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Number, o.Status, o.WidgetID, o.ProductID, o.VariantID, o.MerchantID,
			nullIfEmpty(o.PublisherID), nullIfEmpty(o.PlacementID), o.ProductTitle, o.VariantName, o.Quantity,
			o.Total.Currency, o.UnitPrice.Amount, o.Total.Amount, o.PublisherShareBPS, o.PaymentError,
			formatTime(o.CreatedAt), formatTime(o.ExpiresAt))
		switch {
		case hasCode(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE): // the number is taken
			continue
		case isForeignKeyViolation(err): // the publisher or placement is gone
			return buycard.Errorf(buycard.ENOTFOUND, staleCard)
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
	switch {
	case err != nil:
		return nil, err
	case o.Status != buycard.OrderPending:
		return nil, buycard.Errorf(buycard.ECONFLICT, "This order is %s, not pending.", o.Status)
	case o.ProviderSessionID != "":
		return nil, buycard.Errorf(buycard.ECONFLICT, "This order already has a payment session.")
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
		UPDATE orders SET status = ?, payment_error = ?, paid_at = ? WHERE id = ?`,
		o.Status, o.PaymentError, formatNullTime(o.PaidAt), o.ID)
	return err
}

// ApplyPaymentEvent applies e to the order owning its session. The event
// id is recorded in the same transaction, and a replayed id changes
// nothing.
func (db *DB) ApplyPaymentEvent(ctx context.Context, e buycard.PaymentEvent) (_ *buycard.Order, err error) {
	defer wrap(&err, "apply payment event")
	if err := validateEvent(e); err != nil {
		return nil, err
	}
	return writeTx(ctx, db, func(tx *sql.Tx) (*buycard.Order, error) {
		o, err := findOrderBySession(ctx, tx, e.Provider, e.SessionID)
		if err != nil {
			return nil, err
		}
		fresh, err := recordEvent(ctx, tx, e, o.ID)
		if err != nil || !fresh {
			return o, err
		}
		return o, applyEvent(ctx, tx, o, e)
	})
}

var eventTypes = []buycard.PaymentEventType{buycard.PaymentSucceeded, buycard.PaymentFailed, buycard.SessionExpired}

func validateEvent(e buycard.PaymentEvent) error {
	switch {
	case e.ID == "" || e.Provider == "" || e.SessionID == "":
		return buycard.Errorf(buycard.EINVALID, "Payment event id, provider and session id are required.")
	case e.OccurredAt.IsZero():
		return buycard.Errorf(buycard.EINVALID, "Payment event time is required.")
	case !slices.Contains(eventTypes, e.Type):
		return buycard.Errorf(buycard.EINVALID, "Unknown payment event type %q.", e.Type)
	}
	return nil
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

// applyEvent moves o according to e. Events that do not fit the order's
// state leave it as it is.
func applyEvent(ctx context.Context, tx *sql.Tx, o *buycard.Order, e buycard.PaymentEvent) error {
	switch {
	case e.Type == buycard.PaymentSucceeded:
		return markPaid(ctx, tx, o, e)
	case o.Status != buycard.OrderPending:
		return nil
	case e.Type == buycard.PaymentFailed:
		o.PaymentError = e.Message
		return updateOrderState(ctx, tx, o)
	}
	return release(ctx, tx, o, buycard.OrderExpired)
}

// markPaid marks o paid at e.OccurredAt. An order that expired or was
// canceled meanwhile is paid all the same, for the money was taken, and
// takes its stock again.
func markPaid(ctx context.Context, tx *sql.Tx, o *buycard.Order, e buycard.PaymentEvent) error {
	if e.Amount != o.Total {
		return buycard.Errorf(buycard.EINVALID, "The amount paid does not match the order total.")
	}
	switch o.Status {
	case buycard.OrderPaid:
		return nil
	case buycard.OrderExpired, buycard.OrderCanceled:
		if err := addStock(ctx, tx, o.VariantID, -o.Quantity); err != nil {
			return err
		}
	}
	paidAt := e.OccurredAt.UTC()
	o.Status, o.PaidAt, o.PaymentError = buycard.OrderPaid, &paidAt, ""
	return updateOrderState(ctx, tx, o)
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
		currency, unit_price, total, publisher_share_bps,
		COALESCE(provider, ''), COALESCE(provider_session_id, ''), payment_error,
		created_at, expires_at, paid_at
	FROM orders`

func scanOrder(s scanner) (*buycard.Order, error) {
	o := new(buycard.Order)
	var currency string
	err := s.Scan(&o.ID, &o.Number, &o.Status, &o.WidgetID, &o.ProductID, &o.VariantID, &o.MerchantID,
		&o.PublisherID, &o.PlacementID, &o.ProductTitle, &o.VariantName, &o.Quantity,
		&currency, &o.UnitPrice.Amount, &o.Total.Amount, &o.PublisherShareBPS,
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
