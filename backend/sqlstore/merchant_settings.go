package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/buycard/buycard"
)

// MerchantSettings returns the merchant's settings, the defaults until it
// saves some.
func (db *Store) MerchantSettings(ctx context.Context, merchantID string) (_ *buycard.MerchantSettings, err error) {
	defer db.wrap(&err, "merchant settings")
	return snapshot(ctx, db, func(tx Tx) (*buycard.MerchantSettings, error) {
		s, err := merchantSettings(ctx, tx, merchantID)
		if err == nil && s.UpdatedAt.IsZero() { // never saved: is there such a merchant?
			err = requireRow(ctx, tx, "merchants", "Merchant", merchantID)
		}
		return s, err
	})
}

// merchantSettings reads the settings of merchantID, known to exist, in
// tx: the defaults when it never saved any.
func merchantSettings(ctx context.Context, tx Tx, merchantID string) (*buycard.MerchantSettings, error) {
	s := buycard.NewMerchantSettings(merchantID)
	err := tx.QueryRow(ctx, `
		SELECT business_name, support_email, refund_policy, origin_country, tax_id, tax_mode,
			prices_include_tax, tax_shipping, ask_phone, twitter_handle, updated_at
		FROM merchant_settings WHERE merchant_id = $1`, merchantID).Scan(
		&s.BusinessName, &s.SupportEmail, &s.RefundPolicy, &s.OriginCountry, &s.TaxID, &s.TaxMode,
		&s.PricesIncludeTax, &s.TaxShipping, &s.AskPhone, &s.TwitterHandle, &s.UpdatedAt)
	if errors.Is(err, ErrNoRows) {
		return s, nil
	}
	return s, err
}

// SaveMerchantSettings stores s, setting UpdatedAt to now.
func (db *Store) SaveMerchantSettings(ctx context.Context, s *buycard.MerchantSettings) (err error) {
	defer db.wrap(&err, "save merchant settings")
	if err := s.Validate(); err != nil {
		return err
	}
	at := db.dialect.StoredTime(time.Now())
	err = db.conn.Write(ctx, func(tx Tx) error {
		if err := requireRow(ctx, tx, "merchants", "Merchant", s.MerchantID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO merchant_settings (merchant_id, business_name, support_email, refund_policy, origin_country,
				tax_id, tax_mode, prices_include_tax, tax_shipping, ask_phone, twitter_handle, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (merchant_id) DO UPDATE SET business_name = excluded.business_name,
				support_email = excluded.support_email, refund_policy = excluded.refund_policy,
				origin_country = excluded.origin_country, tax_id = excluded.tax_id, tax_mode = excluded.tax_mode,
				prices_include_tax = excluded.prices_include_tax, tax_shipping = excluded.tax_shipping,
				ask_phone = excluded.ask_phone, twitter_handle = excluded.twitter_handle, updated_at = excluded.updated_at`,
			s.MerchantID, s.BusinessName, s.SupportEmail, s.RefundPolicy, s.OriginCountry,
			s.TaxID, s.TaxMode, s.PricesIncludeTax, s.TaxShipping, s.AskPhone, s.TwitterHandle, at)
		return err
	})
	if err == nil {
		s.UpdatedAt = at
	}
	return err
}
