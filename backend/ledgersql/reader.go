package ledgersql

import (
	"context"
	"fmt"
	"time"

	"github.com/buycard/buycard/ledger"
)

// QueryFunc runs one query and returns its rows with the function that
// closes them; each store supplies one over its own driver.
type QueryFunc func(ctx context.Context, sql string, args ...any) (rows Rows, close func(), err error)

// SnapshotFunc runs fn with a QueryFunc whose queries all see one read
// snapshot.
type SnapshotFunc func(ctx context.Context, fn func(QueryFunc) error) error

// Reader is the ledger's read side of ledger.Books, the same on every
// store: stores embed it, built with NewReader over their read pool.
type Reader struct {
	query    QueryFunc
	snapshot SnapshotFunc
}

// NewReader returns the read side over query (for single queries) and
// snapshot (for VerifyLedger).
func NewReader(query QueryFunc, snapshot SnapshotFunc) Reader {
	return Reader{query: query, snapshot: snapshot}
}

// run runs one query and decodes its rows with scan; a failure names op.
func run[T any](ctx context.Context, q QueryFunc, op string, scan func(Rows) (T, error), sql string, args ...any) (T, error) {
	var zero T
	rows, closeRows, err := q(ctx, sql, args...)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", op, err)
	}
	defer closeRows()
	v, err := scan(rows)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", op, err)
	}
	return v, nil
}

// Balance implements ledger.Store.
func (r Reader) Balance(ctx context.Context, a ledger.AccountID) (ledger.Balance, error) {
	if err := a.Validate(); err != nil {
		return ledger.Balance{}, err
	}
	list, err := run(ctx, r.query, "balance", ScanBalances, BalanceOf, a.String())
	b := ledger.Balance{Account: a}
	if len(list) == 1 {
		b.Amount = list[0].Amount
	}
	return b, err
}

// Balances implements ledger.Store.
func (r Reader) Balances(ctx context.Context, p ledger.Party) ([]ledger.Balance, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return run(ctx, r.query, "balances", ScanBalances, Balances, p.String())
}

// BalancesOfKind implements ledger.Books.
func (r Reader) BalancesOfKind(ctx context.Context, pk ledger.PartyKind, k ledger.AccountKind) ([]ledger.Balance, error) {
	return run(ctx, r.query, "balances of kind", ScanBalances, BalancesOfKind, KindPattern(pk, k))
}

// Statement implements ledger.Store.
func (r Reader) Statement(ctx context.Context, q ledger.StatementQuery) ([]ledger.Entry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return run(ctx, r.query, "statement", ScanEntries, Statement, q.Account.String(), q.After, StatementLimit(q))
}

// OrderJournals implements ledger.Books.
func (r Reader) OrderJournals(ctx context.Context, orderID string) ([]ledger.Journal, error) {
	links, err := run(ctx, r.query, "order journals", ScanLinks, OrderJournals, orderID)
	return ledger.JournalsOf(links), err
}

// DueReleases implements ledger.Books.
func (r Reader) DueReleases(ctx context.Context, cutoff, now time.Time) ([]ledger.Release, error) {
	scan := func(rows Rows) ([]ledger.Release, error) { return ScanReleases(rows, now) }
	return run(ctx, r.query, "due releases", scan, DueReleases, cutoff.UnixMicro())
}

// VerifyLedger implements ledger.Books: every journal and balance read in
// one snapshot, then checked with ledger.Verify.
func (r Reader) VerifyLedger(ctx context.Context) (v ledger.Verification, err error) {
	err = r.snapshot(ctx, func(q QueryFunc) error {
		links, err := run(ctx, q, "verify ledger", ScanLinks, StoredJournals)
		if err != nil {
			return err
		}
		balances, err := run(ctx, q, "verify ledger", ScanBalanceMap, AllBalances)
		v = ledger.Verify(links, balances)
		return err
	})
	return v, err
}
