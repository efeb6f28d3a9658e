package sqlstore

import (
	"context"
	"time"

	"github.com/buycard/buycard/ledger"
)

// The ledger's read side of ledger.Books, on the store's read pool.

// Balance implements ledger.Store.
func (db *Store) Balance(ctx context.Context, a ledger.AccountID) (ledger.Balance, error) {
	if err := a.Validate(); err != nil {
		return ledger.Balance{}, err
	}
	list, err := queryAll(ctx, db, db.pool, "balance", scanBalances, balanceOf, a.String())
	b := ledger.Balance{Account: a}
	if len(list) == 1 {
		b.Amount = list[0].Amount
	}
	return b, err
}

// Balances implements ledger.Store.
func (db *Store) Balances(ctx context.Context, p ledger.Party) ([]ledger.Balance, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return queryAll(ctx, db, db.pool, "balances", scanBalances, balancesOf, p.String())
}

// BalancesOfKind implements ledger.Books.
func (db *Store) BalancesOfKind(ctx context.Context, pk ledger.PartyKind, k ledger.AccountKind) ([]ledger.Balance, error) {
	return queryAll(ctx, db, db.pool, "balances of kind", scanBalances, balancesOfKind, kindPattern(pk, k))
}

// Statement implements ledger.Store.
func (db *Store) Statement(ctx context.Context, q ledger.StatementQuery) ([]ledger.Entry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return queryAll(ctx, db, db.pool, "statement", scanEntries, statementQuery, q.Account.String(), q.After, statementLimit(q))
}

// OrderJournals implements ledger.Books.
func (db *Store) OrderJournals(ctx context.Context, orderID string) ([]ledger.Journal, error) {
	links, err := queryAll(ctx, db, db.pool, "order journals", scanLinks, orderJournals, orderID)
	return ledger.JournalsOf(links), err
}

// DueReleases implements ledger.Books.
func (db *Store) DueReleases(ctx context.Context, cutoff, now time.Time) ([]ledger.Release, error) {
	scan := func(rows Rows) ([]ledger.Release, error) { return scanReleases(rows, now) }
	return queryAll(ctx, db, db.pool, "due releases", scan, dueReleases, cutoff.UnixMicro())
}

// VerifyLedger implements ledger.Books: every journal and balance read in
// one snapshot, then checked with ledger.Verify.
func (db *Store) VerifyLedger(ctx context.Context) (v ledger.Verification, err error) {
	err = db.conn.Snapshot(ctx, func(tx Tx) error {
		links, err := queryAll(ctx, db, tx, "verify ledger", scanLinks, storedJournals)
		if err != nil {
			return err
		}
		balances, err := queryAll(ctx, db, tx, "verify ledger", ScanBalanceMap, allBalances)
		v = ledger.Verify(links, balances)
		return err
	})
	return v, err
}

// OrderShares implements ledger.ShareTransfers.OrderShares.
func (db *Store) OrderShares(ctx context.Context) ([]ledger.OrderShare, error) {
	return queryAll(ctx, db, db.pool, "order shares", scanOrderShares, orderShares)
}

// ShareTransfersOf implements ledger.ShareTransfers.ShareTransfersOf.
func (db *Store) ShareTransfersOf(ctx context.Context, orderID string) ([]ledger.ShareTransfer, error) {
	return queryAll(ctx, db, db.pool, "share transfers", scanShareTransfers, shareTransfersOf, orderID)
}

// ShareTransfersTo implements ledger.ShareTransfers.ShareTransfersTo.
func (db *Store) ShareTransfersTo(ctx context.Context, publisherID string, limit int) ([]ledger.ShareTransfer, error) {
	return queryAll(ctx, db, db.pool, "share transfers to publisher", scanShareTransfers, shareTransfersTo, publisherID, limit)
}
