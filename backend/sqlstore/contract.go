package sqlstore

import (
	"context"
	"errors"

	"github.com/buycard/buycard"
)

// SetPublisherContract creates or replaces a merchant's contract with a
// publisher.
func (db *Store) SetPublisherContract(ctx context.Context, c *buycard.PublisherContract) (err error) {
	defer db.wrap(&err, "set publisher contract")
	if err := c.Validate(); err != nil {
		return err
	}
	c.UpdatedAt = db.createdAt(c.UpdatedAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := requireRow(ctx, tx, "merchants", "Merchant", c.MerchantID); err != nil {
			return err
		}
		if err := requireRow(ctx, tx, "publishers", "Publisher", c.PublisherID); err != nil {
			return err
		}
		before, err := contractOf(ctx, tx, c.MerchantID, c.PublisherID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO publisher_contracts (merchant_id, publisher_id, share_bps, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (merchant_id, publisher_id) DO UPDATE SET share_bps = excluded.share_bps, updated_at = excluded.updated_at`,
			c.MerchantID, c.PublisherID, c.ShareBPS, c.UpdatedAt)
		if err != nil || (before != nil && before.ShareBPS == c.ShareBPS) {
			return err
		}
		change := buycard.ShareChange{MerchantID: c.MerchantID, ShareBPS: c.ShareBPS}
		if before != nil {
			change.BeforeBPS = &before.ShareBPS
		}
		return db.publishShareChange(ctx, tx, change, []string{c.PublisherID})
	})
}

// contractOf returns the merchant's contract with the publisher, nil when
// there is none or no publisher.
func contractOf(ctx context.Context, tx Tx, merchantID, publisherID string) (*buycard.PublisherContract, error) {
	if publisherID == "" {
		return nil, nil
	}
	c := buycard.PublisherContract{MerchantID: merchantID, PublisherID: publisherID}
	err := tx.QueryRow(ctx, `SELECT share_bps FROM publisher_contracts WHERE merchant_id = $1 AND publisher_id = $2`,
		merchantID, publisherID).Scan(&c.ShareBPS)
	if errors.Is(err, ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}
