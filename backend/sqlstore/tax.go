package sqlstore

import (
	"context"

	"github.com/buycard/buycard"
)

// TaxRates returns the merchant's tax rates by country, then region.
func (db *Store) TaxRates(ctx context.Context, merchantID string) (_ buycard.TaxRateList, err error) {
	defer db.wrap(&err, "tax rates")
	return db.taxRates(ctx, db.pool, merchantID)
}

// taxRates reads the merchant's tax rates in tx.
func (db *Store) taxRates(ctx context.Context, tx Tx, merchantID string) (buycard.TaxRateList, error) {
	return queryAll(ctx, db, tx, "read", func(rows Rows) (buycard.TaxRateList, error) {
		var rates buycard.TaxRateList
		for rows.Next() {
			r := new(buycard.TaxRate)
			if err := rows.Scan(&r.ID, &r.MerchantID, &r.Country, &r.Region, &r.RatePPM); err != nil {
				return nil, err
			}
			rates = append(rates, r)
		}
		return rates, rows.Err()
	}, `SELECT id, merchant_id, country, region, rate_ppm FROM tax_rates WHERE merchant_id = $1
		ORDER BY country, region`, merchantID)
}

// CreateTaxRate stores r.
func (db *Store) CreateTaxRate(ctx context.Context, r *buycard.TaxRate) (err error) {
	defer db.wrap(&err, "create tax rate")
	if err := r.Normalize(); err != nil {
		return err
	}
	r.ID = newID(r.ID, "txr")
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := requireRow(ctx, tx, "merchants", "Merchant", r.MerchantID); err != nil {
			return err
		}
		if err := requireBelow(ctx, tx, "tax_rates", r.MerchantID, buycard.MaxTaxRates, "tax rates"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO tax_rates (id, merchant_id, country, region, rate_ppm) VALUES ($1, $2, $3, $4, $5)`,
			r.ID, r.MerchantID, r.Country, r.Region, r.RatePPM)
		return db.taxRateConflict(err, r)
	})
}

// UpdateTaxRate replaces the stored rate's country, region and rate.
func (db *Store) UpdateTaxRate(ctx context.Context, r *buycard.TaxRate) (err error) {
	defer db.wrap(&err, "update tax rate")
	if err := r.Normalize(); err != nil {
		return err
	}
	return db.conn.Write(ctx, func(tx Tx) error {
		err := updateOne(ctx, tx, taxRateNotFound(r.ID), `UPDATE tax_rates SET country = $1, region = $2, rate_ppm = $3
			WHERE id = $4 AND merchant_id = $5`, r.Country, r.Region, r.RatePPM, r.ID, r.MerchantID)
		return db.taxRateConflict(err, r)
	})
}

// DeleteTaxRate deletes the merchant's rate.
func (db *Store) DeleteTaxRate(ctx context.Context, merchantID, id string) (err error) {
	defer db.wrap(&err, "delete tax rate")
	return db.conn.Write(ctx, func(tx Tx) error {
		return updateOne(ctx, tx, taxRateNotFound(id), `DELETE FROM tax_rates WHERE id = $1 AND merchant_id = $2`, id, merchantID)
	})
}

// taxRateConflict turns a unique violation of r's country and region into
// ECONFLICT.
func (db *Store) taxRateConflict(err error, r *buycard.TaxRate) error {
	if !db.dialect.IsUniqueViolation(err) {
		return err
	}
	where := buycard.CountryName(r.Country)
	if r.Region != "" {
		where = r.Region + ", " + where
	}
	return buycard.Errorf(buycard.ECONFLICT, "There is a tax rate for %s already: change that one.", where)
}

func taxRateNotFound(id string) error {
	return buycard.Errorf(buycard.ENOTFOUND, "Tax rate %q not found.", id)
}
