package sqlstore

import (
	"context"
	"errors"

	"github.com/buycard/buycard"
)

// SetProductImage stores f once per content and makes it the image of the
// merchant's product, keeping the product's alt text.
func (db *Store) SetProductImage(ctx context.Context, merchantID, productID string, f *buycard.ImageFile) (_ *buycard.Product, err error) {
	defer db.wrap(&err, "set product image")
	if buycard.ImageExtensions[f.ContentType] == "" || len(f.SHA256) != 64 || f.Width <= 0 || f.Height <= 0 {
		return nil, buycard.Errorf(buycard.EINVALID, "Not a stored image type.")
	}
	f.CreatedAt = db.createdAt(f.CreatedAt)
	return write(ctx, db, func(tx Tx) (*buycard.Product, error) {
		p, err := db.findProductOf(ctx, tx, merchantID, productID)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO images (sha256, content_type, width, height, data, merchant_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING`,
			f.SHA256, f.ContentType, f.Width, f.Height, f.Data, merchantID, f.CreatedAt); err != nil {
			return nil, err
		}
		p.Image.URL, p.Image.Width, p.Image.Height = f.ImageURL(), f.Width, f.Height
		_, err = tx.Exec(ctx, `UPDATE products SET image_url = $1, image_width = $2, image_height = $3 WHERE id = $4`,
			p.Image.URL, p.Image.Width, p.Image.Height, p.ID)
		return p, err
	})
}

// FindImage returns the stored image with the SHA-256 hex sum.
func (db *Store) FindImage(ctx context.Context, sum string) (_ *buycard.ImageFile, err error) {
	defer db.wrap(&err, "find image")
	return snapshot(ctx, db, func(tx Tx) (*buycard.ImageFile, error) {
		f := new(buycard.ImageFile)
		err := tx.QueryRow(ctx, `
			SELECT sha256, content_type, width, height, data, merchant_id, created_at FROM images WHERE sha256 = $1`, sum).
			Scan(&f.SHA256, &f.ContentType, &f.Width, &f.Height, &f.Data, &f.MerchantID, &f.CreatedAt)
		if errors.Is(err, ErrNoRows) {
			return nil, buycard.Errorf(buycard.ENOTFOUND, "Image not found.")
		}
		return f, err
	})
}
