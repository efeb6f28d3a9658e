package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/holdsql"
)

// Merchant-side reads and edits of products and widgets (issue 6).

// ListProducts returns the merchant's products, newest first.
func (db *DB) ListProducts(ctx context.Context, merchantID string) (_ []*buycard.Product, err error) {
	defer wrap(&err, "list products")
	return readTx(ctx, db, func(tx *sql.Tx) ([]*buycard.Product, error) {
		return findProducts(ctx, tx, `p.merchant_id = ? ORDER BY p.created_at DESC, p.id DESC`, merchantID)
	})
}

// FindProduct returns one product with its variants.
func (db *DB) FindProduct(ctx context.Context, id string) (_ *buycard.Product, err error) {
	defer wrap(&err, "find product")
	return readTx(ctx, db, func(tx *sql.Tx) (*buycard.Product, error) {
		return findProduct(ctx, tx, id)
	})
}

func findProduct(ctx context.Context, tx *sql.Tx, id string) (*buycard.Product, error) {
	ps, err := findProducts(ctx, tx, `p.id = ?`, id)
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
func findProducts(ctx context.Context, tx *sql.Tx, where string, arg any) ([]*buycard.Product, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+productColumns+` FROM products p WHERE `+where, arg)
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
	variants, err := findVariants(ctx, tx, ids)
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
func findProductOf(ctx context.Context, tx *sql.Tx, merchantID, id string) (*buycard.Product, error) {
	p, err := findProduct(ctx, tx, id)
	if err == nil && p.MerchantID != merchantID {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Product %q not found.", id)
	}
	return p, err
}

// UpdateProduct applies the merchant's edit p to the stored product and
// fills p in with the result.
func (db *DB) UpdateProduct(ctx context.Context, p *buycard.Product) (err error) {
	defer wrap(&err, "update product")
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		old, err := findProductOf(ctx, tx, p.MerchantID, p.ID)
		if err != nil {
			return err
		}
		next, removed, err := old.Edited(p)
		if err != nil {
			return err
		}
		// Positions are unique: move the stored ones out of the way first.
		if _, err := tx.ExecContext(ctx, `UPDATE variants SET position = -1 - position WHERE product_id = ?`, p.ID); err != nil {
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
				err = insertVariant(ctx, tx, p.ID, i, *v)
			} else {
				_, err = tx.ExecContext(ctx, `UPDATE variants SET position = ?, name = ?, price = ?, stock = ?, unlimited = ?,
					held = CASE WHEN ? THEN 0 ELSE `+holdsql.VariantHeld+` END WHERE id = ?`,
					i, v.Name, v.Price, v.Stock, v.Unlimited, v.Unlimited, v.ID)
			}
			if err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE products SET title = ?, description = ?, image_url = ?, image_width = ?, image_height = ?,
				image_alt = ?, option_name = ?, max_per_order = ?, price_version = ?
			WHERE id = ?`,
			next.Title, next.Description, next.Image.URL, next.Image.Width, next.Image.Height,
			next.Image.Alt, next.OptionName, next.MaxPerOrder, next.PriceVersion, next.ID)
		if err == nil {
			*p = *next
		}
		return err
	})
}

// deleteVariant removes a variant no order names; orders keep theirs.
func deleteVariant(ctx context.Context, tx *sql.Tx, id string) error {
	var ordered bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM orders WHERE variant_id = ?)`, id).Scan(&ordered); err != nil {
		return err
	}
	if ordered {
		return buycard.Errorf(buycard.ECONFLICT, "Variant %q has orders and cannot be removed; set its stock to 0 instead.", id)
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM variants WHERE id = ?`, id)
	return err
}

// ArchiveProduct marks the merchant's product archived, once.
func (db *DB) ArchiveProduct(ctx context.Context, merchantID, id string, at time.Time) (err error) {
	defer wrap(&err, "archive product")
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE products SET archived_at = COALESCE(archived_at, ?) WHERE id = ? AND merchant_id = ?`,
			formatTime(at), id, merchantID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return buycard.Errorf(buycard.ENOTFOUND, "Product %q not found.", id)
		}
		return nil
	})
}

// ListWidgets returns the merchant's widgets, newest first.
func (db *DB) ListWidgets(ctx context.Context, merchantID string) (_ []*buycard.Widget, err error) {
	defer wrap(&err, "list widgets")
	return readTx(ctx, db, func(tx *sql.Tx) ([]*buycard.Widget, error) {
		rows, err := tx.QueryContext(ctx, `SELECT `+widgetColumns+` FROM widgets w
			WHERE w.merchant_id = ? ORDER BY w.created_at DESC, w.id DESC`, merchantID)
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
			ws = append(ws, w)
		}
		return ws, rows.Err()
	})
}

// FindWidget returns one widget.
func (db *DB) FindWidget(ctx context.Context, id string) (_ *buycard.Widget, err error) {
	defer wrap(&err, "find widget")
	return readTx(ctx, db, func(tx *sql.Tx) (*buycard.Widget, error) {
		return findWidget(ctx, tx, id)
	})
}

func findWidget(ctx context.Context, tx *sql.Tx, id string) (*buycard.Widget, error) {
	w := new(buycard.Widget)
	err := tx.QueryRowContext(ctx, `SELECT `+widgetColumns+` FROM widgets w WHERE w.id = ?`, id).Scan(widgetFields(w)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Widget %q not found.", id)
	}
	return w, err
}

// UpdateWidget replaces the widget's editable fields and fills w in with
// the result.
func (db *DB) UpdateWidget(ctx context.Context, w *buycard.Widget) (err error) {
	defer wrap(&err, "update widget")
	return db.inWrite(ctx, func(tx *sql.Tx) error {
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
		_, err = tx.ExecContext(ctx, `
			UPDATE widgets SET cta = ?, publisher_share_bps = ?, allowed_domains = ?, checkout_mode = ?,
				theme_color = ?, corner_radius = ?, color_scheme = ?, layout = ?, locale = ?, open_to_publishers = ?
			WHERE id = ?`,
			next.CTA, next.PublisherShareBPS, jsonList(next.AllowedDomains), next.CheckoutMode,
			next.ThemeColor, next.CornerRadius, next.ColorScheme, next.Layout, next.Locale, !next.ClosedToPublishers, next.ID)
		if err == nil {
			*w = *next
		}
		return err
	})
}
