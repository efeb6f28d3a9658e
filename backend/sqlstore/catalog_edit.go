package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/buycard/buycard"
)

// Merchant-side reads and edits of products and widgets (issue 6).

// ListProducts returns the merchant's products, newest first.
func (db *Store) ListProducts(ctx context.Context, merchantID string) (_ []*buycard.Product, err error) {
	defer db.wrap(&err, "list products")
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.Product, error) {
		return db.findProducts(ctx, tx, `p.merchant_id = $1 ORDER BY p.created_at DESC, p.id DESC`, merchantID)
	})
}

// FindProduct returns one product with its variants.
func (db *Store) FindProduct(ctx context.Context, id string) (_ *buycard.Product, err error) {
	defer db.wrap(&err, "find product")
	return snapshot(ctx, db, func(tx Tx) (*buycard.Product, error) {
		return db.findProduct(ctx, tx, id)
	})
}

func (db *Store) findProduct(ctx context.Context, tx Tx, id string) (*buycard.Product, error) {
	ps, err := db.findProducts(ctx, tx, `p.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Product %q not found.", id)
	}
	return ps[0], nil
}

// findProducts reads the products matching where, a condition on the
// products alias p with one parameter, and their variants.
func (db *Store) findProducts(ctx context.Context, tx Tx, where string, arg any) ([]*buycard.Product, error) {
	rows, err := tx.Query(ctx, `SELECT `+productColumns+` FROM products p WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []*buycard.Product
	var ids []string
	for rows.Next() {
		p := new(buycard.Product)
		if err := rows.Scan(productFields(p)...); err != nil {
			return nil, err
		}
		ps, ids = append(ps, p), append(ids, p.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	variants, err := db.findVariants(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		p.Variants = variants[p.ID]
	}
	return ps, nil
}

// findProductOf returns the merchant's product; another merchant's is not
// found.
func (db *Store) findProductOf(ctx context.Context, tx Tx, merchantID, id string) (*buycard.Product, error) {
	p, err := db.findProduct(ctx, tx, id)
	if err == nil && p.MerchantID != merchantID {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Product %q not found.", id)
	}
	return p, err
}

// UpdateProduct applies the merchant's edit p to the stored product and
// fills p in with the result.
func (db *Store) UpdateProduct(ctx context.Context, p *buycard.Product) (err error) {
	defer db.wrap(&err, "update product")
	return db.conn.Write(ctx, func(tx Tx) error {
		old, err := db.findProductOf(ctx, tx, p.MerchantID, p.ID)
		if err != nil {
			return err
		}
		next, removed, err := old.Edited(p)
		if err != nil {
			return err
		}
		// Positions are unique: move the stored ones out of the way first.
		if _, err := tx.Exec(ctx, `UPDATE variants SET position = -1 - position WHERE product_id = $1`, p.ID); err != nil {
			return err
		}
		for _, id := range removed {
			if err := deleteVariant(ctx, tx, id); err != nil {
				return err
			}
		}
		for i := range next.Variants {
			v := &next.Variants[i]
			if v.ID == "" {
				v.ID = newID("", "var")
				err = db.insertVariant(ctx, tx, p.ID, i, *v)
			} else {
				_, err = tx.Exec(ctx, `UPDATE variants SET position = $1, name = $2, price = $3, stock = $4, unlimited = $5,
					held = CASE WHEN $5 THEN 0 ELSE `+variantHeld+` END,
					low_stock_told = low_stock_told AND NOT $7 WHERE id = $6`,
					i, v.Name, v.Price, v.Stock, v.Unlimited, v.ID, v.Stock > buycard.LowStockThreshold)
			}
			if err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `
			UPDATE products SET title = $1, description = $2, image_url = $3, image_width = $4, image_height = $5,
				image_alt = $6, option_name = $7, max_per_order = $8, price_version = $9, kind = $10
			WHERE id = $11`,
			next.Title, next.Description, next.Image.URL, next.Image.Width, next.Image.Height,
			next.Image.Alt, next.OptionName, next.MaxPerOrder, next.PriceVersion, next.Kind, next.ID)
		if err == nil {
			*p = *next
		}
		return err
	})
}

// deleteVariant removes a variant no order names; orders keep theirs.
func deleteVariant(ctx context.Context, tx Tx, id string) error {
	var ordered bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM orders WHERE variant_id = $1)`, id).Scan(&ordered); err != nil {
		return err
	}
	if ordered {
		return buycard.Errorf(buycard.ECONFLICT, "Variant %q has orders and cannot be removed; set its stock to 0 instead.", id)
	}
	_, err := tx.Exec(ctx, `DELETE FROM variants WHERE id = $1`, id)
	return err
}

// ArchiveProduct marks the merchant's product archived, once.
func (db *Store) ArchiveProduct(ctx context.Context, merchantID, id string, at time.Time) (err error) {
	defer db.wrap(&err, "archive product")
	return db.conn.Write(ctx, func(tx Tx) error {
		res, err := tx.Exec(ctx, `UPDATE products SET archived_at = COALESCE(archived_at, $1) WHERE id = $2 AND merchant_id = $3`,
			db.dialect.StoredTime(at), id, merchantID)
		if err != nil {
			return err
		}
		if res == 0 {
			return buycard.Errorf(buycard.ENOTFOUND, "Product %q not found.", id)
		}
		return nil
	})
}

// ListWidgets returns the merchant's widgets, newest first.
func (db *Store) ListWidgets(ctx context.Context, merchantID string) (_ []*buycard.Widget, err error) {
	defer db.wrap(&err, "list widgets")
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.Widget, error) {
		rows, err := tx.Query(ctx, `SELECT `+widgetColumns+` FROM widgets w
			WHERE w.merchant_id = $1 ORDER BY w.created_at DESC, w.id DESC`, merchantID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var ws []*buycard.Widget
		for rows.Next() {
			w := new(buycard.Widget)
			if err := rows.Scan(widgetFields(w)...); err != nil {
				return nil, err
			}
			ws = append(ws, storedDomains(w))
		}
		return ws, rows.Err()
	})
}

// FindWidget returns one widget.
func (db *Store) FindWidget(ctx context.Context, id string) (_ *buycard.Widget, err error) {
	defer db.wrap(&err, "find widget")
	return snapshot(ctx, db, func(tx Tx) (*buycard.Widget, error) {
		return findWidget(ctx, tx, id)
	})
}

func findWidget(ctx context.Context, tx Tx, id string) (*buycard.Widget, error) {
	w := new(buycard.Widget)
	err := tx.QueryRow(ctx, `SELECT `+widgetColumns+` FROM widgets w WHERE w.id = $1`, id).Scan(widgetFields(w)...)
	if errors.Is(err, ErrNoRows) {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Widget %q not found.", id)
	}
	return storedDomains(w), err
}

// storedDomains reads no allowed domains as nil, as CreateWidget takes it.
func storedDomains(w *buycard.Widget) *buycard.Widget {
	if len(w.AllowedDomains) == 0 {
		w.AllowedDomains = nil
	}
	return w
}

// UpdateWidget replaces the widget's editable fields and fills w in with
// the result.
func (db *Store) UpdateWidget(ctx context.Context, w *buycard.Widget) (err error) {
	defer db.wrap(&err, "update widget")
	return db.conn.Write(ctx, func(tx Tx) error {
		old, err := findWidget(ctx, tx, w.ID)
		if err == nil && old.MerchantID != w.MerchantID {
			err = buycard.Errorf(buycard.ENOTFOUND, "Widget %q not found.", w.ID)
		}
		if err != nil {
			return err
		}
		next := old.Edited(w)
		if err := next.Validate(); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE widgets SET cta = $1, publisher_share_bps = $2, allowed_domains = $3, checkout_mode = $4,
				theme_color = $5, corner_radius = $6, color_scheme = $7, layout = $8, locale = $9, closed_to_publishers = $10,
				list_without_share = $12
			WHERE id = $11`,
			next.CTA, next.PublisherShareBPS, nonNil(next.AllowedDomains), next.CheckoutMode,
			next.ThemeColor, next.CornerRadius, next.ColorScheme, next.Layout, next.Locale, next.ClosedToPublishers, next.ID,
			next.ListedWithoutShare)
		if err != nil {
			return err
		}
		*w = *next
		if old.PublisherShareBPS == next.PublisherShareBPS {
			return nil
		}
		return db.publishWidgetShareChange(ctx, tx, old, next)
	})
}

// publishWidgetShareChange tells the publishers with a placement of the
// widget, and no contract with its merchant that overrides its share,
// that the share changed from old's to next's; a lower share comes with
// a notice for each of their placements of it, which keeps old's share
// until the notice period ends.
func (db *Store) publishWidgetShareChange(ctx context.Context, tx Tx, old, next *buycard.Widget) error {
	const uncontracted = `pl.widget_id = $1 AND NOT EXISTS (
			SELECT 1 FROM publisher_contracts c WHERE c.merchant_id = $2 AND c.publisher_id = pl.publisher_id)`
	publishers, err := queryColumn[string](ctx, tx, `
		SELECT DISTINCT pl.publisher_id FROM placements pl WHERE `+uncontracted+`
		ORDER BY pl.publisher_id`, next.ID, next.MerchantID)
	if err != nil {
		return err
	}
	change := buycard.ShareChange{MerchantID: next.MerchantID, WidgetID: next.ID, BeforeBPS: &old.PublisherShareBPS, ShareBPS: next.PublisherShareBPS}
	if next.PublisherShareBPS < old.PublisherShareBPS && len(publishers) > 0 {
		now := time.Now()
		change.KeptUntil = db.noticeUntil(now)
		_, err := tx.Exec(ctx, `
			INSERT INTO share_notices (placement_id, share_bps, until, created_at)
			SELECT pl.id, $3, $4, $5 FROM placements pl WHERE `+uncontracted,
			next.ID, next.MerchantID, old.PublisherShareBPS, *change.KeptUntil, db.dialect.StoredTime(now))
		if err != nil {
			return err
		}
	}
	if err := tx.QueryRow(ctx, `SELECT title FROM products WHERE id = $1`, next.ProductID).Scan(&change.ProductTitle); err != nil {
		return err
	}
	return db.publishShareChange(ctx, tx, change, publishers)
}

// nonNil is list, or an empty list for nil, which would store NULL.
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
