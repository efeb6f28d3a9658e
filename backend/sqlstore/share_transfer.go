package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// The share transfers of ledger.ShareTransfers, on the share_transfers
// table of each store's migration 00005.

// Share transfer statements.
const (
	shareColumns = `id, order_id, publisher_id, kind, amount, currency, account, status,
		provider_id, transfer_id, error, created_at, updated_at`
	// shareTransfersOf selects an order's movements, $1 = order id.
	shareTransfersOf = `SELECT ` + shareColumns + ` FROM share_transfers WHERE order_id = $1 ORDER BY created_at, id`
	// shareTransfersTo selects a publisher's movements newest first, $1 =
	// publisher id, $2 = limit.
	shareTransfersTo = `SELECT ` + shareColumns + ` FROM share_transfers WHERE publisher_id = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`
	// shareTransferByID selects one movement, $1 = id.
	shareTransferByID   = `SELECT ` + shareColumns + ` FROM share_transfers WHERE id = $1`
	insertShareTransfer = `INSERT INTO share_transfers (` + shareColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
	finishShareTransferSQL = `UPDATE share_transfers SET status = 'done', provider_id = $2, updated_at = $3
		WHERE id = $1 AND status = 'pending'`
	failShareTransferSQL = `UPDATE share_transfers SET status = 'failed', error = $2, updated_at = $3
		WHERE id = $1 AND status = 'pending'`
)

// orderShareSum is what the platform holds of orders' publisher shares:
// the sum of their postings to publisher available accounts.
const orderShareSum = `
	SELECT j.order_id, p.account, CAST(SUM(p.normal) AS BIGINT)
	FROM ledger_postings p JOIN ledger_journals j ON j.seq = p.journal_seq
	WHERE p.account LIKE 'publisher:%:available:%' AND j.order_id <> ''`

// orderShare selects one order's share, $1 = order id.
const orderShare = orderShareSum + ` AND j.order_id = $1 GROUP BY j.order_id, p.account`

// orderShares selects the orders whose share is not zero or whose
// movement is pending, oldest first.
const orderShares = orderShareSum + `
	GROUP BY j.order_id, p.account
	HAVING SUM(p.normal) <> 0
	    OR EXISTS (SELECT 1 FROM share_transfers t WHERE t.order_id = j.order_id AND t.status = 'pending')
	ORDER BY MIN(j.seq)
	LIMIT 1000`

// scanOrderShares decodes orderShare(s) rows.
func scanOrderShares(rows Rows) ([]ledger.OrderShare, error) {
	var list []ledger.OrderShare
	for rows.Next() {
		var (
			s       ledger.OrderShare
			account ledger.AccountID
		)
		if err := rows.Scan(&s.OrderID, &account, &s.Amount.Amount); err != nil {
			return nil, err
		}
		s.PublisherID, s.Amount.Currency = account.Party.ID, account.Currency
		list = append(list, s)
	}
	return list, rows.Err()
}

// scanShareTransfers decodes rows of shareColumns.
func scanShareTransfers(rows Rows) ([]ledger.ShareTransfer, error) {
	var list []ledger.ShareTransfer
	for rows.Next() {
		var (
			t                ledger.ShareTransfer
			kind, status     string
			created, updated int64
		)
		err := rows.Scan(&t.ID, &t.OrderID, &t.PublisherID, &kind, &t.Amount.Amount, &t.Amount.Currency, &t.Account, &status,
			&t.ProviderID, &t.TransferID, &t.Error, &created, &updated)
		if err != nil {
			return nil, err
		}
		t.Kind, t.Status = ledger.TransferKind(kind), ledger.TransferStatus(status)
		t.CreatedAt, t.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
		list = append(list, t)
	}
	return list, rows.Err()
}

// ClaimShareTransfer implements ledger.ShareTransfers.
func (db *Store) ClaimShareTransfer(ctx context.Context, orderID, account string, now time.Time) (t ledger.ShareTransfer, ok bool, err error) {
	err = db.writeOrder(ctx, orderID, func(tx Tx) (err error) {
		t, ok, err = db.claimShareTransfer(ctx, tx, orderID, account, now)
		return err
	})
	return t, ok, err
}

// FinishShareTransfer implements ledger.ShareTransfers.
func (db *Store) FinishShareTransfer(ctx context.Context, id, providerID string, at, now time.Time) error {
	return db.conn.Write(ctx, func(tx Tx) error {
		return db.finishShareTransfer(ctx, tx, id, providerID, at, now)
	})
}

// FailShareTransfer implements ledger.ShareTransfers.
func (db *Store) FailShareTransfer(ctx context.Context, id, reason string, now time.Time) error {
	return db.conn.Write(ctx, func(tx Tx) error {
		return db.failShareTransfer(ctx, tx, id, reason, now)
	})
}

// writeOrder runs fn in a write transaction with orderID's row locked
// first when it is set (SQLite's one writer holds every order already),
// so that claims of one order are serialized.
func (db *Store) writeOrder(ctx context.Context, orderID string, fn func(Tx) error) error {
	return db.conn.Write(ctx, func(tx Tx) error {
		if orderID != "" && db.dialect.ForUpdate != "" {
			if _, err := tx.Exec(ctx, `SELECT 1 FROM orders WHERE id = $1`+db.dialect.ForUpdate, orderID); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}

func (db *Store) claimShareTransfer(ctx context.Context, tx Tx, orderID, account string, now time.Time) (ledger.ShareTransfer, bool, error) {
	history, err := queryAll(ctx, db, tx, "claim share transfer", scanShareTransfers, shareTransfersOf, orderID)
	if err != nil {
		return ledger.ShareTransfer{}, false, err
	}
	for _, h := range history {
		if h.Status == ledger.TransferPending {
			return h, true, nil
		}
	}
	shares, err := queryAll(ctx, db, tx, "claim share transfer", scanOrderShares, orderShare, orderID)
	if err != nil || len(shares) != 1 {
		return ledger.ShareTransfer{}, false, err
	}
	t, ok := ledger.NextShareTransfer(shares[0], history, account, now)
	if !ok {
		return t, false, nil
	}
	_, err = tx.Exec(ctx, insertShareTransfer, t.ID, t.OrderID, t.PublisherID, string(t.Kind), t.Amount.Amount, t.Amount.Currency,
		t.Account, string(t.Status), t.ProviderID, t.TransferID, t.Error, t.CreatedAt.UnixMicro(), t.UpdatedAt.UnixMicro())
	if err != nil {
		return ledger.ShareTransfer{}, false, fmt.Errorf("claim share transfer: %w", err)
	}
	return t, true, nil
}

// finishShareTransfer runs FinishShareTransfer in tx. The conditional
// update comes first: it takes the row (PostgreSQL
// makes a concurrent finish wait, then find it done), so the journal is
// posted once.
func (db *Store) finishShareTransfer(ctx context.Context, tx Tx, id, providerID string, at, now time.Time) error {
	if providerID == "" {
		return buycard.Errorf(buycard.EINVALID, "Name the provider's object of share transfer %s.", id)
	}
	n, err := tx.Exec(ctx, finishShareTransferSQL, id, providerID, now.UnixMicro())
	if err != nil {
		return fmt.Errorf("finish share transfer: %w", err)
	}
	t, err := db.shareTransfer(ctx, tx, id)
	switch {
	case err != nil:
		return err
	case n == 0 && t.Status == ledger.TransferDone && t.ProviderID == providerID:
		return nil
	case n == 0:
		return buycard.Errorf(buycard.ECONFLICT, "Share transfer %s is %s already.", id, t.Status)
	}
	j, err := t.Journal(providerID, at)
	if err != nil {
		return err
	}
	_, err = db.appendJournal(ctx, tx, j)
	return err
}

func (db *Store) failShareTransfer(ctx context.Context, tx Tx, id, reason string, now time.Time) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	n, err := tx.Exec(ctx, failShareTransferSQL, id, reason, now.UnixMicro())
	if err != nil {
		return fmt.Errorf("fail share transfer: %w", err)
	}
	if n == 1 {
		return nil
	}
	t, err := db.shareTransfer(ctx, tx, id)
	if err != nil {
		return err
	}
	return buycard.Errorf(buycard.ECONFLICT, "Share transfer %s is %s already.", id, t.Status)
}

func (db *Store) shareTransfer(ctx context.Context, tx Tx, id string) (ledger.ShareTransfer, error) {
	list, err := queryAll(ctx, db, tx, "share transfer", scanShareTransfers, shareTransferByID, id)
	if err != nil {
		return ledger.ShareTransfer{}, err
	}
	if len(list) == 0 {
		return ledger.ShareTransfer{}, buycard.Errorf(buycard.ENOTFOUND, "No share transfer %s.", id)
	}
	return list[0], nil
}
