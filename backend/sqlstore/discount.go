package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/buycard/buycard"
)

// Discount codes (discount.go at the root) and their uses, in each store's
// migration 00019. A use is counted by takeUse, in the caller's write
// transaction (CreateOrder's, which takes an order's code with its stock,
// or RedeemDiscount's): the code's row is locked when it is looked up, the
// per-buyer uses counted under that lock, and redeemed raised by a
// conditional UPDATE that never passes max_redemptions, so that of N
// checkouts racing for a code's last use exactly one gets it. The migration's triggers give a use back when
// its order is canceled or expires.

var _ buycard.DiscountService = (*Store)(nil)

// discountColumns are read with scanDiscount; d is the discount_codes
// alias.
const discountColumns = `d.id, d.merchant_id, d.code, d.percent_bps, d.amount_off, d.min_subtotal, d.starts_at, d.ends_at,
	d.max_redemptions, d.max_per_buyer, d.product_ids, d.widget_ids, d.placement_id, d.redeemed, d.created_at, d.archived_at`

// scanDiscount reads a row of discountColumns followed by extra.
func scanDiscount(row Row, extra ...any) (*buycard.DiscountCode, error) {
	c := new(buycard.DiscountCode)
	var amountOff, minSubtotal string
	var placement *string
	dest := append([]any{&c.ID, &c.MerchantID, &c.Code, &c.PercentBPS, &amountOff, &minSubtotal, &c.StartsAt, &c.EndsAt,
		&c.MaxRedemptions, &c.MaxPerBuyer, &c.ProductIDs, &c.WidgetIDs, &placement, &c.Redeemed, &c.CreatedAt, &c.ArchivedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if err := decodeAmounts(amountOff, &c.AmountOff); err != nil {
		return nil, err
	}
	if err := decodeAmounts(minSubtotal, &c.MinSubtotal); err != nil {
		return nil, err
	}
	if placement != nil {
		c.PlacementID = *placement
	}
	c.ProductIDs, c.WidgetIDs = nilIfEmpty(c.ProductIDs), nilIfEmpty(c.WidgetIDs)
	return c, nil
}

// decodeAmounts reads amounts per currency; {} reads as nil.
func decodeAmounts(s string, m *map[string]int64) error {
	if err := json.Unmarshal([]byte(s), m); err != nil {
		return err
	}
	if len(*m) == 0 {
		*m = nil
	}
	return nil
}

// encodeAmounts writes amounts per currency, {} for none.
func encodeAmounts(m map[string]int64) string {
	b, _ := json.Marshal(fixedOrEmpty(m)) // a map of numbers always encodes
	return string(b)
}

func nilIfEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}

// emptyIfNil is list, [] for nil: a NULL would break NOT NULL.
func emptyIfNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// discountFields are the written columns of c after id and merchant_id,
// in the order of discountColumns.
func (db *Store) discountFields(c *buycard.DiscountCode) []any {
	return []any{c.Code, c.PercentBPS, encodeAmounts(c.AmountOff), encodeAmounts(c.MinSubtotal),
		db.storedTime(c.StartsAt), db.storedTime(c.EndsAt), c.MaxRedemptions, c.MaxPerBuyer,
		emptyIfNil(c.ProductIDs), emptyIfNil(c.WidgetIDs), nullIfEmpty(c.PlacementID)}
}

// storedTime is *t as the database keeps it, nil for nil; it sets *t too
// so that the caller's value reads back equal.
func (db *Store) storedTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	*t = db.dialect.StoredTime(*t)
	return t
}

// CreateDiscountCode implements buycard.DiscountService.
func (db *Store) CreateDiscountCode(ctx context.Context, c *buycard.DiscountCode) (err error) {
	defer db.wrap(&err, "create discount code")
	if err := c.Validate(); err != nil {
		return err
	}
	c.ID, c.CreatedAt, c.Redeemed = newID(c.ID, "dsc"), db.createdAt(c.CreatedAt), 0
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := db.checkDiscountTargets(ctx, tx, c); err != nil {
			return err
		}
		args := append([]any{c.ID, c.MerchantID}, db.discountFields(c)...)
		_, err := tx.Exec(ctx, `
			INSERT INTO discount_codes (id, merchant_id, code, percent_bps, amount_off, min_subtotal, starts_at, ends_at,
				max_redemptions, max_per_buyer, product_ids, widget_ids, placement_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			append(args, c.CreatedAt)...)
		return db.codeTaken(c, err)
	})
}

// codeTaken turns the unique violation of a code the merchant has
// already into ECONFLICT.
func (db *Store) codeTaken(c *buycard.DiscountCode, err error) error {
	if db.dialect.IsUniqueViolation(err) {
		return buycard.Errorf(buycard.ECONFLICT, "You have a code %s already.", c.Code)
	}
	return err
}

// UpdateDiscountCode implements buycard.DiscountService.
func (db *Store) UpdateDiscountCode(ctx context.Context, c *buycard.DiscountCode) (err error) {
	defer db.wrap(&err, "update discount code")
	if err := c.Validate(); err != nil {
		return err
	}
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := db.checkDiscountTargets(ctx, tx, c); err != nil {
			return err
		}
		args := append(db.discountFields(c), c.ID, c.MerchantID)
		err := updateOne(ctx, tx, discountNotFound(c.ID), `
			UPDATE discount_codes SET code = $1, percent_bps = $2, amount_off = $3, min_subtotal = $4, starts_at = $5,
				ends_at = $6, max_redemptions = $7, max_per_buyer = $8, product_ids = $9, widget_ids = $10, placement_id = $11
			WHERE id = $12 AND merchant_id = $13`, args...)
		return db.codeTaken(c, err)
	})
}

func discountNotFound(id string) error {
	return buycard.Errorf(buycard.ENOTFOUND, "Discount code %q not found.", id)
}

// checkDiscountTargets checks that the products, widgets and placement c
// names are its merchant's. Errors: ENOTFOUND.
func (db *Store) checkDiscountTargets(ctx context.Context, tx Tx, c *buycard.DiscountCode) error {
	for _, t := range []struct {
		what, table string
		ids         []string
	}{{"product", "products", c.ProductIDs}, {"widget", "widgets", c.WidgetIDs}} {
		ids := slices.Compact(slices.Sorted(slices.Values(t.ids)))
		if len(ids) == 0 {
			continue
		}
		var n int
		err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+t.table+` WHERE merchant_id = $2 AND id `+db.dialect.In("$1"),
			ids, c.MerchantID).Scan(&n)
		if err != nil {
			return err
		}
		if n != len(ids) {
			return buycard.Errorf(buycard.ENOTFOUND, "A %s of the code is not one of yours.", t.what)
		}
	}
	if c.PlacementID == "" {
		return nil
	}
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM placements pl JOIN widgets w ON w.id = pl.widget_id
		WHERE pl.id = $1 AND w.merchant_id = $2`, c.PlacementID, c.MerchantID).Scan(&one)
	if errors.Is(err, ErrNoRows) {
		return buycard.Errorf(buycard.ENOTFOUND, "Placement %q does not carry one of your widgets.", c.PlacementID)
	}
	return err
}

// ArchiveDiscountCode implements buycard.DiscountService.
func (db *Store) ArchiveDiscountCode(ctx context.Context, merchantID, id string, now time.Time) (_ *buycard.DiscountCode, err error) {
	defer db.wrap(&err, "archive discount code")
	return write(ctx, db, func(tx Tx) (*buycard.DiscountCode, error) {
		err := updateOne(ctx, tx, discountNotFound(id),
			`UPDATE discount_codes SET archived_at = COALESCE(archived_at, $1) WHERE id = $2 AND merchant_id = $3`,
			db.dialect.StoredTime(now), id, merchantID)
		if err != nil {
			return nil, err
		}
		return findDiscount(ctx, tx, discountNotFound(id), `d.id = $1`, id)
	})
}

// FindDiscountCode implements buycard.DiscountService.
func (db *Store) FindDiscountCode(ctx context.Context, id string) (_ *buycard.DiscountCode, err error) {
	defer db.wrap(&err, "find discount code")
	return findDiscount(ctx, db.pool, discountNotFound(id), `d.id = $1`, id)
}

// LookupDiscountCode implements buycard.DiscountService.
func (db *Store) LookupDiscountCode(ctx context.Context, merchantID, code string) (_ *buycard.DiscountCode, err error) {
	defer db.wrap(&err, "look up discount code")
	return db.lookupDiscount(ctx, db.pool, merchantID, code, "")
}

// lookupDiscount returns merchantID's code as typed, locked with lock.
func (db *Store) lookupDiscount(ctx context.Context, tx Tx, merchantID, code, lock string) (*buycard.DiscountCode, error) {
	code, err := buycard.NormalizeDiscountCode(code)
	if err != nil {
		return nil, buycard.ErrUnknownDiscountCode
	}
	return findDiscount(ctx, tx, buycard.ErrUnknownDiscountCode, `d.merchant_id = $1 AND d.code = $2`+lock, merchantID, code)
}

// findDiscount returns the code where says, notFound when none.
func findDiscount(ctx context.Context, tx Tx, notFound error, where string, args ...any) (*buycard.DiscountCode, error) {
	c, err := scanDiscount(tx.QueryRow(ctx, `SELECT `+discountColumns+` FROM discount_codes d WHERE `+where, args...))
	if errors.Is(err, ErrNoRows) {
		return nil, notFound
	}
	return c, err
}

// ListDiscountCodes implements buycard.DiscountService.
func (db *Store) ListDiscountCodes(ctx context.Context, merchantID string) (_ []*buycard.DiscountCode, err error) {
	defer db.wrap(&err, "list discount codes")
	return queryAll(ctx, db, db.pool, "list discount codes", func(rows Rows) ([]*buycard.DiscountCode, error) {
		list := []*buycard.DiscountCode{}
		for rows.Next() {
			c, err := scanDiscount(rows)
			if err != nil {
				return nil, err
			}
			list = append(list, c)
		}
		return list, rows.Err()
	}, `SELECT `+discountColumns+` FROM discount_codes d WHERE d.merchant_id = $1 ORDER BY d.created_at DESC, d.id`, merchantID)
}

// MerchantPlacements implements buycard.DiscountService.
func (db *Store) MerchantPlacements(ctx context.Context, merchantID string) (_ []*buycard.MerchantPlacement, err error) {
	defer db.wrap(&err, "merchant placements")
	return queryAll(ctx, db, db.pool, "merchant placements", func(rows Rows) ([]*buycard.MerchantPlacement, error) {
		list := []*buycard.MerchantPlacement{}
		for rows.Next() {
			p := new(buycard.MerchantPlacement)
			if err := rows.Scan(&p.ID, &p.Name, &p.WidgetID, &p.PublisherName); err != nil {
				return nil, err
			}
			list = append(list, p)
		}
		return list, rows.Err()
	}, `SELECT pl.id, pl.name, pl.widget_id, pub.name FROM placements pl
		JOIN widgets w ON w.id = pl.widget_id JOIN publishers pub ON pub.id = pl.publisher_id
		WHERE w.merchant_id = $1 ORDER BY pub.name, pl.name, pl.id`, merchantID)
}

// PlacementCodes implements buycard.DiscountService.
func (db *Store) PlacementCodes(ctx context.Context, publisherID string, now time.Time) (_ []*buycard.PlacementCode, err error) {
	defer db.wrap(&err, "placement codes")
	return queryAll(ctx, db, db.pool, "placement codes", func(rows Rows) ([]*buycard.PlacementCode, error) {
		list := []*buycard.PlacementCode{}
		for rows.Next() {
			var placement, merchant string
			c, err := scanDiscount(rows, &placement, &merchant)
			if err != nil {
				return nil, err
			}
			list = append(list, buycard.PlacementCodeOf(c, placement, merchant, now))
		}
		return list, rows.Err()
	}, `SELECT `+discountColumns+`, pl.name, m.name FROM discount_codes d
		JOIN placements pl ON pl.id = d.placement_id JOIN merchants m ON m.id = d.merchant_id
		WHERE pl.publisher_id = $1 ORDER BY d.created_at DESC, d.id`, publisherID)
}

// RedeemDiscount implements buycard.DiscountService.
func (db *Store) RedeemDiscount(ctx context.Context, r buycard.DiscountRedemption) (_ *buycard.Redeemed, err error) {
	defer db.wrap(&err, "redeem discount")
	return write(ctx, db, func(tx Tx) (*buycard.Redeemed, error) {
		return db.redeemDiscount(ctx, tx, r)
	})
}

// errOrderHasCode refuses a second code on an order.
var errOrderHasCode = buycard.Errorf(buycard.ECONFLICT, "This order has a discount code already.")

// redeemDiscount takes a use of the code r names for the pending order
// r.OrderID in tx (CreateOrder's, once the order is inserted). See
// DiscountService.RedeemDiscount.
func (db *Store) redeemDiscount(ctx context.Context, tx Tx, r buycard.DiscountRedemption) (*buycard.Redeemed, error) {
	if err := requirePendingOrderOf(ctx, tx, r.OrderID, r.MerchantID); err != nil {
		return nil, err
	}
	buyer, err := buycard.BuyerKey(r.Buyer)
	if err != nil {
		return nil, err
	}
	c, err := db.lookupDiscount(ctx, tx, r.MerchantID, r.Code, db.dialect.ForUpdate)
	if err != nil {
		return nil, err
	}
	discount, err := c.Apply(r.Subtotal, r.ProductID, r.WidgetID, r.Now)
	if err != nil {
		return nil, err
	}
	if err := db.takeUse(ctx, tx, c, r.OrderID, buyer, discount, r.Now); err != nil {
		return nil, err
	}
	return &buycard.Redeemed{Code: c, Discount: discount}, nil
}

// takeUse counts a use of c, looked up locked in tx and checked by Apply,
// by the order orderID of buyer (a BuyerKey) taking discount off:
// checkBuyerUses, then a conditional UPDATE that never passes
// max_redemptions, then the redemption, one per order. Errors: as
// checkBuyerUses, ECONFLICT (used up, the order has a code).
func (db *Store) takeUse(ctx context.Context, tx Tx, c *buycard.DiscountCode, orderID, buyer string, discount int64, now time.Time) error {
	if err := checkBuyerUses(ctx, tx, c, buyer); err != nil {
		return err
	}
	n, err := tx.Exec(ctx, `UPDATE discount_codes SET redeemed = redeemed + 1
		WHERE id = $1 AND (max_redemptions = 0 OR redeemed < max_redemptions)`, c.ID)
	switch {
	case err != nil:
		return err
	case n == 0:
		return buycard.Errorf(buycard.ECONFLICT, "The code %s has been used up.", c.Code)
	}
	n, err = tx.Exec(ctx, `INSERT INTO discount_redemptions (order_id, code_id, buyer, discount, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING`,
		orderID, c.ID, buyer, discount, db.createdAt(now))
	switch {
	case err != nil:
		return err
	case n == 0:
		return errOrderHasCode
	}
	c.Redeemed++
	return nil
}

// requirePendingOrderOf checks that order id is merchantID's and pending.
func requirePendingOrderOf(ctx context.Context, tx Tx, id, merchantID string) error {
	var status buycard.OrderStatus
	err := tx.QueryRow(ctx, `SELECT status FROM orders WHERE id = $1 AND merchant_id = $2`, id, merchantID).Scan(&status)
	switch {
	case errors.Is(err, ErrNoRows):
		return buycard.Errorf(buycard.ENOTFOUND, "Order %q not found.", id)
	case err != nil:
		return err
	case status != buycard.OrderPending:
		return buycard.Errorf(buycard.ECONFLICT, "This order is %s: it can no longer take a code.", status)
	}
	return nil
}

// checkBuyerUses refuses a use of c over its per-buyer limit; the
// code's row is locked, so that the count stands until the transaction
// ends. Errors: EINVALID (no email for a limited code), ECONFLICT.
func checkBuyerUses(ctx context.Context, tx Tx, c *buycard.DiscountCode, buyer string) error {
	if c.MaxPerBuyer == 0 {
		return nil
	}
	if buyer == "" {
		return buycard.Errorf(buycard.EINVALID, "Enter your email to use the code %s.", c.Code)
	}
	var uses int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM discount_redemptions WHERE code_id = $1 AND buyer = $2`,
		c.ID, buyer).Scan(&uses); err != nil {
		return err
	}
	if uses >= c.MaxPerBuyer {
		return buycard.Errorf(buycard.ECONFLICT, "You have used the code %s as many times as it allows.", c.Code)
	}
	return nil
}
