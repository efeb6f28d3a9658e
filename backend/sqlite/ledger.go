package sqlite

import (
	"context"
	"database/sql"

	"github.com/buycard/buycard/backend/sqlstore"
	"github.com/buycard/buycard/ledger"
)

// ledgerTx is a write transaction as ledger.Append sees it. Its
// statements are prepared once per connection (stmtcache.go).
type ledgerTx struct{ tx *sql.Tx }

// queryRow runs a one-row query and scans it; found is false for no row.
func (t ledgerTx) queryRow(ctx context.Context, query string, args []any, dest ...any) (found bool, err error) {
	err = t.tx.QueryRowContext(ctx, query, args...).Scan(dest...)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

func (t ledgerTx) JournalDigest(ctx context.Context, key string) (digest string, found bool, err error) {
	found, err = t.queryRow(ctx, sqlstore.LedgerJournalDigest, []any{key}, &digest)
	return digest, found, err
}

func (t ledgerTx) Head(ctx context.Context) (seq int64, hash string, err error) {
	_, err = t.queryRow(ctx, sqlstore.LedgerHead, nil, &seq, &hash)
	return seq, hash, err
}

// AccountBalances reads each balance with the one prepared statement: in
// process, that is cheaper than one query with a list.
func (t ledgerTx) AccountBalances(ctx context.Context, accounts []ledger.AccountID) (map[ledger.AccountID]int64, error) {
	out := make(map[ledger.AccountID]int64, len(accounts))
	for _, a := range accounts {
		var amount int64
		found, err := t.queryRow(ctx, sqlstore.LedgerAccountBalance, []any{a.String()}, &amount)
		if err != nil {
			return nil, err
		}
		if found {
			out[a] = amount
		}
	}
	return out, nil
}

func (t ledgerTx) Insert(ctx context.Context, r ledger.Record) error {
	queries, args := sqlstore.LedgerInsertArgs(r)
	for i, q := range queries {
		if _, err := t.tx.ExecContext(ctx, q, args[i]...); err != nil {
			return err
		}
	}
	return nil
}
