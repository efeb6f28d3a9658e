package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard/ledger"
)

var _ ledger.Store = (*DB)(nil)

// Post implements ledger.Store: it appends j in its own write transaction.
func (db *DB) Post(ctx context.Context, j ledger.Journal) (res ledger.PostResult, err error) {
	defer wrap(&err, "post journal")
	return writeTx(ctx, db, func(tx pgx.Tx) (ledger.PostResult, error) {
		return appendJournal(ctx, tx, j)
	})
}

// appendJournal appends j within tx, first locking the ledger head: appends
// are serialized, and under READ COMMITTED every statement after the lock
// sees the journals committed before it.
func appendJournal(ctx context.Context, tx pgx.Tx, j ledger.Journal) (ledger.PostResult, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM ledger_head FOR UPDATE`); err != nil {
		return ledger.PostResult{}, err
	}
	return ledger.Append(ctx, ledgerTx{tx}, j)
}

// ledgerTx is a write transaction holding the head lock, as ledger.Append
// sees it.
type ledgerTx struct{ tx pgx.Tx }

func (t ledgerTx) JournalDigest(ctx context.Context, key string) (string, bool, error) {
	var digest string
	err := t.tx.QueryRow(ctx, `SELECT digest FROM ledger_journals WHERE key = $1`, key).Scan(&digest)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return digest, err == nil, err
}

func (t ledgerTx) Head(ctx context.Context) (seq int64, hash string, err error) {
	err = t.tx.QueryRow(ctx, `SELECT seq, hash FROM ledger_head`).Scan(&seq, &hash)
	return seq, hash, err
}

func (t ledgerTx) AccountBalance(ctx context.Context, a ledger.AccountID) (int64, error) {
	return accountBalance(ctx, t.tx, a)
}

func (t ledgerTx) Insert(ctx context.Context, r ledger.Record) error {
	j := r.Journal
	batch := &pgx.Batch{}
	batch.Queue(`
		INSERT INTO ledger_journals (seq, key, kind, order_id, currency, effective_at, digest, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		r.Seq, j.Key, string(j.Kind), j.OrderID, j.Currency, j.EffectiveAt.UnixMicro(), r.Digest, r.Hash)
	for _, p := range j.Postings {
		batch.Queue(`INSERT INTO ledger_postings (journal_seq, account, amount, normal, memo) VALUES ($1, $2, $3, $4, $5)`,
			r.Seq, p.Account.String(), p.Amount, p.NormalAmount(), p.Memo)
		batch.Queue(`
			INSERT INTO ledger_balances (account, party, amount) VALUES ($1, $2, $3)
			ON CONFLICT (account) DO UPDATE SET amount = excluded.amount`,
			p.Account.String(), p.Account.Party.String(), r.Balances[p.Account])
	}
	batch.Queue(`UPDATE ledger_head SET seq = $1, hash = $2`, r.Seq, r.Hash)
	return t.tx.SendBatch(ctx, batch).Close()
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func accountBalance(ctx context.Context, q querier, a ledger.AccountID) (int64, error) {
	var amount int64
	err := q.QueryRow(ctx, `SELECT amount FROM ledger_balances WHERE account = $1`, a.String()).Scan(&amount)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return amount, err
}

// Balance implements ledger.Store.
func (db *DB) Balance(ctx context.Context, a ledger.AccountID) (b ledger.Balance, err error) {
	defer wrap(&err, "balance")
	if err := a.Validate(); err != nil {
		return ledger.Balance{}, err
	}
	amount, err := accountBalance(ctx, db.pool, a)
	return ledger.Balance{Account: a, Amount: amount}, err
}

// Balances implements ledger.Store.
func (db *DB) Balances(ctx context.Context, p ledger.Party) (list []ledger.Balance, err error) {
	defer wrap(&err, "balances")
	if err := p.Validate(); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT account, amount FROM ledger_balances WHERE party = $1 ORDER BY account`, p.String())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (b ledger.Balance, err error) {
		err = row.Scan(&b.Account, &b.Amount)
		return b, err
	})
}

// Statement implements ledger.Store. The running balance is a window sum
// over the account's postings in append order.
func (db *DB) Statement(ctx context.Context, q ledger.StatementQuery) (list []ledger.Entry, err error) {
	defer wrap(&err, "statement")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var limit *int
	if q.Limit > 0 {
		limit = &q.Limit
	}
	rows, err := db.pool.Query(ctx, `
		SELECT seq, key, kind, order_id, effective_at, memo, normal, balance FROM (
			SELECT j.seq, j.key, j.kind, j.order_id, j.effective_at, p.memo, p.normal,
			       SUM(p.normal) OVER (ORDER BY p.journal_seq)::BIGINT AS balance
			FROM ledger_postings p JOIN ledger_journals j ON j.seq = p.journal_seq
			WHERE p.account = $1) entries
		WHERE seq > $2 ORDER BY seq LIMIT $3`, q.Account.String(), q.After, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (e ledger.Entry, err error) {
		var micros int64
		err = row.Scan(&e.Seq, &e.JournalKey, &e.Kind, &e.OrderID, &micros, &e.Memo, &e.Amount, &e.Balance)
		e.EffectiveAt = time.UnixMicro(micros).UTC()
		return e, err
	})
}

// VerifyLedger reads every journal back and checks the hash chain and the
// stored balances (ledger.Verify), in one read snapshot.
func (db *DB) VerifyLedger(ctx context.Context) (v ledger.Verification, err error) {
	defer wrap(&err, "verify ledger")
	return readTx(ctx, db, func(tx pgx.Tx) (ledger.Verification, error) {
		links, err := readJournals(ctx, tx)
		if err != nil {
			return ledger.Verification{}, err
		}
		balances, err := readBalances(ctx, tx)
		if err != nil {
			return ledger.Verification{}, err
		}
		return ledger.Verify(links, balances), nil
	})
}

// readJournals returns every journal with its postings and chain hash, in
// append order.
func readJournals(ctx context.Context, tx pgx.Tx) ([]ledger.Link, error) {
	rows, err := tx.Query(ctx, ledger.StoredPostingsQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var links []ledger.Link
	var lastSeq int64
	for rows.Next() {
		var r ledger.StoredPosting
		if err := rows.Scan(r.Fields()...); err != nil {
			return nil, err
		}
		links = ledger.AddStored(links, &lastSeq, r)
	}
	return links, rows.Err()
}

func readBalances(ctx context.Context, tx pgx.Tx) (map[ledger.AccountID]int64, error) {
	rows, err := tx.Query(ctx, `SELECT account, amount FROM ledger_balances`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[ledger.AccountID]int64)
	for rows.Next() {
		var a ledger.AccountID
		var amount int64
		if err := rows.Scan(&a, &amount); err != nil {
			return nil, err
		}
		out[a] = amount
	}
	return out, rows.Err()
}
