package sqlstore

import (
	"context"
	"errors"
	"time"

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
		if change.KeptUntil, err = db.keepContractShares(ctx, tx, c, change.BeforeBPS); err != nil {
			return err
		}
		return db.publishShareChange(ctx, tx, change, []string{c.PublisherID})
	})
}

// keepContractShares gives each placement of c's publisher that earned
// more than c's share from c's merchant a notice keeping what it earned
// (the contract's before, else its widget's), and returns when the
// notices end; nil when no placement earned more.
func (db *Store) keepContractShares(ctx context.Context, tx Tx, c *buycard.PublisherContract, before *int) (*time.Time, error) {
	now := time.Now()
	until := db.noticeUntil(now)
	n, err := tx.Exec(ctx, `
		INSERT INTO share_notices (placement_id, share_bps, until, created_at)
		SELECT pl.id, COALESCE(CAST($3 AS INTEGER), w.publisher_share_bps), $4, $5
		FROM placements pl JOIN widgets w ON w.id = pl.widget_id
		WHERE pl.publisher_id = $1 AND w.merchant_id = $2 AND COALESCE(CAST($3 AS INTEGER), w.publisher_share_bps) > $6`,
		c.PublisherID, c.MerchantID, before, *until, db.dialect.StoredTime(now), c.ShareBPS)
	if err != nil || n == 0 {
		return nil, err
	}
	return until, nil
}

// noticeUntil is when a share lowered at now stops being kept.
func (db *Store) noticeUntil(now time.Time) *time.Time {
	d := db.ShareNotice
	if d == 0 {
		d = buycard.DefaultShareNotice
	}
	until := db.dialect.StoredTime(now.Add(d))
	return &until
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

// shareNotices returns the notices of a placement ("" for none).
func shareNotices(ctx context.Context, tx Tx, placementID string) ([]buycard.ShareNotice, error) {
	if placementID == "" {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT share_bps, until FROM share_notices WHERE placement_id = $1`, placementID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []buycard.ShareNotice
	for rows.Next() {
		var n buycard.ShareNotice
		if err := rows.Scan(&n.ShareBPS, &n.Until); err != nil {
			return nil, err
		}
		list = append(list, n)
	}
	return list, rows.Err()
}
