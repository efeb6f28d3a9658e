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

// JournalDigests reads each digest with the one prepared statement.
func (t ledgerTx) JournalDigests(ctx context.Context, keys []string) (map[string]string, error) {
	out := make(map[string]string, len(keys))
	for _, key := range keys {
		var digest string
		found, err := t.queryRow(ctx, sqlstore.LedgerJournalDigest, []any{key}, &digest)
		if err != nil {
			return nil, err
		}
		if found {
			out[key] = digest
		}
	}
	return out, nil
}

// State reads each balance with the one prepared statement: in process,
// that is cheaper than one query with a list.
func (t ledgerTx) State(ctx context.Context, keys []string, accounts []ledger.AccountID) (ledger.State, error) {
	digests, err := t.JournalDigests(ctx, keys)
	if err != nil {
		return ledger.State{}, err
	}
	state := ledger.State{Digests: digests, Balances: make(map[ledger.AccountID]int64, len(accounts))}
	for _, a := range accounts {
		var amount int64
		found, err := t.queryRow(ctx, sqlstore.LedgerAccountBalance, []any{a.String()}, &amount)
		if err != nil {
			return ledger.State{}, err
		}
		if found {
			state.Balances[a] = amount
		}
	}
	_, err = t.queryRow(ctx, sqlstore.LedgerHead, nil, &state.Seq, &state.Hash)
	return state, err
}

// Insert writes b a row at a time with the prepared statements.
func (t ledgerTx) Insert(ctx context.Context, b ledger.Batch) error {
	journals, postings, balances, head := sqlstore.LedgerRows(b)
	for _, step := range []struct {
		query string
		rows  [][]any
	}{
		{sqlstore.LedgerInsertJournal, journals},
		{sqlstore.LedgerInsertPosting, postings},
		{sqlstore.LedgerUpsertBalance, balances},
		{sqlstore.LedgerMoveHead, [][]any{head}},
	} {
		for _, args := range step.rows {
			if _, err := t.tx.ExecContext(ctx, step.query, args...); err != nil {
				return err
			}
		}
	}
	return nil
}
