package sqlstore

import (
	"context"
	"time"

	"github.com/buycard/buycard/ledger"
)

// The ledger's SQL, on the tables of each store's ledger migration: the
// statements of its append, which each store runs in its own ledger.Tx,
// and the decoding of the rows its reads (ledger_reader.go) and share
// transfers (share_transfer.go) return.

var (
	_ ledger.Books          = (*Store)(nil)
	_ ledger.ShareTransfers = (*Store)(nil)
)

// Post implements ledger.Store: it appends j in a write transaction with
// the ledger statements the store runs (Tx.Ledger), shared with the
// journals posted at the same time (ledger.Group).
func (db *Store) Post(ctx context.Context, j ledger.Journal) (res ledger.PostResult, err error) {
	defer db.wrap(&err, "post journal")
	return db.posts.Post(ctx, j)
}

// commitJournals is the posts' ledger.CommitFunc: one write transaction
// appending journals.
func (db *Store) commitJournals(ctx context.Context, journals []ledger.Journal) ([]ledger.Outcome, error) {
	outcomes, err := write(ctx, db, func(tx Tx) ([]ledger.Outcome, error) {
		return db.appendJournals(ctx, tx, journals)
	})
	return outcomes, db.dialect.Translate(err)
}

// Statements of ledger.AppendAll's transaction, which each store runs in
// its ledger.Tx (Tx.Ledger): SQLite a row at a time with prepared
// statements, PostgreSQL a batch at a time (package postgres).
const (
	LedgerJournalDigest  = `SELECT digest FROM ledger_journals WHERE key = $1`
	LedgerHead           = `SELECT seq, hash FROM ledger_head`
	LedgerAccountBalance = `SELECT amount FROM ledger_balances WHERE account = $1`
	LedgerInsertJournal  = `
		INSERT INTO ledger_journals (seq, key, kind, order_id, currency, effective_at, digest, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	LedgerInsertPosting = `
		INSERT INTO ledger_postings (journal_seq, account, amount, normal, memo) VALUES ($1, $2, $3, $4, $5)`
	LedgerUpsertBalance = `
		INSERT INTO ledger_balances (account, party, amount) VALUES ($1, $2, $3)
		ON CONFLICT (account) DO UPDATE SET amount = excluded.amount`
	LedgerMoveHead = `UPDATE ledger_head SET seq = $1, hash = $2`
)

// LedgerRows returns the rows b writes, as the arguments of
// LedgerInsertJournal, LedgerInsertPosting and LedgerUpsertBalance, and
// of LedgerMoveHead for the new head.
func LedgerRows(b ledger.Batch) (journals, postings, balances [][]any, head []any) {
	for _, r := range b.Records {
		j := r.Journal
		journals = append(journals, []any{r.Seq, j.Key, string(j.Kind), j.OrderID, j.Currency, j.EffectiveAt.UnixMicro(), r.Digest, r.Hash})
		for _, p := range j.Postings {
			postings = append(postings, []any{r.Seq, p.Account.String(), p.Amount, p.NormalAmount(), p.Memo})
		}
	}
	for a, amount := range b.Balances {
		balances = append(balances, []any{a.String(), a.Party.String(), amount})
	}
	last := b.Records[len(b.Records)-1]
	return journals, postings, balances, []any{last.Seq, last.Hash}
}

// balanceOf selects one account's balance, $1 = AccountID.String().
const balanceOf = `SELECT account, amount FROM ledger_balances WHERE account = $1`

// balancesOf selects a party's balances, $1 = Party.String().
const balancesOf = `SELECT account, amount FROM ledger_balances WHERE party = $1 ORDER BY account`

// balancesOfKind selects every balance of one party kind and account kind,
// $1 = "publisher:%:available:%" as kindPattern gives it.
const balancesOfKind = `SELECT account, amount FROM ledger_balances WHERE account LIKE $1 ORDER BY account`

// kindPattern is the LIKE pattern of every account of party kind pk and
// account kind k, in any currency.
func kindPattern(pk ledger.PartyKind, k ledger.AccountKind) string {
	return string(pk) + ":%:" + string(k) + ":%"
}

// allBalances selects every balance, for verification.
const allBalances = `SELECT account, amount FROM ledger_balances`

// scanBalances decodes rows of (account, amount).
func scanBalances(rows Rows) ([]ledger.Balance, error) {
	var list []ledger.Balance
	for rows.Next() {
		var b ledger.Balance
		if err := rows.Scan(&b.Account, &b.Amount); err != nil {
			return nil, err
		}
		list = append(list, b)
	}
	return list, rows.Err()
}

// ScanBalanceMap decodes rows of (account, amount) into a map.
func ScanBalanceMap(rows Rows) (map[ledger.AccountID]int64, error) {
	list, err := scanBalances(rows)
	out := make(map[ledger.AccountID]int64, len(list))
	for _, b := range list {
		out[b.Account] = b.Amount
	}
	return out, err
}

// statementQuery selects an account's entries with their running balance, a
// window sum over the account's postings in append order (then memo, for
// a journal's several postings to one account): $1 account,
// $2 after (exclusive), $3 limit of journals (statementLimit).
const statementQuery = `
	SELECT seq, key, kind, order_id, effective_at, memo, normal, balance FROM (
		SELECT j.seq, j.key, j.kind, j.order_id, j.effective_at, p.memo, p.normal,
		       CAST(SUM(p.normal) OVER (ORDER BY p.journal_seq, p.memo) AS BIGINT) AS balance
		FROM ledger_postings p JOIN ledger_journals j ON j.seq = p.journal_seq
		WHERE p.account = $1) entries
	WHERE seq IN (SELECT DISTINCT journal_seq FROM ledger_postings
		WHERE account = $1 AND journal_seq > $2 ORDER BY journal_seq LIMIT $3)
	ORDER BY seq, memo`

// statementLimit is the LIMIT for a query's Limit, 0 meaning all.
func statementLimit(q ledger.StatementQuery) int64 {
	if q.Limit == 0 {
		return 1 << 62
	}
	return int64(q.Limit)
}

// scanEntries decodes statementQuery rows.
func scanEntries(rows Rows) ([]ledger.Entry, error) {
	var list []ledger.Entry
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

// storedJournals selects every journal with its postings in append order,
// for verification. A journal that lost its postings still comes back,
// with one empty row, so that its digest fails.
const storedJournals = `
	SELECT j.seq, j.key, j.kind, j.order_id, j.currency, j.effective_at, j.hash,
	       COALESCE(p.account, ''), COALESCE(p.amount, 0), COALESCE(p.memo, '')
	FROM ledger_journals j LEFT JOIN ledger_postings p ON p.journal_seq = j.seq
	ORDER BY j.seq, p.account, p.memo`

// orderJournals selects the journals of one order ($1) as storedJournals
// does.
const orderJournals = `
	SELECT j.seq, j.key, j.kind, j.order_id, j.currency, j.effective_at, j.hash,
	       p.account, p.amount, p.memo
	FROM ledger_journals j JOIN ledger_postings p ON p.journal_seq = j.seq
	WHERE j.order_id = $1
	ORDER BY j.seq, p.account, p.memo`

// scanLinks decodes storedJournals or orderJournals rows into journals
// with their chain hashes.
func scanLinks(rows Rows) ([]ledger.Link, error) {
	var links []ledger.Link
	var lastSeq int64
	for rows.Next() {
		var seq, micros int64
		var j ledger.Journal
		var hash string
		var p ledger.Posting
		if err := rows.Scan(&seq, &j.Key, &j.Kind, &j.OrderID, &j.Currency, &micros, &hash, &p.Account, &p.Amount, &p.Memo); err != nil {
			return nil, err
		}
		if len(links) == 0 || seq != lastSeq {
			j.EffectiveAt = time.UnixMicro(micros).UTC()
			links = append(links, ledger.Link{Journal: j, Hash: hash})
			lastSeq = seq
		}
		if p.Account != (ledger.AccountID{}) {
			last := &links[len(links)-1].Journal
			last.Postings = append(last.Postings, p)
		}
	}
	return links, rows.Err()
}

// dueReleases selects, per order and publisher pending account, what is
// still pending of sales effective before $1 (Unix microseconds) that were
// not released yet: the sale's share less any clawbacks, when positive.
const dueReleases = `
	SELECT j.order_id, p.account, CAST(SUM(p.normal) AS BIGINT)
	FROM ledger_postings p JOIN ledger_journals j ON j.seq = p.journal_seq
	WHERE p.account LIKE 'publisher:%:pending:%'
	  AND j.order_id IN (SELECT order_id FROM ledger_journals WHERE kind = 'sale' AND effective_at < $1)
	  AND NOT EXISTS (SELECT 1 FROM ledger_journals r WHERE r.key = 'publisher_release:' || j.order_id)
	GROUP BY j.order_id, p.account
	HAVING SUM(p.normal) > 0
	ORDER BY j.order_id
	LIMIT 1000`

// scanReleases decodes dueReleases rows into releases effective at.
func scanReleases(rows Rows, at time.Time) ([]ledger.Release, error) {
	var list []ledger.Release
	for rows.Next() {
		var r ledger.Release
		var a ledger.AccountID
		if err := rows.Scan(&r.OrderID, &a, &r.Amount.Amount); err != nil {
			return nil, err
		}
		r.PublisherID, r.Amount.Currency, r.EffectiveAt = a.Party.ID, a.Currency, at
		list = append(list, r)
	}
	return list, rows.Err()
}
