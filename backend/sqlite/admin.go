package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/buycard/buycard"
)

var _ buycard.AdminService = (*DB)(nil)

// ListMerchantOrders implements buycard.AdminService.
func (db *DB) ListMerchantOrders(ctx context.Context, q buycard.OrderListQuery) (_ []*buycard.Order, err error) {
	defer wrap(&err, "list merchant orders")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return readTx(ctx, db, func(tx *sql.Tx) ([]*buycard.Order, error) {
		where := `merchant_id = ? AND (? = '' OR status = ?)`
		args := []any{q.MerchantID, string(q.Status), string(q.Status)}
		if q.Before != "" {
			var created string
			err := tx.QueryRowContext(ctx, `SELECT created_at FROM orders WHERE id = ? AND merchant_id = ?`, q.Before, q.MerchantID).Scan(&created)
			if errors.Is(err, sql.ErrNoRows) {
				return nil, buycard.Errorf(buycard.EINVALID, "before must be the id of an order of the previous page.")
			} else if err != nil {
				return nil, err
			}
			where += ` AND (created_at < ? OR (created_at = ? AND id < ?))`
			args = append(args, created, created, q.Before)
		}
		args = append(args, q.Limit)
		orders, err := findOrders(ctx, tx, where+` ORDER BY created_at DESC, id DESC LIMIT ?`, args...)
		if orders == nil && err == nil {
			orders = []*buycard.Order{}
		}
		return orders, err
	})
}

// summaryColumns close the SELECT of a party summary: its payment
// account's flags (NULL without one).
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
func (db *DB) MerchantSummaries(ctx context.Context) (_ []*buycard.PartySummary, err error) {
	defer wrap(&err, "merchant summaries")
	return db.summaries(ctx, merchantSummaries, "products", "widgets", "orders", "paid_orders")
}

// PublisherSummaries implements buycard.AdminService.
func (db *DB) PublisherSummaries(ctx context.Context) (_ []*buycard.PartySummary, err error) {
	defer wrap(&err, "publisher summaries")
	return db.summaries(ctx, publisherSummaries, "placements", "orders", "paid_orders")
}

func (db *DB) summaries(ctx context.Context, query string, counts ...string) ([]*buycard.PartySummary, error) {
	return readTx(ctx, db, func(tx *sql.Tx) ([]*buycard.PartySummary, error) {
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		list := []*buycard.PartySummary{}
		for rows.Next() {
			s := &buycard.PartySummary{Counts: map[string]int64{}}
			var charges, payouts sql.NullBool
			n := make([]int64, len(counts))
			dest := []any{&s.ID, &s.Name, timeColumn{&s.CreatedAt}, &charges, &payouts}
			for i := range n {
				dest = append(dest, &n[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return nil, err
			}
			s.PaymentAccount = buycard.AccountState(charges.Valid, charges.Bool, payouts.Bool)
			for i, name := range counts {
				s.Counts[name] = n[i]
			}
			list = append(list, s)
		}
		return list, rows.Err()
	})
}

// FindPlatformSettings implements buycard.AdminService.
func (db *DB) FindPlatformSettings(ctx context.Context) (_ *buycard.PlatformSettings, err error) {
	defer wrap(&err, "find platform settings")
	return readTx(ctx, db, func(tx *sql.Tx) (*buycard.PlatformSettings, error) {
		s := new(buycard.PlatformSettings)
		var fixed string
		err := tx.QueryRowContext(ctx, `SELECT platform_fee_bps, platform_fee_fixed, updated_at FROM platform_settings WHERE id = 1`).
			Scan(&s.PlatformFee.BPS, &fixed, timeColumn{&s.UpdatedAt})
		if errors.Is(err, sql.ErrNoRows) {
			return nil, buycard.Errorf(buycard.ENOTFOUND, "No platform settings saved yet.")
		} else if err != nil {
			return nil, err
		}
		return s, json.Unmarshal([]byte(fixed), &s.PlatformFee.Fixed)
	})
}

// SavePlatformSettings implements buycard.AdminService.
func (db *DB) SavePlatformSettings(ctx context.Context, s *buycard.PlatformSettings) (err error) {
	defer wrap(&err, "save platform settings")
	if err := s.PlatformFee.Validate(); err != nil {
		return err
	}
	fixed, err := json.Marshal(fixedOrEmpty(s.PlatformFee.Fixed))
	if err != nil {
		return err
	}
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO platform_settings (id, platform_fee_bps, platform_fee_fixed, updated_at) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET platform_fee_bps = excluded.platform_fee_bps,
				platform_fee_fixed = excluded.platform_fee_fixed, updated_at = excluded.updated_at`,
			s.PlatformFee.BPS, string(fixed), formatTime(s.UpdatedAt))
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
func (db *DB) RecordJobRun(ctx context.Context, r *buycard.JobRun) (err error) {
	defer wrap(&err, "record job run")
	if r.Job == "" {
		return buycard.Errorf(buycard.EINVALID, "A job run needs its job.")
	}
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO job_runs (job, started_at, finished_at, ok, result) VALUES (?, ?, ?, ?, ?)`,
			r.Job, formatTime(r.StartedAt), formatTime(r.FinishedAt), r.OK, r.Result)
		return err
	})
}

// LastJobRun implements buycard.AdminService.
func (db *DB) LastJobRun(ctx context.Context, job string) (_ *buycard.JobRun, err error) {
	defer wrap(&err, "last job run")
	return readTx(ctx, db, func(tx *sql.Tx) (*buycard.JobRun, error) {
		r := &buycard.JobRun{Job: job}
		err := tx.QueryRowContext(ctx, `
			SELECT started_at, finished_at, ok, result FROM job_runs WHERE job = ?
			ORDER BY finished_at DESC, id DESC LIMIT 1`, job).
			Scan(timeColumn{&r.StartedAt}, timeColumn{&r.FinishedAt}, &r.OK, &r.Result)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, buycard.Errorf(buycard.ENOTFOUND, "No %s run recorded yet.", job)
		}
		return r, err
	})
}
