package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard/backend/sqlstore"
	"github.com/buycard/buycard/ledger"
)

// ledgerTx is a write transaction as ledger.AppendAll sees it. Its first
// read locks the ledger head until the transaction ends: appends are
// serialized, and under READ COMMITTED every statement after the lock sees
// the journals committed before it. Transactions that never touch the
// ledger never take the lock.
type ledgerTx struct {
	tx     pgx.Tx
	locked bool
	// seq and hash are the head read with the lock, moved by Insert.
	seq  int64
	hash string
}

// The statements of State, after the head's.
const (
	selectDigests  = `SELECT key, digest FROM ledger_journals WHERE key = ANY($1)`
	selectBalances = `SELECT account, amount FROM ledger_balances WHERE account = ANY($1)`
)

// JournalDigests reads the digests under the lock, in one round trip.
func (t *ledgerTx) JournalDigests(ctx context.Context, keys []string) (map[string]string, error) {
	state, err := t.State(ctx, keys, nil)
	return state.Digests, err
}

// State locks the head, if this transaction has not yet, and reads the
// digests and balances after it, in one round trip.
func (t *ledgerTx) State(ctx context.Context, keys []string, accounts []ledger.AccountID) (ledger.State, error) {
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = a.String()
	}
	batch := &pgx.Batch{}
	if !t.locked {
		batch.Queue(sqlstore.LedgerHead + ` FOR UPDATE`).QueryRow(func(row pgx.Row) error {
			return row.Scan(&t.seq, &t.hash)
		})
	}
	state := ledger.State{Digests: make(map[string]string, len(keys))}
	var key, digest string
	batch.Queue(selectDigests, keys).Query(func(rows pgx.Rows) error {
		_, err := pgx.ForEachRow(rows, []any{&key, &digest}, func() error {
			state.Digests[key] = digest
			return nil
		})
		return err
	})
	batch.Queue(selectBalances, ids).Query(func(rows pgx.Rows) (err error) {
		state.Balances, err = sqlstore.ScanBalanceMap(rows)
		return err
	})
	if err := t.tx.SendBatch(ctx, batch).Close(); err != nil {
		return ledger.State{}, err
	}
	t.locked = true
	state.Seq, state.Hash = t.seq, t.hash
	return state, nil
}

// The statements of Insert: each writes every row of its table in the
// batch from one array per column.
const (
	insertJournals = `
		INSERT INTO ledger_journals (seq, key, kind, order_id, currency, effective_at, digest, hash)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[])`
	insertPostings = `
		INSERT INTO ledger_postings (journal_seq, account, amount, normal, memo)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[])`
	upsertBalances = `
		INSERT INTO ledger_balances (account, party, amount)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
		ON CONFLICT (account) DO UPDATE SET amount = excluded.amount`
)

// Insert sends b's statements in one round trip, a statement per table.
func (t *ledgerTx) Insert(ctx context.Context, b ledger.Batch) error {
	journals, postings, balances, head := sqlstore.LedgerRows(b)
	batch := &pgx.Batch{}
	batch.Queue(insertJournals, columns(journals, 8)...)
	batch.Queue(insertPostings, columns(postings, 5)...)
	batch.Queue(upsertBalances, columns(balances, 3)...)
	batch.Queue(sqlstore.LedgerMoveHead, head...)
	if err := t.tx.SendBatch(ctx, batch).Close(); err != nil {
		return err
	}
	t.seq, t.hash = head[0].(int64), head[1].(string) // the next append in this transaction follows it
	return nil
}

// columns turns rows of n values into n arrays, one per column, each
// typed as its first row's value is (int64 or string).
func columns(rows [][]any, n int) []any {
	out := make([]any, n)
	for i := range n {
		switch rows[0][i].(type) {
		case int64:
			out[i] = column[int64](rows, i)
		default:
			out[i] = column[string](rows, i)
		}
	}
	return out
}

// column is the i-th value of every row.
func column[T any](rows [][]any, i int) []T {
	out := make([]T, len(rows))
	for r, row := range rows {
		out[r] = row[i].(T)
	}
	return out
}
