package sqlstore

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/buycard/buycard"
)

// What digital products deliver (delivery.go at the root), in each
// store's migration 00021. A product has files or license keys, never
// both: adding either locks the product's row and looks for the other.
// assignLicenseKey takes one free key in the caller's write transaction,
// so that the payment's transaction can take an order's keys with it.

var _ buycard.DeliveryService = (*Store)(nil)

// lockDigitalProduct locks productID's row for a change of its delivery
// and returns ECONFLICT unless it is digital and has no delivery of the
// other kind than kind.
func (db *Store) lockDigitalProduct(ctx context.Context, tx Tx, productID string, kind buycard.DeliveryKind) error {
	var productKind buycard.ProductKind
	err := tx.QueryRow(ctx, `SELECT kind FROM products WHERE id = $1`+db.dialect.ForUpdate, productID).Scan(&productKind)
	if errors.Is(err, ErrNoRows) {
		return buycard.Errorf(buycard.ENOTFOUND, "Product %q not found.", productID)
	}
	if err != nil {
		return err
	}
	if productKind != buycard.ProductDigital {
		return buycard.Errorf(buycard.ECONFLICT, "Only a digital product delivers files or license keys.")
	}
	other, what := "license_keys", "license keys"
	if kind == buycard.DeliveryLicenseKeys {
		other, what = "delivery_files", "files"
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+other+` WHERE product_id = $1`, productID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return buycard.Errorf(buycard.ECONFLICT, "This product delivers %s: a product delivers files or license keys, not both.", what)
	}
	return nil
}

// AddDeliveryFile implements buycard.DeliveryService.
func (db *Store) AddDeliveryFile(ctx context.Context, f *buycard.DeliveryFile) (err error) {
	defer db.wrap(&err, "add delivery file")
	if err := f.Validate(); err != nil {
		return err
	}
	f.ID, f.CreatedAt = newID(f.ID, "dlf"), db.createdAt(f.CreatedAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := db.lockDigitalProduct(ctx, tx, f.ProductID, buycard.DeliveryFiles); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM delivery_files WHERE product_id = $1`, f.ProductID).Scan(&n); err != nil {
			return err
		}
		if n >= buycard.MaxDeliveryFiles {
			return buycard.Errorf(buycard.ECONFLICT, "The product has %d files, the most it can have: delete one first.", n)
		}
		return db.insert(ctx, tx, "Delivery file", f.ID, `
			INSERT INTO delivery_files (id, product_id, name, sha256, size, content_type, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			f.ID, f.ProductID, f.Name, f.SHA256, f.Size, f.ContentType, f.CreatedAt)
	})
}

const deliveryFileColumns = `id, product_id, name, sha256, size, content_type, created_at`

func scanDeliveryFile(row Row) (*buycard.DeliveryFile, error) {
	f := new(buycard.DeliveryFile)
	err := row.Scan(&f.ID, &f.ProductID, &f.Name, &f.SHA256, &f.Size, &f.ContentType, &f.CreatedAt)
	return f, err
}

// DeliveryFiles implements buycard.DeliveryService.
func (db *Store) DeliveryFiles(ctx context.Context, productID string) (_ []*buycard.DeliveryFile, err error) {
	defer db.wrap(&err, "delivery files")
	return queryAll(ctx, db, db.conn.Pool(), "read delivery files", scanEach(scanDeliveryFile), `SELECT `+deliveryFileColumns+` FROM delivery_files WHERE product_id = $1 ORDER BY created_at, id`, productID)
}

// DeleteDeliveryFile implements buycard.DeliveryService.
func (db *Store) DeleteDeliveryFile(ctx context.Context, productID, id string) (f *buycard.DeliveryFile, referenced bool, err error) {
	defer db.wrap(&err, "delete delivery file")
	err = db.conn.Write(ctx, func(tx Tx) error {
		var err error
		f, err = scanDeliveryFile(tx.QueryRow(ctx, `SELECT `+deliveryFileColumns+` FROM delivery_files
			WHERE id = $1 AND product_id = $2`+db.dialect.ForUpdate, id, productID))
		if errors.Is(err, ErrNoRows) {
			return buycard.Errorf(buycard.ENOTFOUND, "File %q not found.", id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM delivery_files WHERE id = $1`, id); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM delivery_files WHERE sha256 = $1`, f.SHA256).Scan(&n); err != nil {
			return err
		}
		referenced = n > 0
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return f, referenced, nil
}

// AddLicenseKeys implements buycard.DeliveryService.
func (db *Store) AddLicenseKeys(ctx context.Context, productID string, keys []string) (_ int, err error) {
	defer db.wrap(&err, "add license keys")
	if len(keys) == 0 {
		return 0, buycard.Errorf(buycard.EINVALID, "No license keys to add.")
	}
	if len(keys) > buycard.MaxLicenseKeysUpload {
		return 0, buycard.Errorf(buycard.EINVALID, "Upload at most %d license keys at a time.", buycard.MaxLicenseKeysUpload)
	}
	for _, k := range keys {
		if k == "" {
			return 0, buycard.Errorf(buycard.EINVALID, "A license key is empty.")
		}
		if err := buycard.LicenseKeyText.Check(k); err != nil {
			return 0, err
		}
	}
	now := db.createdAt(time.Time{})
	return write(ctx, db, func(tx Tx) (int, error) {
		if err := db.lockDigitalProduct(ctx, tx, productID, buycard.DeliveryLicenseKeys); err != nil {
			return 0, err
		}
		var before int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM license_keys WHERE product_id = $1`, productID).Scan(&before); err != nil {
			return 0, err
		}
		args := make([][]any, len(keys))
		for i, k := range keys {
			args[i] = []any{buycard.NewID("lkey"), productID, k, before + i, now}
		}
		err := tx.ExecEach(ctx, `INSERT INTO license_keys (id, product_id, license_key, position, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (product_id, license_key) DO NOTHING`, args)
		if err != nil {
			return 0, err
		}
		var after int
		err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM license_keys WHERE product_id = $1`, productID).Scan(&after)
		return after - before, err
	})
}

// LicenseKeyCounts implements buycard.DeliveryService.
func (db *Store) LicenseKeyCounts(ctx context.Context, productID string) (c buycard.LicenseKeyCounts, err error) {
	defer db.wrap(&err, "license key counts")
	err = db.conn.Pool().QueryRow(ctx, `SELECT
			COALESCE(SUM(CASE WHEN order_id IS NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN order_id IS NULL THEN 0 ELSE 1 END), 0)
		FROM license_keys WHERE product_id = $1`, productID).Scan(&c.Free, &c.Assigned)
	return c, err
}

// AssignLicenseKey implements buycard.DeliveryService.
func (db *Store) AssignLicenseKey(ctx context.Context, productID, orderID string) (_ *buycard.LicenseKey, err error) {
	defer db.wrap(&err, "assign license key")
	return write(ctx, db, func(tx Tx) (*buycard.LicenseKey, error) {
		return db.assignLicenseKey(ctx, tx, productID, orderID, time.Now())
	})
}

// assignLicenseKey takes the product's first free key for orderID in tx.
// On PostgreSQL the free key is locked with SKIP LOCKED, so that
// concurrent transactions each lock a different one rather than queue on
// the first and find it taken; SQLite's one writer needs no lock.
func (db *Store) assignLicenseKey(ctx context.Context, tx Tx, productID, orderID string, now time.Time) (*buycard.LicenseKey, error) {
	if err := requireRow(ctx, tx, "orders", "Order", orderID); err != nil {
		return nil, err
	}
	lock := db.dialect.ForUpdate
	if lock != "" {
		lock += " SKIP LOCKED"
	}
	k := &buycard.LicenseKey{ProductID: productID, OrderID: orderID}
	err := tx.QueryRow(ctx, `SELECT id, license_key, created_at FROM license_keys
		WHERE product_id = $1 AND order_id IS NULL ORDER BY created_at, position LIMIT 1`+lock, productID).
		Scan(&k.ID, &k.Key, &k.CreatedAt)
	if errors.Is(err, ErrNoRows) {
		return nil, buycard.ErrLicenseKeysSoldOut
	}
	if err != nil {
		return nil, err
	}
	at := db.dialect.StoredTime(now)
	k.AssignedAt = &at
	err = updateOne(ctx, tx, buycard.ErrLicenseKeysSoldOut,
		`UPDATE license_keys SET order_id = $1, assigned_at = $2 WHERE id = $3 AND order_id IS NULL`, orderID, at, k.ID)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// OrderLicenseKeys implements buycard.DeliveryService.
func (db *Store) OrderLicenseKeys(ctx context.Context, orderID string) (_ []*buycard.LicenseKey, err error) {
	defer db.wrap(&err, "order license keys")
	return queryAll(ctx, db, db.conn.Pool(), "read license keys", func(rows Rows) ([]*buycard.LicenseKey, error) {
		var list []*buycard.LicenseKey
		for rows.Next() {
			k := new(buycard.LicenseKey)
			if err := rows.Scan(&k.ID, &k.ProductID, &k.Key, &k.OrderID, &k.CreatedAt, &k.AssignedAt); err != nil {
				return nil, err
			}
			list = append(list, k)
		}
		return list, rows.Err()
	}, `SELECT id, product_id, license_key, order_id, created_at, assigned_at FROM license_keys
		WHERE order_id = $1 ORDER BY assigned_at, created_at, position`, orderID)
}

// assignOrderLicenseKeys takes one key per unit of o, just paid in tx,
// when its product delivers license keys (has a pool at all). Units the
// pool has no key left for are added to o.Oversold, as units a payment
// could not take from stock are: the money was taken, so the order is
// paid and the merchant adds keys or refunds (buycard.Order.Oversold).
func (db *Store) assignOrderLicenseKeys(ctx context.Context, tx Tx, o *buycard.Order) error {
	var pool bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM license_keys WHERE product_id = $1)`, o.ProductID).Scan(&pool)
	if err != nil || !pool {
		return err
	}
	now := time.Now()
	for i := range o.Quantity {
		_, err := db.assignLicenseKey(ctx, tx, o.ProductID, o.ID, now)
		if errors.Is(err, buycard.ErrLicenseKeysSoldOut) {
			o.Oversold += o.Quantity - i
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// setLicenseKeysFree fills in Product.LicenseKeysFree of the cards whose
// product is digital and has a license key pool. Only digital products
// are asked about, so reading other cards costs no query, and free keys
// are counted up to MaxOrderLimit, the most any order can take, so a
// card's read does not grow with its pool.
func setLicenseKeysFree(ctx context.Context, tx Tx, cards map[string]*buycard.Card) error {
	var ids []string
	for _, c := range cards {
		if c.Product.Kind == buycard.ProductDigital && !slices.Contains(ids, c.Product.ID) {
			ids = append(ids, c.Product.ID)
		}
	}
	for _, id := range ids {
		var pool bool
		var free int
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM license_keys WHERE product_id = $1),
			(SELECT COUNT(*) FROM (SELECT 1 FROM license_keys WHERE product_id = $1 AND order_id IS NULL LIMIT $2) AS free)`,
			id, buycard.MaxOrderLimit).Scan(&pool, &free)
		if err != nil {
			return err
		}
		for _, c := range cards {
			if c.Product.ID == id && pool {
				n := free // each card its own, as its variants
				c.Product.LicenseKeysFree = &n
			}
		}
	}
	return nil
}

// OrderDownloads implements buycard.DeliveryService.
func (db *Store) OrderDownloads(ctx context.Context, orderID string) (_ []*buycard.OrderDownload, err error) {
	defer db.wrap(&err, "order downloads")
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.OrderDownload, error) {
		o, err := findOrderByID(ctx, tx, orderID, "")
		if err != nil || !o.Delivers() {
			return nil, err
		}
		rows, err := tx.Query(ctx, `SELECT `+deliveryFileColumns+`,
				COALESCE((SELECT d.downloads FROM order_downloads d WHERE d.order_id = $1 AND d.file_id = delivery_files.id), 0)
			FROM delivery_files WHERE product_id = $2 ORDER BY created_at, id`, o.ID, o.ProductID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var list []*buycard.OrderDownload
		for rows.Next() {
			d := new(buycard.OrderDownload)
			f := &d.DeliveryFile
			if err := rows.Scan(&f.ID, &f.ProductID, &f.Name, &f.SHA256, &f.Size, &f.ContentType, &f.CreatedAt, &d.Downloads); err != nil {
				return nil, err
			}
			list = append(list, d)
		}
		return list, rows.Err()
	})
}

// RecordDownload implements buycard.DeliveryService. The count is one
// upsert whose update only applies under the limit: of concurrent
// downloads of the last allowed one, one changes a row and the others
// none.
func (db *Store) RecordDownload(ctx context.Context, orderID, fileID string) (_ *buycard.DeliveryFile, err error) {
	defer db.wrap(&err, "record download")
	return write(ctx, db, func(tx Tx) (*buycard.DeliveryFile, error) {
		o, err := findOrderByID(ctx, tx, orderID, "")
		if err != nil {
			return nil, err
		}
		if !o.Delivers() {
			return nil, buycard.Errorf(buycard.ECONFLICT, "This order is %s: it has nothing to download.", orderState(o))
		}
		f, err := scanDeliveryFile(tx.QueryRow(ctx, `SELECT `+deliveryFileColumns+` FROM delivery_files
			WHERE id = $1 AND product_id = $2`, fileID, o.ProductID))
		if errors.Is(err, ErrNoRows) {
			return nil, buycard.Errorf(buycard.ENOTFOUND, "File %q not found.", fileID)
		}
		if err != nil {
			return nil, err
		}
		n, err := tx.Exec(ctx, `INSERT INTO order_downloads (order_id, file_id, downloads) VALUES ($1, $2, 1)
			ON CONFLICT (order_id, file_id) DO UPDATE SET downloads = order_downloads.downloads + 1
			WHERE order_downloads.downloads < $3`, o.ID, f.ID, buycard.MaxDownloads)
		switch {
		case err != nil:
			return nil, err
		case n == 0:
			return nil, buycard.ErrDownloadsUsedUp
		}
		return f, nil
	})
}

// orderState names why an order that does not deliver does not.
func orderState(o *buycard.Order) string {
	if o.Status == buycard.OrderPaid {
		return "refunded"
	}
	return string(o.Status)
}
