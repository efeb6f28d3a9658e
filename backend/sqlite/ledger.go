package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/buycard/buycard/ledger"
)

var _ ledger.Store = (*DB)(nil)

// Post implements ledger.Store: it appends j in its own write transaction.
// Writes are serialized on the one write connection, which is the ledger's
// append lock.
func (db *DB) Post(ctx context.Context, j ledger.Journal) (res ledger.PostResult, err error) {
	defer wrap(&err, "post journal")
	return writeTx(ctx, db, func(tx *sql.Tx) (ledger.PostResult, error) {
		return ledger.Append(ctx, ledgerTx{tx}, j)
	})
}

// ledgerTx is a write transaction as ledger.Append sees it.
type ledgerTx struct{ tx *sql.Tx }

func (t ledgerTx) JournalDigest(ctx context.Context, key string) (string, bool, error) {
	var digest string
	err := t.tx.QueryRowContext(ctx, `SELECT digest FROM ledger_journals WHERE key = ?`, key).Scan(&digest)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	return digest, err == nil, err
}

func (t ledgerTx) Head(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	err := t.tx.QueryRowContext(ctx, `SELECT seq, hash FROM ledger_journals ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if err == sql.ErrNoRows {
		return 0, "", nil
	}
	return seq, hash, err
}

func (t ledgerTx) AccountBalance(ctx context.Context, a ledger.AccountID) (int64, error) {
	return accountBalance(ctx, t.tx, a)
}

func (t ledgerTx) Insert(ctx context.Context, r ledger.Record) error {
	j := r.Journal
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO ledger_journals (seq, key, kind, order_id, currency, effective_at, digest, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Seq, j.Key, string(j.Kind), j.OrderID, j.Currency, j.EffectiveAt.UnixMicro(), r.Digest, r.Hash)
	if err != nil {
		return err
	}
	for _, p := range j.Postings {
		if _, err := t.tx.ExecContext(ctx, `
			INSERT INTO ledger_postings (journal_seq, account, amount, normal, memo) VALUES (?, ?, ?, ?, ?)`,
			r.Seq, p.Account.String(), p.Amount, p.NormalAmount(), p.Memo); err != nil {
			return err
		}
		if _, err := t.tx.ExecContext(ctx, `
			INSERT INTO ledger_balances (account, party, amount) VALUES (?, ?, ?)
			ON CONFLICT (account) DO UPDATE SET amount = excluded.amount`,
			p.Account.String(), p.Account.Party.String(), r.Balances[p.Account]); err != nil {
			return err
		}
	}
	return nil
}

// queryer is a *sql.DB or a *sql.Tx.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func accountBalance(ctx context.Context, q queryer, a ledger.AccountID) (int64, error) {
	var amount int64
	err := q.QueryRowContext(ctx, `SELECT amount FROM ledger_balances WHERE account = ?`, a.String()).Scan(&amount)
	if err == sql.ErrNoRows {
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
	amount, err := accountBalance(ctx, db.read, a)
	return ledger.Balance{Account: a, Amount: amount}, err
}

// Balances implements ledger.Store.
func (db *DB) Balances(ctx context.Context, p ledger.Party) (list []ledger.Balance, err error) {
	defer wrap(&err, "balances")
	if err := p.Validate(); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT account, amount FROM ledger_balances WHERE party = ? ORDER BY account`, p.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b ledger.Balance
		if err := rows.Scan(&b.Account, &b.Amount); err != nil {
			return nil, err
		}
		list = append(list, b)
	}
	return list, rows.Err()
}

// Statement implements ledger.Store. The running balance is a window sum
// over the account's postings in append order.
func (db *DB) Statement(ctx context.Context, q ledger.StatementQuery) (list []ledger.Entry, err error) {
	defer wrap(&err, "statement")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	limit := int64(q.Limit)
	if limit == 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT seq, key, kind, order_id, effective_at, memo, normal, balance FROM (
			SELECT j.seq, j.key, j.kind, j.order_id, j.effective_at, p.memo, p.normal,
			       SUM(p.normal) OVER (ORDER BY p.journal_seq) AS balance
			FROM ledger_postings p JOIN ledger_journals j ON j.seq = p.journal_seq
			WHERE p.account = ?)
		WHERE seq > ? ORDER BY seq LIMIT ?`, q.Account.String(), q.After, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e ledger.Entry
		var micros int64
		if err := rows.Scan(&e.Seq, &e.JournalKey, &e.Kind, &e.OrderID, &micros, &e.Memo, &e.Amount, &e.Balance); err != nil {
			return nil, err
		}
		e.EffectiveAt = time.UnixMicro(micros).UTC()
		list = append(list, e)
	}
	return list, rows.Err()
}

// VerifyLedger reads every journal back and checks the hash chain and the
// stored balances (ledger.Verify), in one read snapshot.
func (db *DB) VerifyLedger(ctx context.Context) (v ledger.Verification, err error) {
	defer wrap(&err, "verify ledger")
	return readTx(ctx, db, func(tx *sql.Tx) (ledger.Verification, error) {
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
func readJournals(ctx context.Context, tx *sql.Tx) ([]ledger.Link, error) {
	rows, err := tx.QueryContext(ctx, ledger.StoredPostingsQuery)
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

func readBalances(ctx context.Context, tx *sql.Tx) (map[ledger.AccountID]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT account, amount FROM ledger_balances`)
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
