package ledgersql

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
	// ShareTransfersOf selects an order's movements, $1 = order id.
	ShareTransfersOf = `SELECT ` + shareColumns + ` FROM share_transfers WHERE order_id = $1 ORDER BY created_at, id`
	// ShareTransfersTo selects a publisher's movements newest first, $1 =
	// publisher id, $2 = limit.
	ShareTransfersTo = `SELECT ` + shareColumns + ` FROM share_transfers WHERE publisher_id = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`
	// ShareTransferByID selects one movement, $1 = id.
	ShareTransferByID   = `SELECT ` + shareColumns + ` FROM share_transfers WHERE id = $1`
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

// OrderShare selects one order's share, $1 = order id.
const OrderShare = orderShareSum + ` AND j.order_id = $1 GROUP BY j.order_id, p.account`

// OrderShares selects the orders whose share is not zero or whose
// movement is pending, oldest first.
const OrderShares = orderShareSum + `
	GROUP BY j.order_id, p.account
	HAVING SUM(p.normal) <> 0
	    OR EXISTS (SELECT 1 FROM share_transfers t WHERE t.order_id = j.order_id AND t.status = 'pending')
	ORDER BY MIN(j.seq)
	LIMIT 1000`

// ScanOrderShares decodes OrderShare(s) rows.
func ScanOrderShares(rows Rows) ([]ledger.OrderShare, error) {
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

// ScanShareTransfers decodes rows of shareColumns.
func ScanShareTransfers(rows Rows) ([]ledger.ShareTransfer, error) {
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

// ExecFunc runs one statement and returns how many rows it changed.
type ExecFunc func(ctx context.Context, sql string, args ...any) (int64, error)

// WriteTx is a store's write transaction, in which the share transfer
// functions below run.
type WriteTx struct {
	Query  QueryFunc
	Exec   ExecFunc
	Ledger ledger.Tx
}

// TransactFunc runs fn in a write transaction of the store. When orderID
// is set, the transaction holds that order first (PostgreSQL locks its
// row), so that claims of one order are serialized.
type TransactFunc func(ctx context.Context, orderID string, fn func(WriteTx) error) error

// Transfers is the write side of ledger.ShareTransfers, the same on every
// store (Reader has the read side): stores embed it, built with
// NewTransfers over their write transactions.
type Transfers struct {
	transact TransactFunc
}

// NewTransfers returns the write side over transact.
func NewTransfers(transact TransactFunc) Transfers { return Transfers{transact: transact} }

// ClaimShareTransfer implements ledger.ShareTransfers.
func (s Transfers) ClaimShareTransfer(ctx context.Context, orderID, account string, now time.Time) (t ledger.ShareTransfer, ok bool, err error) {
	err = s.transact(ctx, orderID, func(tx WriteTx) (err error) {
		t, ok, err = claimShareTransfer(ctx, tx, orderID, account, now)
		return err
	})
	return t, ok, err
}

// FinishShareTransfer implements ledger.ShareTransfers.
func (s Transfers) FinishShareTransfer(ctx context.Context, id, providerID string, at, now time.Time) error {
	return s.transact(ctx, "", func(tx WriteTx) error {
		return finishShareTransfer(ctx, tx, id, providerID, at, now)
	})
}

// FailShareTransfer implements ledger.ShareTransfers.
func (s Transfers) FailShareTransfer(ctx context.Context, id, reason string, now time.Time) error {
	return s.transact(ctx, "", func(tx WriteTx) error {
		return failShareTransfer(ctx, tx, id, reason, now)
	})
}

func claimShareTransfer(ctx context.Context, tx WriteTx, orderID, account string, now time.Time) (ledger.ShareTransfer, bool, error) {
	history, err := run(ctx, tx.Query, "claim share transfer", ScanShareTransfers, ShareTransfersOf, orderID)
	if err != nil {
		return ledger.ShareTransfer{}, false, err
	}
	for _, h := range history {
		if h.Status == ledger.TransferPending {
			return h, true, nil
		}
	}
	shares, err := run(ctx, tx.Query, "claim share transfer", ScanOrderShares, OrderShare, orderID)
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
func finishShareTransfer(ctx context.Context, tx WriteTx, id, providerID string, at, now time.Time) error {
	if providerID == "" {
		return buycard.Errorf(buycard.EINVALID, "Name the provider's object of share transfer %s.", id)
	}
	n, err := tx.Exec(ctx, finishShareTransferSQL, id, providerID, now.UnixMicro())
	if err != nil {
		return fmt.Errorf("finish share transfer: %w", err)
	}
	t, err := shareTransfer(ctx, tx, id)
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
	_, err = ledger.Append(ctx, tx.Ledger, j)
	return err
}

func failShareTransfer(ctx context.Context, tx WriteTx, id, reason string, now time.Time) error {
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
	t, err := shareTransfer(ctx, tx, id)
	if err != nil {
		return err
	}
	return buycard.Errorf(buycard.ECONFLICT, "Share transfer %s is %s already.", id, t.Status)
}

func shareTransfer(ctx context.Context, tx WriteTx, id string) (ledger.ShareTransfer, error) {
	list, err := run(ctx, tx.Query, "share transfer", ScanShareTransfers, ShareTransferByID, id)
	if err != nil {
		return ledger.ShareTransfer{}, err
	}
	if len(list) == 0 {
		return ledger.ShareTransfer{}, buycard.Errorf(buycard.ENOTFOUND, "No share transfer %s.", id)
	}
	return list[0], nil
}

// OrderShares implements ledger.ShareTransfers.OrderShares.
func (r Reader) OrderShares(ctx context.Context) ([]ledger.OrderShare, error) {
	return run(ctx, r.query, "order shares", ScanOrderShares, OrderShares)
}

// ShareTransfersOf implements ledger.ShareTransfers.ShareTransfersOf.
func (r Reader) ShareTransfersOf(ctx context.Context, orderID string) ([]ledger.ShareTransfer, error) {
	return run(ctx, r.query, "share transfers", ScanShareTransfers, ShareTransfersOf, orderID)
}

// ShareTransfersTo implements ledger.ShareTransfers.ShareTransfersTo.
func (r Reader) ShareTransfersTo(ctx context.Context, publisherID string, limit int) ([]ledger.ShareTransfer, error) {
	return run(ctx, r.query, "share transfers to publisher", ScanShareTransfers, ShareTransfersTo, publisherID, limit)
}
