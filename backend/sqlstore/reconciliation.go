package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// Reconciliation against the provider's money: the runs of each day and
// the alerts they raise (buycard.ReconciliationService), and what a run
// reads of the ledger (ledger.ProviderBooks).

var (
	_ buycard.ReconciliationService = (*Store)(nil)
	_ ledger.ProviderBooks          = (*Store)(nil)
)

// Claims of a day: a new row, or a run that failed, was abandoned
// ($3: started before the lease), or (again, $4) finished.
const (
	claimNewDay = `INSERT INTO reconciliation_runs (day, status, started_at) VALUES ($1, 'running', $2) ON CONFLICT (day) DO NOTHING`
	claimOldDay = `
		UPDATE reconciliation_runs SET status = 'running', started_at = $2, finished_at = NULL, report = NULL, error = ''
		WHERE day = $1 AND (status = 'failed' OR status = 'running' AND started_at < $3 OR $4 AND status <> 'running')`
)

// ClaimReconciliation implements buycard.ReconciliationService.
func (db *Store) ClaimReconciliation(ctx context.Context, day string, now time.Time, again bool) (ok bool, err error) {
	defer db.wrap(&err, "claim reconciliation")
	if _, err := buycard.DayStart(day); err != nil {
		return false, err
	}
	now = db.dialect.StoredTime(now)
	return write(ctx, db, func(tx Tx) (bool, error) {
		n, err := tx.Exec(ctx, claimNewDay, day, now)
		if err != nil || n == 1 {
			return n == 1, err
		}
		n, err = tx.Exec(ctx, claimOldDay, day, now, now.Add(-buycard.ReconciliationLease), again)
		return n == 1, err
	})
}

// finishRun records a claimed run's result: $1 day, $2 the claim's
// start, $3 status, $4 finished, $5 report (JSON or NULL), $6 error.
const finishRun = `
	UPDATE reconciliation_runs SET status = $3, finished_at = $4, report = $5, error = $6
	WHERE day = $1 AND status = 'running' AND started_at = $2`

// raiseAlert opens the day's alert, or updates the one still open, with
// the differences ($3, JSON).
const raiseAlert = `
	INSERT INTO reconciliation_alerts (day, raised_at, updated_at, differences) VALUES ($1, $2, $2, $3)
	ON CONFLICT (day) WHERE cleared_at IS NULL DO UPDATE SET updated_at = excluded.updated_at, differences = excluded.differences`

// FinishReconciliation implements buycard.ReconciliationService.
func (db *Store) FinishReconciliation(ctx context.Context, r *buycard.ReconciliationRun, now time.Time) (err error) {
	defer db.wrap(&err, "finish reconciliation")
	report, differences, err := runJSON(r)
	if err != nil {
		return err
	}
	now = db.dialect.StoredTime(now)
	return db.conn.Write(ctx, func(tx Tx) error {
		lost := buycard.Errorf(buycard.ECONFLICT, "Another run took over the reconciliation of %s.", r.Day)
		err := updateOne(ctx, tx, lost, finishRun, r.Day, db.dialect.StoredTime(r.StartedAt), string(r.Status), now, report, r.Error)
		if err != nil || r.Status != buycard.ReconciliationMismatch {
			return err
		}
		_, err = tx.Exec(ctx, raiseAlert, r.Day, now, differences)
		return err
	})
}

// runJSON checks a finished run and encodes its report (nil without one)
// and its differences.
func runJSON(r *buycard.ReconciliationRun) (report any, differences string, err error) {
	switch r.Status {
	case buycard.ReconciliationClean, buycard.ReconciliationMismatch, buycard.ReconciliationFailed:
	default:
		return nil, "", buycard.Errorf(buycard.EINVALID, "A finished reconciliation is clean, a mismatch or failed.")
	}
	if (r.Report == nil) != (r.Status == buycard.ReconciliationFailed) || r.Report != nil && r.Report.Clean() != (r.Status == buycard.ReconciliationClean) {
		return nil, "", buycard.Errorf(buycard.EINVALID, "A reconciliation's status must say what its report found.")
	}
	if r.Report == nil {
		return nil, "[]", nil
	}
	b, err := json.Marshal(r.Report)
	if err != nil {
		return nil, "", err
	}
	d, err := json.Marshal(r.Report.Differences)
	return string(b), string(d), err
}

// ReconciliationRuns implements buycard.ReconciliationService.
func (db *Store) ReconciliationRuns(ctx context.Context, limit int) (_ []*buycard.ReconciliationRun, err error) {
	defer db.wrap(&err, "reconciliation runs")
	return queryAll(ctx, db, db.pool, "reconciliation runs", scanEach(scanRun), `
		SELECT day, status, started_at, finished_at, COALESCE(CAST(report AS TEXT), ''), error
		FROM reconciliation_runs ORDER BY day DESC LIMIT $1`, limit)
}

func scanRun(row Row) (*buycard.ReconciliationRun, error) {
	r := &buycard.ReconciliationRun{}
	var report string
	if err := row.Scan(&r.Day, &r.Status, &r.StartedAt, &r.FinishedAt, &report, &r.Error); err != nil {
		return nil, err
	}
	r.StartedAt, r.FinishedAt = r.StartedAt.UTC(), utcOrNil(r.FinishedAt)
	if report == "" {
		return r, nil
	}
	r.Report = new(buycard.ReconciliationReport)
	return r, json.Unmarshal([]byte(report), r.Report)
}

// utcOrNil is t in UTC, nil for nil.
func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// selectAlerts selects alerts, followed by a condition and an order.
const selectAlerts = `
	SELECT id, day, raised_at, updated_at, CAST(differences AS TEXT), cleared_at, cleared_by, note
	FROM reconciliation_alerts WHERE `

// OpenReconciliationAlerts implements buycard.ReconciliationService.
func (db *Store) OpenReconciliationAlerts(ctx context.Context) ([]*buycard.ReconciliationAlert, error) {
	return queryAll(ctx, db, db.pool, "open reconciliation alerts", scanEach(scanAlert), selectAlerts+`cleared_at IS NULL ORDER BY day, id`)
}

// ClearedReconciliationAlerts implements buycard.ReconciliationService.
func (db *Store) ClearedReconciliationAlerts(ctx context.Context, limit int) ([]*buycard.ReconciliationAlert, error) {
	return queryAll(ctx, db, db.pool, "cleared reconciliation alerts", scanEach(scanAlert),
		selectAlerts+`cleared_at IS NOT NULL ORDER BY cleared_at DESC, id DESC LIMIT $1`, limit)
}

func scanAlert(row Row) (*buycard.ReconciliationAlert, error) {
	a := &buycard.ReconciliationAlert{}
	var differences string
	if err := row.Scan(&a.ID, &a.Day, &a.RaisedAt, &a.UpdatedAt, &differences, &a.ClearedAt, &a.ClearedBy, &a.Note); err != nil {
		return nil, err
	}
	a.RaisedAt, a.UpdatedAt, a.ClearedAt = a.RaisedAt.UTC(), a.UpdatedAt.UTC(), utcOrNil(a.ClearedAt)
	return a, json.Unmarshal([]byte(differences), &a.Differences)
}

// ClearReconciliationAlert implements buycard.ReconciliationService.
func (db *Store) ClearReconciliationAlert(ctx context.Context, id int64, by, note string, now time.Time) (err error) {
	defer db.wrap(&err, "clear reconciliation alert")
	if err := buycard.ValidateAlertNote(note); err != nil {
		return err
	}
	if by == "" {
		return buycard.Errorf(buycard.EINVALID, "Say who clears the alert.")
	}
	return db.conn.Write(ctx, func(tx Tx) error {
		var cleared *time.Time
		err := tx.QueryRow(ctx, `SELECT cleared_at FROM reconciliation_alerts WHERE id = $1`+db.dialect.ForUpdate, id).Scan(&cleared)
		switch {
		case errors.Is(err, ErrNoRows):
			return buycard.Errorf(buycard.ENOTFOUND, "Alert %d not found.", id)
		case err != nil:
			return err
		case cleared != nil:
			return buycard.Errorf(buycard.ECONFLICT, "Alert %d was cleared already.", id)
		}
		_, err = tx.Exec(ctx, `UPDATE reconciliation_alerts SET cleared_at = $2, cleared_by = $3, note = $4 WHERE id = $1`,
			id, db.dialect.StoredTime(now), by, note)
		return err
	})
}

// providerJournalsWhere selects the journals a reconciliation compares:
// effective in [$1, $2) (Unix microseconds), of orders paid through
// provider $3.
const providerJournalsWhere = `
	WHERE j.effective_at >= $1 AND j.effective_at < $2
	  AND j.kind IN ('sale', 'refund', 'publisher_payout', 'publisher_reversal')
	  AND j.order_id IN (SELECT id FROM orders WHERE provider = $3)`

// providerJournals selects those journals as orderJournals does;
// providerJournalIDs their provider ids: the order's payment, and a share
// transfer's provider object ("publisher_payout:" is 17 bytes).
const (
	providerJournals = `
		SELECT j.seq, j.key, j.kind, j.order_id, j.currency, j.effective_at, j.hash, p.account, p.amount, p.memo
		FROM ledger_journals j JOIN ledger_postings p ON p.journal_seq = j.seq` + providerJournalsWhere + `
		ORDER BY j.seq, p.account, p.memo`
	providerJournalIDs = `
		SELECT j.key, COALESCE(o.provider_payment_id, ''), COALESCE(st.provider_id, '')
		FROM ledger_journals j JOIN orders o ON o.id = j.order_id
		LEFT JOIN share_transfers st ON j.kind = 'publisher_payout' AND st.id = substr(j.key, 18)` + providerJournalsWhere
)

// ProviderJournals implements ledger.ProviderBooks, in one snapshot.
func (db *Store) ProviderJournals(ctx context.Context, provider string, from, to time.Time) (_ []ledger.ProviderJournal, err error) {
	defer db.wrap(&err, "provider journals")
	args := []any{from.UnixMicro(), to.UnixMicro(), provider}
	return snapshot(ctx, db, func(tx Tx) ([]ledger.ProviderJournal, error) {
		links, err := queryAll(ctx, db, tx, "provider journals", scanLinks, providerJournals, args...)
		if err != nil {
			return nil, err
		}
		ids, err := queryAll(ctx, db, tx, "provider journal ids", scanEach(func(r Row) ([]string, error) { return scanStrings(r, 3) }), providerJournalIDs, args...)
		if err != nil {
			return nil, err
		}
		byKey := make(map[string][]string, len(ids))
		for _, id := range ids {
			byKey[id[0]] = id
		}
		list := make([]ledger.ProviderJournal, len(links))
		for i, l := range links {
			list[i] = ledger.ProviderJournal{Journal: l.Journal}
			if id, ok := byKey[l.Journal.Key]; ok { // always, in one snapshot
				list[i].PaymentID, list[i].ProviderID = id[1], id[2]
			}
		}
		return list, nil
	})
}

// scanStrings scans a row of text columns.
func scanStrings(row Row, n int) ([]string, error) {
	v := make([]string, n)
	dest := make([]any, n)
	for i := range v {
		dest[i] = &v[i]
	}
	return v, row.Scan(dest...)
}

// PaymentOrders implements ledger.ProviderBooks.
func (db *Store) PaymentOrders(ctx context.Context, provider string, paymentIDs []string) (_ map[string]string, err error) {
	defer db.wrap(&err, "payment orders")
	return db.lookup(ctx, paymentIDs, `SELECT provider_payment_id, id FROM orders WHERE provider = $2 AND provider_payment_id `+db.dialect.In("$1"), provider)
}

// ProviderOrders implements ledger.ProviderBooks.
func (db *Store) ProviderOrders(ctx context.Context, provider string, orderIDs []string) (_ map[string]string, err error) {
	defer db.wrap(&err, "provider orders")
	return db.lookup(ctx, orderIDs, `SELECT id, id FROM orders WHERE provider = $2 AND id `+db.dialect.In("$1"), provider)
}

// TransferShares implements ledger.ProviderBooks.
func (db *Store) TransferShares(ctx context.Context, transferIDs []string) (_ map[string]string, err error) {
	defer db.wrap(&err, "transfer shares")
	return db.lookup(ctx, transferIDs, `SELECT provider_id, id FROM share_transfers WHERE kind = 'transfer' AND provider_id `+db.dialect.In("$1"))
}

// lookup runs query, which selects pairs of (key, value) for the keys
// in the list $1 (and args after), over keys in chunks, and returns the
// pairs found.
func (db *Store) lookup(ctx context.Context, keys []string, query string, args ...any) (map[string]string, error) {
	found := map[string]string{}
	for chunk := range slices.Chunk(keys, 500) {
		pairs, err := queryAll(ctx, db, db.pool, "lookup", scanEach(func(r Row) ([]string, error) { return scanStrings(r, 2) }),
			query, append([]any{chunk}, args...)...)
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			found[p[0]] = p[1]
		}
	}
	return found, nil
}
