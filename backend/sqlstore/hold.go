package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/buycard/buycard"
)

// Stock holds (hold.go at the root): holding a variant's units for a
// pending order within the client network's cap, putting them back on
// sale, taking them again for a payment, and ending the holds nobody
// renewed. The statements run in the caller's write transaction; the
// databases differ only in how a statement locks the variant row it
// reads (Dialect.ForNoKeyUpdate, Dialect.ForShare).
//
// A hold lives on its order (each store's migration 00015): held_until,
// in unix microseconds so that both databases compare it alike, is when
// it ends, NULL once the order holds nothing; hold_network is the client
// network holding, kept only while it holds. variants.held counts the
// units a limited variant's holds take, kept by the migration's triggers,
// so that a checkout reads its cap off the row it locks.

var _ buycard.HoldService = (*Store)(nil)

// Hold statements of every dialect; the two that lock a variant row are
// the dialect's (queries.lockVariant, queries.shareVariant).
const (
	// endDueHolds ends the holds on variant $1 that ended by $2 and
	// returns how many units each held.
	endDueHolds = `UPDATE orders SET held_until = NULL, hold_network = NULL
		WHERE variant_id = $1 AND held_until <= $2 RETURNING quantity`
	// networkHeld sums the units of variant $1 that pending orders of
	// network $2 hold (an order has a hold_network only while it holds),
	// over the orders_holds index; Reserve asks only when
	// the cap could bind. All of the variant's holds are variants.held,
	// which triggers keep.
	networkHeld = `SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT)
		FROM orders WHERE variant_id = $1 AND hold_network = $2`
	// addStock adds $2 units to variant $1's stock; an unlimited variant
	// has none to move.
	addStock = `UPDATE variants SET stock = stock + $2 WHERE id = $1 AND NOT unlimited`
	// variantsWithDueHolds lists the variants with holds that ended by
	// $1, in the order their rows are locked.
	variantsWithDueHolds = `SELECT DISTINCT variant_id FROM orders WHERE held_until <= $1 ORDER BY variant_id`
)

// variantHeldUntil is a column of a query of variants aliased v: when the
// first hold on the variant's units ends, NULL when none is held
// (read with heldTime).
const variantHeldUntil = `(SELECT MIN(o.held_until) FROM orders o WHERE o.variant_id = v.id AND o.held_until IS NOT NULL)`

// variantHeld is a column of an update of variants: the units its pending
// orders hold, which is variants.held for a limited variant (the
// migration's triggers keep it from then on; an unlimited variant's is 0,
// for its checkouts share the row and must not write it). Stores set it
// when a variant turns limited, with the variant's row locked.
const variantHeld = `(SELECT COALESCE(SUM(o.quantity), 0) FROM orders o WHERE o.variant_id = variants.id AND o.held_until IS NOT NULL)`

// heldMicros is t as held_until keeps it: unix microseconds, NULL for nil.
func heldMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

// heldTime is a held_until read back: nil for NULL.
func heldTime(micros *int64) *time.Time {
	if micros == nil {
		return nil
	}
	t := time.UnixMicro(*micros).UTC()
	return &t
}

// variant is a variant's row as a hold sees it, once locked.
type variant struct {
	stock     int
	unlimited bool
	held      int // units pending orders hold
	freed     int // units of ended holds that came back on sale
}

// lockVariant locks variant id's row, puts back on sale the units of the
// holds on it that ended by now, and returns the row.
func (db *Store) lockVariant(ctx context.Context, tx Tx, id string, now time.Time) (variant, error) {
	var v variant
	if err := tx.QueryRow(ctx, db.queries.lockVariant, id).Scan(&v.stock, &v.unlimited, &v.held); err != nil {
		return v, err
	}
	units, err := queryColumn[int](ctx, tx, endDueHolds, id, now.UnixMicro())
	if err != nil {
		return v, err
	}
	for _, n := range units {
		v.freed += n
	}
	v.stock, v.held = v.stock+v.freed, v.held-v.freed
	return v, moveStock(ctx, tx, id, v.freed)
}

// reserve holds o's units for o within its network's cap (see
// buycard.Order.CheckHold): it locks the variant, ends the holds on it
// that ended by now, and takes the units off stock. unlimited says the
// variant was unlimited when the card was read; its checkouts then share
// the row rather than queue for it, and take nothing off stock. Errors:
// as CheckHold.
func (db *Store) reserve(ctx context.Context, tx Tx, o *buycard.Order, unlimited bool, now time.Time) error {
	if unlimited {
		var still bool
		if err := tx.QueryRow(ctx, db.queries.shareVariant, o.VariantID).Scan(&still); err != nil || still {
			return err
		}
	}
	v, err := db.lockVariant(ctx, tx, o.VariantID, now)
	if err != nil || v.unlimited {
		return err
	}
	mine := func() (int, error) {
		var n int
		err := tx.QueryRow(ctx, networkHeld, o.VariantID, o.HoldNetwork).Scan(&n)
		return n, err
	}
	if err := o.CheckHold(v.stock, v.held, mine); err != nil {
		return err
	}
	return moveStock(ctx, tx, o.VariantID, -o.Quantity)
}

// restock moves the stock of o's variant as a change of o said
// (buycard.Order.Apply, Cancel): delta units back on sale or, when
// negative, taken again for a payment whose hold had ended. Those left are
// taken; the rest are recorded on o as Oversold, for the order is paid
// whatever is left.
func (db *Store) restock(ctx context.Context, tx Tx, o *buycard.Order, delta int, now time.Time) error {
	if delta >= 0 {
		return moveStock(ctx, tx, o.VariantID, delta)
	}
	v, err := db.lockVariant(ctx, tx, o.VariantID, now)
	if err != nil || v.unlimited {
		return err
	}
	taken := min(v.stock, -delta)
	o.Oversold = -delta - taken
	return moveStock(ctx, tx, o.VariantID, -taken)
}

// moveStock adds delta units to a variant's stock.
func moveStock(ctx context.Context, tx Tx, id string, delta int) error {
	if delta == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, addStock, id, delta)
	return err
}

// LapseHolds implements buycard.HoldService. Variants are locked in one
// order, so sweepers of several nodes never deadlock on each other.
func (db *Store) LapseHolds(ctx context.Context, t time.Time) (freed int, err error) {
	err = db.conn.Write(ctx, func(tx Tx) error {
		ids, err := queryColumn[string](ctx, tx, variantsWithDueHolds, t.UnixMicro())
		if err != nil {
			return err
		}
		for _, id := range ids {
			v, err := db.lockVariant(ctx, tx, id, t)
			if err != nil {
				return err
			}
			freed += v.freed
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("lapse holds: %w", err)
	}
	return freed, nil
}
