package sqlstore

import (
	"context"
	"slices"

	"github.com/buycard/buycard"
)

// CreateProduct stores p and its variants, setting ids and CreatedAt when
// empty. Variants keep their order.
func (db *Store) CreateProduct(ctx context.Context, p *buycard.Product) (err error) {
	defer db.wrap(&err, "create product")
	if err := p.Validate(); err != nil {
		return err
	}
	if p.MerchantID == "" {
		return buycard.Errorf(buycard.EINVALID, "Product merchant is required.")
	}
	p.ID, p.CreatedAt = newID(p.ID, "prd"), db.createdAt(p.CreatedAt)
	if p.Kind == "" {
		p.Kind = buycard.ProductService // what every product was before kinds
	}
	// A copy, so that filling in ids never writes to an array the caller
	// shares with other products.
	p.Variants = slices.Clone(p.Variants)
	for i := range p.Variants {
		p.Variants[i].ID = newID(p.Variants[i].ID, "var")
	}
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := requireRow(ctx, tx, "merchants", "Merchant", p.MerchantID); err != nil {
			return err
		}
		if err := db.insertProduct(ctx, tx, p); err != nil {
			return err
		}
		return db.insertVariants(ctx, tx, p)
	})
}

func (db *Store) insertProduct(ctx context.Context, tx Tx, p *buycard.Product) error {
	return db.insert(ctx, tx, "Product", p.ID, `
		INSERT INTO products (id, merchant_id, title, description,
			image_url, image_width, image_height, image_alt,
			currency, option_name, max_per_order, price_version, created_at, kind)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		p.ID, p.MerchantID, p.Title, p.Description,
		p.Image.URL, p.Image.Width, p.Image.Height, p.Image.Alt,
		p.Currency, p.OptionName, p.MaxPerOrder, p.PriceVersion, p.CreatedAt, p.Kind)
}

func (db *Store) insertVariants(ctx context.Context, tx Tx, p *buycard.Product) error {
	for i, v := range p.Variants {
		if err := db.insertVariant(ctx, tx, p.ID, i, v); err != nil {
			return err
		}
	}
	return nil
}

// insertVariant stores v as the variant at position of the product.
func (db *Store) insertVariant(ctx context.Context, tx Tx, productID string, position int, v buycard.Variant) error {
	return db.insert(ctx, tx, "Variant", v.ID, `
		INSERT INTO variants (id, product_id, position, name, price, stock, unlimited)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		v.ID, productID, position, v.Name, v.Price, v.Stock, v.Unlimited)
}

// productColumns are read with productFields; p is the products alias.
// Variants are read separately with findVariants.
const productColumns = `p.id, p.merchant_id, p.title, p.description,
	p.image_url, p.image_width, p.image_height, p.image_alt,
	p.currency, p.option_name, p.max_per_order, p.price_version, p.created_at, p.archived_at, p.kind`

func productFields(p *buycard.Product) []any {
	return []any{&p.ID, &p.MerchantID, &p.Title, &p.Description,
		&p.Image.URL, &p.Image.Width, &p.Image.Height, &p.Image.Alt,
		&p.Currency, &p.OptionName, &p.MaxPerOrder, &p.PriceVersion, &p.CreatedAt, &p.ArchivedAt, &p.Kind}
}

// variantsQuery selects the variants of the products in the list $1, in
// dialect d.
func variantsQuery(d Dialect) string {
	return `SELECT v.product_id, v.id, v.name, v.price, v.stock, v.unlimited, ` + variantHeldUntil + ` FROM variants v
		WHERE v.product_id ` + d.In("$1") + `
		ORDER BY v.product_id, v.position`
}

// findVariants returns the variants of the products, in their order,
// keyed by product id, with when their first hold ends.
func (db *Store) findVariants(ctx context.Context, tx Tx, productIDs []string) (map[string][]buycard.Variant, error) {
	rows, err := tx.Query(ctx, db.queries.variants, productIDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	variants := make(map[string][]buycard.Variant)
	for rows.Next() {
		var (
			productID  string
			v          buycard.Variant
			heldMicros *int64
		)
		if err := rows.Scan(&productID, &v.ID, &v.Name, &v.Price, &v.Stock, &v.Unlimited, &heldMicros); err != nil {
			return nil, err
		}
		v.HeldUntil = heldTime(heldMicros)
		variants[productID] = append(variants[productID], v)
	}
	return variants, rows.Err()
}
