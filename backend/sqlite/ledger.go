package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/buycard/buycard/backend/ledgersql"
	"github.com/buycard/buycard/ledger"
)

var _ ledger.Books = (*DB)(nil)

// Post implements ledger.Store: it appends j in its own write transaction.
// Writes are serialized on the one write connection, which is the ledger's
// append lock.
func (db *DB) Post(ctx context.Context, j ledger.Journal) (res ledger.PostResult, err error) {
	defer wrap(&err, "post journal")
	return writeTx(ctx, db, func(tx *sql.Tx) (ledger.PostResult, error) {
		return ledger.Append(ctx, db.ledgerTx(tx), j)
	})
}

// ledgerTx is a write transaction as ledger.Append sees it; its
// statements are prepared once.
type ledgerTx struct {
	db *DB
	tx *sql.Tx
}

func (db *DB) ledgerTx(tx *sql.Tx) ledgerTx { return ledgerTx{db: db, tx: tx} }

// stmt is query prepared, within the transaction: Migrate's prepared
// statement when there is one, else prepared for this transaction only.
func (t ledgerTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if stmts := t.db.ledgerStmts.Load(); stmts != nil && (*stmts)[query] != nil {
		return t.tx.StmtContext(ctx, (*stmts)[query]), nil
	}
	return t.tx.PrepareContext(ctx, query)
}

// queryRow runs a one-row query and scans it; found is false for no row.
func (t ledgerTx) queryRow(ctx context.Context, query string, args []any, dest ...any) (found bool, err error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return false, err
	}
	err = st.QueryRowContext(ctx, args...).Scan(dest...)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

func (t ledgerTx) JournalDigest(ctx context.Context, key string) (digest string, found bool, err error) {
	found, err = t.queryRow(ctx, ledgersql.JournalDigest, []any{key}, &digest)
	return digest, found, err
}

func (t ledgerTx) Head(ctx context.Context) (seq int64, hash string, err error) {
	_, err = t.queryRow(ctx, ledgersql.Head, nil, &seq, &hash)
	return seq, hash, err
}

// AccountBalances reads each balance with the prepared statement: in
// process, that is cheaper than one query with a list.
func (t ledgerTx) AccountBalances(ctx context.Context, accounts []ledger.AccountID) (map[ledger.AccountID]int64, error) {
	out := make(map[ledger.AccountID]int64, len(accounts))
	for _, a := range accounts {
		var amount int64
		found, err := t.queryRow(ctx, ledgersql.AccountBalance, []any{a.String()}, &amount)
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
	queries, args := ledgersql.InsertArgs(r)
	for i, q := range queries {
		st, err := t.stmt(ctx, q)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args[i]...); err != nil {
			return err
		}
	}
	return nil
}

// Balance implements ledger.Store.
func (db *DB) Balance(ctx context.Context, a ledger.AccountID) (b ledger.Balance, err error) {
	defer wrap(&err, "balance")
	if err := a.Validate(); err != nil {
		return ledger.Balance{}, err
	}
	b.Account = a
	err = db.read.QueryRowContext(ctx, ledgersql.AccountBalance, a.String()).Scan(&b.Amount)
	if err == sql.ErrNoRows {
		return b, nil
	}
	return b, err
}

// Balances implements ledger.Store.
func (db *DB) Balances(ctx context.Context, p ledger.Party) (_ []ledger.Balance, err error) {
	defer wrap(&err, "balances")
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return query(ctx, db.read, ledgersql.ScanBalances, ledgersql.Balances, p.String())
}

// BalancesOfKind implements ledger.Books.
func (db *DB) BalancesOfKind(ctx context.Context, pk ledger.PartyKind, k ledger.AccountKind) (_ []ledger.Balance, err error) {
	defer wrap(&err, "balances of kind")
	return query(ctx, db.read, ledgersql.ScanBalances, ledgersql.BalancesOfKind, ledgersql.KindPattern(pk, k))
}

// Statement implements ledger.Store.
func (db *DB) Statement(ctx context.Context, q ledger.StatementQuery) (_ []ledger.Entry, err error) {
	defer wrap(&err, "statement")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return query(ctx, db.read, ledgersql.ScanEntries, ledgersql.Statement, q.Account.String(), q.After, ledgersql.StatementLimit(q))
}

// OrderJournals implements ledger.Books.
func (db *DB) OrderJournals(ctx context.Context, orderID string) (_ []ledger.Journal, err error) {
	defer wrap(&err, "order journals")
	links, err := query(ctx, db.read, ledgersql.ScanLinks, ledgersql.OrderJournals, orderID)
	return ledger.JournalsOf(links), err
}

// DueReleases implements ledger.Books.
func (db *DB) DueReleases(ctx context.Context, cutoff, now time.Time) (_ []ledger.Release, err error) {
	defer wrap(&err, "due releases")
	scan := func(rows ledgersql.Rows) ([]ledger.Release, error) { return ledgersql.ScanReleases(rows, now) }
	return query(ctx, db.read, scan, ledgersql.DueReleases, cutoff.UnixMicro())
}

// VerifyLedger implements ledger.Books, in one read snapshot.
func (db *DB) VerifyLedger(ctx context.Context) (v ledger.Verification, err error) {
	defer wrap(&err, "verify ledger")
	return readTx(ctx, db, func(tx *sql.Tx) (ledger.Verification, error) {
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

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// query runs a query and decodes its rows with scan.
func query[T any](ctx context.Context, q querier, scan func(ledgersql.Rows) (T, error), sql string, args ...any) (T, error) {
	rows, err := q.QueryContext(ctx, sql, args...)
	if err != nil {
		var zero T
		return zero, err
	}
	defer rows.Close()
	return scan(rows)
}
