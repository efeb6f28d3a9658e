package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard/backend/sqlstore"
	"github.com/buycard/buycard/ledger"
)

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
	err := t.tx.QueryRow(ctx, sqlstore.LedgerHead+` FOR UPDATE`).Scan(&t.seq, &t.hash)
	t.locked = err == nil
	return err
}

func (t *ledgerTx) JournalDigest(ctx context.Context, key string) (digest string, found bool, err error) {
	if err := t.lock(ctx); err != nil {
		return "", false, err
	}
	err = t.tx.QueryRow(ctx, sqlstore.LedgerJournalDigest, key).Scan(&digest)
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
	return sqlstore.ScanBalanceMap(rows)
}

// Insert sends the journal's statements in one round trip.
func (t *ledgerTx) Insert(ctx context.Context, r ledger.Record) error {
	if err := t.lock(ctx); err != nil {
		return err
	}
	queries, args := sqlstore.LedgerInsertArgs(r)
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
