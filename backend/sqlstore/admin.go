package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/buycard/buycard"
)

// ListMerchantOrders implements buycard.AdminService.
func (db *Store) ListMerchantOrders(ctx context.Context, q buycard.OrderListQuery) (_ []*buycard.Order, err error) {
	defer db.wrap(&err, "list merchant orders")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.Order, error) {
		where := `merchant_id = $1 AND ($2 = '' OR status = $2)`
		args := []any{q.MerchantID, string(q.Status)}
		if q.Before != "" {
			where += ` AND (created_at, id) < (SELECT created_at, id FROM orders WHERE id = $3 AND merchant_id = $1)`
			args = append(args, q.Before)
			var exists bool
			err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1 AND merchant_id = $2)`, q.Before, q.MerchantID).Scan(&exists)
			if err != nil {
				return nil, err
			}
			if !exists {
				return nil, buycard.Errorf(buycard.EINVALID, "before must be the id of an order of the previous page.")
			}
		}
		args = append(args, q.Limit)
		orders, err := findOrders(ctx, tx, where+` ORDER BY created_at DESC, id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
		if orders == nil && err == nil {
			orders = []*buycard.Order{}
		}
		return orders, err
	})
}

// merchantSummaries and publisherSummaries select party summaries: the
// payment account's flags (NULL without one), then the counts.
const (
	merchantSummaries = `
		SELECT m.id, m.name, m.created_at, pa.charges_enabled, pa.payouts_enabled,
			(SELECT COUNT(*) FROM products WHERE merchant_id = m.id),
			(SELECT COUNT(*) FROM widgets WHERE merchant_id = m.id),
			(SELECT COUNT(*) FROM orders WHERE merchant_id = m.id),
			(SELECT COUNT(*) FROM orders WHERE merchant_id = m.id AND status = 'paid')
		FROM merchants m
		LEFT JOIN payment_accounts pa ON pa.party_kind = 'merchant' AND pa.party_id = m.id
		ORDER BY m.created_at, m.id`
	publisherSummaries = `
		SELECT p.id, p.name, p.created_at, pa.charges_enabled, pa.payouts_enabled,
			(SELECT COUNT(*) FROM placements WHERE publisher_id = p.id),
			(SELECT COUNT(*) FROM orders WHERE publisher_id = p.id),
			(SELECT COUNT(*) FROM orders WHERE publisher_id = p.id AND status = 'paid')
		FROM publishers p
		LEFT JOIN payment_accounts pa ON pa.party_kind = 'publisher' AND pa.party_id = p.id
		ORDER BY p.created_at, p.id`
)

// MerchantSummaries implements buycard.AdminService.
func (db *Store) MerchantSummaries(ctx context.Context) (_ []*buycard.PartySummary, err error) {
	defer db.wrap(&err, "merchant summaries")
	return db.summaries(ctx, merchantSummaries, "products", "widgets", "orders", "paid_orders")
}

// PublisherSummaries implements buycard.AdminService.
func (db *Store) PublisherSummaries(ctx context.Context) (_ []*buycard.PartySummary, err error) {
	defer db.wrap(&err, "publisher summaries")
	return db.summaries(ctx, publisherSummaries, "placements", "orders", "paid_orders")
}

func (db *Store) summaries(ctx context.Context, query string, counts ...string) ([]*buycard.PartySummary, error) {
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.PartySummary, error) {
		rows, err := tx.Query(ctx, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		list := []*buycard.PartySummary{}
		for rows.Next() {
			s := &buycard.PartySummary{Counts: map[string]int64{}}
			var charges, payouts *bool
			n := make([]int64, len(counts))
			dest := []any{&s.ID, &s.Name, &s.CreatedAt, &charges, &payouts}
			for i := range n {
				dest = append(dest, &n[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return nil, err
			}
			s.CreatedAt = s.CreatedAt.UTC()
			s.PaymentAccount = buycard.AccountState(charges != nil, charges != nil && *charges, payouts != nil && *payouts)
			for i, name := range counts {
				s.Counts[name] = n[i]
			}
			list = append(list, s)
		}
		return list, rows.Err()
	})
}

// FindPlatformSettings implements buycard.AdminService.
func (db *Store) FindPlatformSettings(ctx context.Context) (_ *buycard.PlatformSettings, err error) {
	defer db.wrap(&err, "find platform settings")
	return snapshot(ctx, db, func(tx Tx) (*buycard.PlatformSettings, error) {
		s := new(buycard.PlatformSettings)
		var fixed string
		err := tx.QueryRow(ctx, `SELECT platform_fee_bps, platform_fee_fixed, updated_at FROM platform_settings WHERE id = 1`).
			Scan(&s.PlatformFee.BPS, &fixed, &s.UpdatedAt)
		if errors.Is(err, ErrNoRows) {
			return nil, buycard.Errorf(buycard.ENOTFOUND, "No platform settings saved yet.")
		} else if err != nil {
			return nil, err
		}
		s.UpdatedAt = s.UpdatedAt.UTC()
		return s, json.Unmarshal([]byte(fixed), &s.PlatformFee.Fixed)
	})
}

// SavePlatformSettings implements buycard.AdminService.
func (db *Store) SavePlatformSettings(ctx context.Context, s *buycard.PlatformSettings) (err error) {
	defer db.wrap(&err, "save platform settings")
	if err := s.PlatformFee.Validate(); err != nil {
		return err
	}
	fixed, err := json.Marshal(fixedOrEmpty(s.PlatformFee.Fixed))
	if err != nil {
		return err
	}
	return db.conn.Write(ctx, func(tx Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO platform_settings (id, platform_fee_bps, platform_fee_fixed, updated_at) VALUES (1, $1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET platform_fee_bps = excluded.platform_fee_bps,
				platform_fee_fixed = excluded.platform_fee_fixed, updated_at = excluded.updated_at`,
			s.PlatformFee.BPS, string(fixed), s.UpdatedAt)
		return err
	})
}

// fixedOrEmpty is m, or an empty map for nil, so the column holds {}.
func fixedOrEmpty(m map[string]int64) map[string]int64 {
	if m == nil {
		return map[string]int64{}
	}
	return m
}

// RecordJobRun implements buycard.AdminService.
func (db *Store) RecordJobRun(ctx context.Context, r *buycard.JobRun) (err error) {
	defer db.wrap(&err, "record job run")
	if r.Job == "" {
		return buycard.Errorf(buycard.EINVALID, "A job run needs its job.")
	}
	return db.conn.Write(ctx, func(tx Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO job_runs (job, started_at, finished_at, ok, result) VALUES ($1, $2, $3, $4, $5)`,
			r.Job, r.StartedAt, r.FinishedAt, r.OK, r.Result)
		return err
	})
}

// LastJobRun implements buycard.AdminService.
func (db *Store) LastJobRun(ctx context.Context, job string) (_ *buycard.JobRun, err error) {
	defer db.wrap(&err, "last job run")
	return snapshot(ctx, db, func(tx Tx) (*buycard.JobRun, error) {
		r := &buycard.JobRun{Job: job}
		err := tx.QueryRow(ctx, `
			SELECT started_at, finished_at, ok, result FROM job_runs WHERE job = $1
			ORDER BY finished_at DESC, id DESC LIMIT 1`, job).
			Scan(&r.StartedAt, &r.FinishedAt, &r.OK, &r.Result)
		if errors.Is(err, ErrNoRows) {
			return nil, buycard.Errorf(buycard.ENOTFOUND, "No %s run recorded yet.", job)
		}
		r.StartedAt, r.FinishedAt = r.StartedAt.UTC(), r.FinishedAt.UTC()
		return r, err
	})
}
