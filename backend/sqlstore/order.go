package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// orderNumberAttempts bounds the retries when a new order number is
// taken; with 40 random bits a second attempt is already rare.
const orderNumberAttempts = 5

// CreateOrder checks n against the catalog, holds the units and stores a
// pending order, all in one write transaction.
func (db *Store) CreateOrder(ctx context.Context, n buycard.NewOrder) (_ *buycard.Order, err error) {
	defer db.wrap(&err, "create order")
	return write(ctx, db, func(tx Tx) (*buycard.Order, error) {
		return db.createOrder(ctx, tx, n)
	})
}

// PrepareOrder implements buycard.OrderService: the order createOrder
// would price, read in one snapshot.
func (db *Store) PrepareOrder(ctx context.Context, n buycard.NewOrder) (_ *buycard.Order, err error) {
	defer db.wrap(&err, "prepare order")
	return snapshot(ctx, db, func(tx Tx) (*buycard.Order, error) {
		o, _, err := db.priceOrder(ctx, tx, &n, "")
		return o, err
	})
}

// createOrder is CreateOrder in tx: the order priced (priceOrder, the
// code's row locked) and checked against the charge of its prepared
// session, its units held, the order stored with the session and the
// code's use taken. Any failure rolls all of it back.
func (db *Store) createOrder(ctx context.Context, tx Tx, n buycard.NewOrder) (*buycard.Order, error) {
	o, v, err := db.priceOrder(ctx, tx, &n, db.dialect.ForUpdate)
	if err != nil {
		return nil, err
	}
	if n.Session != nil {
		if n.Session.Order == nil || !o.SameCharge(n.Session.Order) {
			return nil, errChargeChanged
		}
		o.Provider, o.ProviderSessionID = n.Session.Provider, n.Session.ID
	}
	if err := db.reserve(ctx, tx, o, v.Unlimited, o.CreatedAt); err != nil {
		return nil, err
	}
	if err := db.insertOrder(ctx, tx, o); err != nil {
		return nil, err
	}
	return o, db.takeOrderCode(ctx, tx, n.Pricing.Code, o)
}

// errChargeChanged refuses an order whose price, share or fee changed
// after its payment session was opened.
var errChargeChanged = buycard.Errorf(buycard.ECONFLICT, "The price changed. Review the new price and try again.")

// priceOrder reads what prices n in tx into n: the card, its pricing (the
// code's row locked with lock, "" or Dialect.ForUpdate), the credited
// publisher's contract and its placement's share notices; and returns
// the order priced, with the variant it buys.
func (db *Store) priceOrder(ctx context.Context, tx Tx, n *buycard.NewOrder, lock string) (*buycard.Order, *buycard.Variant, error) {
	card, err := db.orderCard(ctx, tx, *n)
	if err != nil {
		return nil, nil, err
	}
	if n.Pricing, err = db.pricing(ctx, tx, card, n.DiscountCode, lock); err != nil {
		return nil, nil, err
	}
	credited := n.Credited()
	if n.Contract, err = contractOf(ctx, tx, card.Merchant.ID, credited.PublisherID); err != nil {
		return nil, nil, err
	}
	if n.Notices, err = shareNotices(ctx, tx, credited.PlacementID); err != nil {
		return nil, nil, err
	}
	o, v, err := card.Order(*n)
	if err != nil {
		return nil, nil, err
	}
	// Return the times as the database keeps them.
	o.CreatedAt, o.ExpiresAt = db.dialect.StoredTime(o.CreatedAt), db.dialect.StoredTime(o.ExpiresAt)
	return o, v, nil
}

// takeOrderCode takes the use of code (nil for none) by the new order o.
func (db *Store) takeOrderCode(ctx context.Context, tx Tx, code *buycard.DiscountCode, o *buycard.Order) error {
	if code == nil {
		return nil
	}
	var buyer string
	if o.Buyer != nil {
		var err error
		if buyer, err = buycard.BuyerKey(o.Buyer.Email); err != nil {
			return err
		}
	}
	return db.takeUse(ctx, tx, code, o.ID, buyer, o.Discount, o.CreatedAt)
}

// insertOrder stores o under a fresh order number, drawing again while
// the number is taken. ON CONFLICT keeps the transaction usable after a
// taken number, which a unique violation would abort.
func (db *Store) insertOrder(ctx context.Context, tx Tx, o *buycard.Order) error {
	buyer, to := valueOrZero(o.Buyer), valueOrZero(o.ShipTo)
	for range orderNumberAttempts {
		o.Number = db.OrderNumbers()
		res, err := tx.Exec(ctx, `
			INSERT INTO orders (id, number, status, widget_id, product_id, variant_id, merchant_id,
				publisher_id, placement_id, product_title, variant_name, quantity,
				currency, unit_price, total, publisher_share_bps, platform_fee_bps, platform_fee_fixed,
				payment_error, created_at, expires_at, held_until, hold_network,
				subtotal, discount, shipping, tax, tax_on_shipping, tax_inclusive, discount_code, shipping_rate_name,
				buyer_email, buyer_name, buyer_phone, ship_name, ship_line1, ship_line2, ship_city, ship_region,
				ship_postal_code, ship_country, lang, provider, provider_session_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
				$24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44)
			ON CONFLICT (number) DO NOTHING`,
			o.ID, o.Number, o.Status, o.WidgetID, o.ProductID, o.VariantID, o.MerchantID,
			nullIfEmpty(o.PublisherID), nullIfEmpty(o.PlacementID), o.ProductTitle, o.VariantName, o.Quantity,
			o.Total.Currency, o.UnitPrice.Amount, o.Total.Amount, o.PublisherShareBPS, o.PlatformFeeBPS, o.PlatformFeeFixed,
			o.PaymentError,
			o.CreatedAt, o.ExpiresAt, heldMicros(o.HeldUntil), nullIfEmpty(o.HoldNetwork),
			o.Subtotal, o.Discount, o.Shipping, o.Tax, o.TaxOnShipping, o.TaxInclusive, o.DiscountCode, o.ShippingRateName,
			buyer.Email, buyer.Name, buyer.Phone, to.Name, to.Line1, to.Line2, to.City, to.Region, to.PostalCode, to.Country,
			o.Lang, nullIfEmpty(o.Provider), nullIfEmpty(o.ProviderSessionID))
		switch {
		case db.dialect.IsForeignKeyViolation(err): // the publisher or placement is gone
			return buycard.Errorf(buycard.ENOTFOUND, buycard.StaleCardMessage)
		case db.dialect.IsUniqueViolation(err): // the session is another order's (a taken number does nothing)
			return errSessionTaken(o.ProviderSessionID)
		case err != nil:
			return err
		case res == 0: // the number is taken
			continue
		}
		return nil
	}
	return fmt.Errorf("no free order number after %d attempts", orderNumberAttempts)
}

// AttachPaymentSession records the provider session of a pending order.
// The pair (provider, session) is unique in the database.
func (db *Store) AttachPaymentSession(ctx context.Context, orderID, provider, sessionID string) (err error) {
	defer db.wrap(&err, "attach payment session")
	if provider == "" || sessionID == "" {
		return buycard.Errorf(buycard.EINVALID, "Payment provider and session id are required.")
	}
	return db.conn.Write(ctx, func(tx Tx) error {
		o, err := db.findOpenOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE orders SET provider = $1, provider_session_id = $2 WHERE id = $3`,
			provider, sessionID, o.ID)
		if db.dialect.IsUniqueViolation(err) {
			return errSessionTaken(sessionID)
		}
		return err
	})
}

// errSessionTaken refuses a payment session recorded on another order.
func errSessionTaken(sessionID string) error {
	return buycard.Errorf(buycard.ECONFLICT, "Payment session %q belongs to another order.", sessionID)
}

// findOpenOrder locks and returns the order with id if it is pending and
// has no payment session yet.
func (db *Store) findOpenOrder(ctx context.Context, tx Tx, id string) (*buycard.Order, error) {
	o, err := findOrderByID(ctx, tx, id, db.dialect.ForUpdate)
	if err != nil {
		return nil, err
	}
	if err := o.CheckOpen(); err != nil {
		return nil, err
	}
	return o, nil
}

// CancelOrder cancels a pending order and puts the units it holds back on
// sale; an order no longer pending is left as it is. The order is locked
// first, so a payment applied meanwhile waits and then finds it canceled.
func (db *Store) CancelOrder(ctx context.Context, orderID string) (err error) {
	defer db.wrap(&err, "cancel order")
	return db.conn.Write(ctx, func(tx Tx) error {
		o, err := findOrderByID(ctx, tx, orderID, db.dialect.ForUpdate)
		if err != nil {
			return err
		}
		before := o.Status
		stock, changed := o.Cancel()
		if !changed {
			return nil
		}
		if err := db.saveOrder(ctx, tx, o, stock); err != nil {
			return err
		}
		return db.publishOrderChange(ctx, tx, before, o, "", nil)
	})
}

// RenewHold moves the hold of a pending order, locked, holding its units
// again when the hold had lapsed.
func (db *Store) RenewHold(ctx context.Context, r buycard.HoldRenewal) (_ *buycard.Order, err error) {
	defer db.wrap(&err, "renew hold")
	return write(ctx, db, func(tx Tx) (*buycard.Order, error) {
		o, err := findOrderByID(ctx, tx, r.OrderID, db.dialect.ForUpdate)
		if err != nil {
			return nil, err
		}
		reserve, err := o.Renew(r)
		if err == nil && reserve > 0 {
			err = db.reserve(ctx, tx, o, false, r.Now)
		}
		if err != nil {
			return nil, err
		}
		return o, updateOrderState(ctx, tx, o)
	})
}

// saveOrder moves the stock of o's variant as a change of o said (see
// restock, hold.go) and stores the order's new state.
func (db *Store) saveOrder(ctx context.Context, tx Tx, o *buycard.Order, stock int) error {
	if err := db.restock(ctx, tx, o, stock, time.Now()); err != nil {
		return err
	}
	return updateOrderState(ctx, tx, o)
}

// updateOrderState stores the fields of o that payment events change:
// besides the state, a payment stores the tax the provider computed (and
// the total with it), the payer and the address it reports.
func updateOrderState(ctx context.Context, tx Tx, o *buycard.Order) error {
	buyer, to := valueOrZero(o.Buyer), valueOrZero(o.ShipTo)
	_, err := tx.Exec(ctx, `
		UPDATE orders SET status = $1, payment_error = $2, paid_at = $3, refunded = $4, dispute_held = $5, dispute_lost = $6,
			provider_payment_id = $7, held_until = $8, hold_network = $9, oversold = $10,
			total = $11, tax = $12, tax_on_shipping = $13, buyer_email = $14, buyer_name = $15, buyer_phone = $16,
			ship_name = $17, ship_line1 = $18, ship_line2 = $19, ship_city = $20, ship_region = $21, ship_postal_code = $22,
			ship_country = $23
		WHERE id = $24`,
		o.Status, o.PaymentError, o.PaidAt, o.Refunded, o.DisputeHeld, o.DisputeLost, nullIfEmpty(o.ProviderPaymentID),
		heldMicros(o.HeldUntil), nullIfEmpty(o.HoldNetwork), o.Oversold,
		o.Total.Amount, o.Tax, o.TaxOnShipping, buyer.Email, buyer.Name, buyer.Phone,
		to.Name, to.Line1, to.Line2, to.City, to.Region, to.PostalCode, to.Country, o.ID)
	return err
}

// ApplyPaymentEvent applies e to the order owning its session. The order
// is locked and the event id recorded in the same transaction, and a
// replayed id changes nothing.
func (db *Store) ApplyPaymentEvent(ctx context.Context, e buycard.PaymentEvent) (_ *buycard.Order, err error) {
	defer db.wrap(&err, "apply payment event")
	if err := e.Validate(); err != nil {
		return nil, err
	}
	var changed bool
	o, err := write(ctx, db, func(tx Tx) (o *buycard.Order, err error) {
		o, changed, err = db.applyPaymentEvent(ctx, tx, e)
		return o, err
	})
	if errors.Is(err, buycard.ErrPaymentMismatch) {
		return nil, db.flagMismatch(ctx, e, err)
	}
	db.countPayment(e, changed && err == nil)
	return o, err
}

// countPayment counts e in the metrics when it changed its order, once
// that change committed: a replayed event, or one the order was past,
// counts nothing.
func (db *Store) countPayment(e buycard.PaymentEvent, changed bool) {
	if changed {
		db.metrics.PaymentApplied(e)
	}
}

// flagMismatch flags the order of e with the payment e reports, which
// was refused as not its total (mismatch), in a transaction of its own:
// nothing else changes, not even the record of the event's id. It
// returns mismatch, or the error that kept the flag from being stored
// (a retry then flags it).
func (db *Store) flagMismatch(ctx context.Context, e buycard.PaymentEvent, mismatch error) error {
	err := db.conn.Write(ctx, func(tx Tx) error {
		o, err := findPaymentOrder(ctx, tx, e.Provider, e.SessionID, e.PaymentID, db.dialect.ForUpdate)
		if err != nil || !o.FlagMismatch(e) {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE orders SET mismatched_amount = $1, mismatched_currency = $2 WHERE id = $3`,
			o.MismatchedPayment.Amount, o.MismatchedPayment.Currency, o.ID)
		return err
	})
	if err != nil {
		return err
	}
	return mismatch
}

// applyPaymentEvent is ApplyPaymentEvent of a valid event in tx, and
// reports whether it changed the order.
func (db *Store) applyPaymentEvent(ctx context.Context, tx Tx, e buycard.PaymentEvent) (*buycard.Order, bool, error) {
	o, err := findPaymentOrder(ctx, tx, e.Provider, e.SessionID, e.PaymentID, db.dialect.ForUpdate)
	if err != nil {
		return nil, false, err
	}
	fresh, err := recordEvent(ctx, tx, e, o.ID)
	if err != nil || !fresh {
		return o, false, err
	}
	changed, err := db.applyEvent(ctx, tx, o, e)
	return o, changed, err
}

// recordEvent stores the de-duplication record of e and reports whether
// the event is new. A delivery racing with another of the same event
// waits here for the other's transaction, then finds the id taken.
func recordEvent(ctx context.Context, tx Tx, e buycard.PaymentEvent, orderID string) (bool, error) {
	res, err := tx.Exec(ctx, `
		INSERT INTO payment_events (provider, event_id, type, session_id, order_id, received_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (provider, event_id) DO NOTHING`,
		e.Provider, e.ID, e.Type, e.SessionID, orderID, time.Now())
	if err != nil {
		return false, err
	}
	return res == 1, nil
}

// applyEvent moves o according to e, as buycard.Order.Apply says, and
// stores what changed, reporting whether anything did; a payment takes
// the order's license keys and appends the sale journal in the same
// transaction.
func (db *Store) applyEvent(ctx context.Context, tx Tx, o *buycard.Order, e buycard.PaymentEvent) (bool, error) {
	before := o.Status
	stock, changed, err := o.Apply(e)
	if err != nil || !changed {
		return false, err
	}
	return true, db.storeEvent(ctx, tx, before, o, e, stock)
}

// storeEvent stores the change of o, from status before, that e made,
// which moved stock units back on sale (see restock).
func (db *Store) storeEvent(ctx context.Context, tx Tx, before buycard.OrderStatus, o *buycard.Order, e buycard.PaymentEvent, stock int) error {
	wasPaid := before == buycard.OrderPaid
	if o.PaidAt != nil {
		paidAt := db.dialect.StoredTime(*o.PaidAt)
		o.PaidAt = &paidAt
	}
	if err := db.restock(ctx, tx, o, stock, time.Now()); err != nil {
		return err
	}
	if o.Status == buycard.OrderPaid && !wasPaid {
		if err := db.assignOrderLicenseKeys(ctx, tx, o); err != nil {
			return err
		}
		if err := db.tellLowStock(ctx, tx, o); err != nil {
			return err
		}
	}
	if err := updateOrderState(ctx, tx, o); err != nil {
		return err
	}
	if err := ledger.AppendPaymentEvent(ctx, tx.Ledger(), o, e); err != nil {
		return err
	}
	return db.publishOrderChange(ctx, tx, before, o, e.Type, &e.Amount)
}

// publishOrderChange records the event, if any, of o's change from
// status before by a payment event of type payment, with its amount.
func (db *Store) publishOrderChange(ctx context.Context, tx Tx, before buycard.OrderStatus, o *buycard.Order,
	payment buycard.PaymentEventType, amount *buycard.Money) error {
	typ := buycard.OrderEventAfter(before, o, payment)
	if typ == "" {
		return nil
	}
	var refund *buycard.Money
	if typ == buycard.EventOrderRefunded {
		refund = amount
	}
	return db.publishOrder(ctx, tx, typ, o, refund)
}

// FindPaymentOrder returns the order of a provider's session or payment.
func (db *Store) FindPaymentOrder(ctx context.Context, provider, sessionID, paymentID string) (_ *buycard.Order, err error) {
	defer db.wrap(&err, "find payment order")
	return snapshot(ctx, db, func(tx Tx) (*buycard.Order, error) {
		return findPaymentOrder(ctx, tx, provider, sessionID, paymentID, "")
	})
}

// FindOrder returns an order by id.
func (db *Store) FindOrder(ctx context.Context, id string) (_ *buycard.Order, err error) {
	defer db.wrap(&err, "find order")
	return snapshot(ctx, db, func(tx Tx) (*buycard.Order, error) {
		return findOrderByID(ctx, tx, id, "")
	})
}

// ExpiredOrders lists pending orders whose ExpiresAt is before t, oldest
// first.
func (db *Store) ExpiredOrders(ctx context.Context, t time.Time) (_ []*buycard.Order, err error) {
	defer db.wrap(&err, "expired orders")
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.Order, error) {
		return findOrders(ctx, tx, `status = 'pending' AND expires_at < $1 ORDER BY expires_at`, t)
	})
}

const selectOrders = `
	SELECT id, number, status, widget_id, product_id, variant_id, merchant_id,
		COALESCE(publisher_id, ''), COALESCE(placement_id, ''), product_title, variant_name, quantity,
		currency, unit_price, total, publisher_share_bps, platform_fee_bps, platform_fee_fixed,
		refunded, dispute_held, dispute_lost, COALESCE(provider_payment_id, ''),
		COALESCE(provider, ''), COALESCE(provider_session_id, ''), payment_error,
		created_at, expires_at, paid_at, held_until, COALESCE(hold_network, ''), oversold,
		subtotal, discount, shipping, tax, tax_on_shipping, tax_inclusive, discount_code, shipping_rate_name,
		buyer_email, buyer_name, buyer_phone, ship_name, ship_line1, ship_line2, ship_city, ship_region,
		ship_postal_code, ship_country, fulfillment_status, carrier, tracking_number, tracking_url, fulfilled_at,
		mismatched_amount, mismatched_currency, lang
	FROM orders`

func scanOrder(row Row) (*buycard.Order, error) {
	o := new(buycard.Order)
	var (
		currency   string
		heldMicros *int64
		buyer      buycard.Buyer
		to         buycard.Address
		f          = &o.Fulfillment
	)
	err := row.Scan(&o.ID, &o.Number, &o.Status, &o.WidgetID, &o.ProductID, &o.VariantID, &o.MerchantID,
		&o.PublisherID, &o.PlacementID, &o.ProductTitle, &o.VariantName, &o.Quantity,
		&currency, &o.UnitPrice.Amount, &o.Total.Amount, &o.PublisherShareBPS, &o.PlatformFeeBPS, &o.PlatformFeeFixed,
		&o.Refunded, &o.DisputeHeld, &o.DisputeLost, &o.ProviderPaymentID,
		&o.Provider, &o.ProviderSessionID, &o.PaymentError,
		&o.CreatedAt, &o.ExpiresAt, &o.PaidAt, &heldMicros, &o.HoldNetwork, &o.Oversold,
		&o.Subtotal, &o.Discount, &o.Shipping, &o.Tax, &o.TaxOnShipping, &o.TaxInclusive, &o.DiscountCode, &o.ShippingRateName,
		&buyer.Email, &buyer.Name, &buyer.Phone, &to.Name, &to.Line1, &to.Line2, &to.City, &to.Region,
		&to.PostalCode, &to.Country, &f.Status, &f.Carrier, &f.TrackingNumber, &f.TrackingURL, &f.FulfilledAt,
		&o.MismatchedPayment.Amount, &o.MismatchedPayment.Currency, &o.Lang)
	if err != nil {
		return nil, err
	}
	if buyer.Email != "" {
		o.Buyer = &buyer
	}
	if to.Country != "" {
		o.ShipTo = &to
	}
	o.UnitPrice.Currency, o.Total.Currency = currency, currency
	o.HeldUntil = heldTime(heldMicros)
	return o, nil
}

// findOrderByID returns the order with id; lock is "" or Dialect.ForUpdate.
func findOrderByID(ctx context.Context, tx Tx, id, lock string) (*buycard.Order, error) {
	notFound := buycard.Errorf(buycard.ENOTFOUND, "Order %q not found.", id)
	return findOrder(ctx, tx, notFound, `id = $1`+lock, id)
}

// findPaymentOrder returns the order of a provider's session, or of its
// payment when sessionID is empty; lock is "" or Dialect.ForUpdate.
func findPaymentOrder(ctx context.Context, tx Tx, provider, sessionID, paymentID, lock string) (*buycard.Order, error) {
	if sessionID != "" {
		return findOrderBySession(ctx, tx, provider, sessionID, lock)
	}
	notFound := buycard.Errorf(buycard.ENOTFOUND, "No order has payment %q.", paymentID)
	return findOrder(ctx, tx, notFound, `provider = $1 AND provider_payment_id = $2`+lock, provider, paymentID)
}

// findOrderBySession returns the order with the session; lock is "" or
// Dialect.ForUpdate.
func findOrderBySession(ctx context.Context, tx Tx, provider, sessionID, lock string) (*buycard.Order, error) {
	notFound := buycard.Errorf(buycard.ENOTFOUND, "No order has payment session %q.", sessionID)
	return findOrder(ctx, tx, notFound, `provider = $1 AND provider_session_id = $2`+lock, provider, sessionID)
}

// findOrder returns the one order matching where, or notFound.
func findOrder(ctx context.Context, tx Tx, notFound error, where string, args ...any) (*buycard.Order, error) {
	o, err := scanOrder(tx.QueryRow(ctx, selectOrders+` WHERE `+where, args...))
	if errors.Is(err, ErrNoRows) {
		return nil, notFound
	}
	return o, err
}

// findOrders returns the orders matching where.
func findOrders(ctx context.Context, tx Tx, where string, args ...any) ([]*buycard.Order, error) {
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
