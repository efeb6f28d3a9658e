package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard/backend/ledgersql"
	"github.com/buycard/buycard/ledger"
)

var _ ledger.Books = (*DB)(nil)

// Post implements ledger.Store: it appends j in its own write transaction.
func (db *DB) Post(ctx context.Context, j ledger.Journal) (res ledger.PostResult, err error) {
	defer wrap(&err, "post journal")
	return writeTx(ctx, db, func(tx pgx.Tx) (ledger.PostResult, error) {
		return ledger.Append(ctx, &ledgerTx{tx: tx}, j)
	})
}

// ledgerTx is a write transaction as ledger.Append sees it. Its first
// query locks the ledger head until the transaction ends: appends are
// serialized, and under READ COMMITTED every statement after the lock sees
// the journals committed before it. Transactions that never touch the
// ledger never take the lock.
type ledgerTx struct {
	tx     pgx.Tx
	locked bool
	// seq and hash are the head read with the lock.
	seq  int64
	hash string
}

func (t *ledgerTx) lock(ctx context.Context) error {
	if t.locked {
		return nil
	}
	err := t.tx.QueryRow(ctx, ledgersql.Head+` FOR UPDATE`).Scan(&t.seq, &t.hash)
	t.locked = err == nil
	return err
}

func (t *ledgerTx) JournalDigest(ctx context.Context, key string) (digest string, found bool, err error) {
	if err := t.lock(ctx); err != nil {
		return "", false, err
	}
	err = t.tx.QueryRow(ctx, ledgersql.JournalDigest, key).Scan(&digest)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return digest, err == nil, err
}

// Head is the head the lock read: nobody else can have moved it since.
func (t *ledgerTx) Head(ctx context.Context) (seq int64, hash string, err error) {
	err = t.lock(ctx)
	return t.seq, t.hash, err
}

// AccountBalances reads every balance in one round trip.
func (t *ledgerTx) AccountBalances(ctx context.Context, accounts []ledger.AccountID) (map[ledger.AccountID]int64, error) {
	if err := t.lock(ctx); err != nil {
		return nil, err
	}
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = a.String()
	}
	rows, err := t.tx.Query(ctx, `SELECT account, amount FROM ledger_balances WHERE account = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return ledgersql.ScanBalanceMap(rows)
}

// Insert sends the journal's statements in one round trip.
func (t *ledgerTx) Insert(ctx context.Context, r ledger.Record) error {
	if err := t.lock(ctx); err != nil {
		return err
	}
	queries, args := ledgersql.InsertArgs(r)
	batch := &pgx.Batch{}
	for i, q := range queries {
		batch.Queue(q, args[i]...)
	}
	if err := t.tx.SendBatch(ctx, batch).Close(); err != nil {
		return err
	}
	t.seq, t.hash = r.Seq, r.Hash // the next append in this transaction follows it
	return nil
}

// querier is the pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func accountBalance(ctx context.Context, q querier, a ledger.AccountID) (amount int64, err error) {
	err = q.QueryRow(ctx, ledgersql.AccountBalance, a.String()).Scan(&amount)
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
func (db *DB) Balances(ctx context.Context, p ledger.Party) (_ []ledger.Balance, err error) {
	defer wrap(&err, "balances")
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return query(ctx, db.pool, ledgersql.ScanBalances, ledgersql.Balances, p.String())
}

// BalancesOfKind implements ledger.Books.
func (db *DB) BalancesOfKind(ctx context.Context, pk ledger.PartyKind, k ledger.AccountKind) (_ []ledger.Balance, err error) {
	defer wrap(&err, "balances of kind")
	return query(ctx, db.pool, ledgersql.ScanBalances, ledgersql.BalancesOfKind, ledgersql.KindPattern(pk, k))
}

// Statement implements ledger.Store.
func (db *DB) Statement(ctx context.Context, q ledger.StatementQuery) (_ []ledger.Entry, err error) {
	defer wrap(&err, "statement")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return query(ctx, db.pool, ledgersql.ScanEntries, ledgersql.Statement, q.Account.String(), q.After, ledgersql.StatementLimit(q))
}

// OrderJournals implements ledger.Books.
func (db *DB) OrderJournals(ctx context.Context, orderID string) (_ []ledger.Journal, err error) {
	defer wrap(&err, "order journals")
	links, err := query(ctx, db.pool, ledgersql.ScanLinks, ledgersql.OrderJournals, orderID)
	return ledger.JournalsOf(links), err
}

// DueReleases implements ledger.Books.
func (db *DB) DueReleases(ctx context.Context, cutoff, now time.Time) (_ []ledger.Release, err error) {
	defer wrap(&err, "due releases")
	scan := func(rows ledgersql.Rows) ([]ledger.Release, error) { return ledgersql.ScanReleases(rows, now) }
	return query(ctx, db.pool, scan, ledgersql.DueReleases, cutoff.UnixMicro())
}

// VerifyLedger implements ledger.Books, in one read snapshot.
func (db *DB) VerifyLedger(ctx context.Context) (v ledger.Verification, err error) {
	defer wrap(&err, "verify ledger")
	return readTx(ctx, db, func(tx pgx.Tx) (ledger.Verification, error) {
		links, err := query(ctx, tx, ledgersql.ScanLinks, ledgersql.StoredJournals)
		if err != nil {
			return ledger.Verification{}, err
		}
		balances, err := query(ctx, tx, ledgersql.ScanBalanceMap, ledgersql.AllBalances)
		if err != nil {
			return ledger.Verification{}, err
		}
		return ledger.Verify(links, balances), nil
	})
}

// query runs a query and decodes its rows with scan.
func query[T any](ctx context.Context, q querier, scan func(ledgersql.Rows) (T, error), sql string, args ...any) (T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		var zero T
		return zero, err
	}
	defer rows.Close()
	return scan(rows)
}
