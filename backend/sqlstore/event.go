package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/ledger"
)

// publish records ev in tx, undispatched: it commits with the change it
// tells of, or not at all, and the relay (package notify) dispatches it
// once it has (UndispatchedEvents, DispatchEvents).
func (db *Store) publish(ctx context.Context, tx Tx, ev *buycard.Event) error {
	return db.insertEvent(ctx, tx, ev, nil)
}

// insertEvent records ev in tx, dispatched at dispatched (nil: not yet).
func (db *Store) insertEvent(ctx context.Context, tx Tx, ev *buycard.Event, dispatched *time.Time) error {
	ev.CreatedAt = db.dialect.StoredTime(ev.CreatedAt)
	_, err := tx.Exec(ctx, `
		INSERT INTO events (id, type, party_kind, party_id, order_id, user_id, data, created_at, dispatched_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		ev.ID, ev.Type, nullIfEmpty(ev.PartyKind), nullIfEmpty(ev.PartyID), nullIfEmpty(ev.OrderID),
		nullIfEmpty(ev.UserID), string(ev.Data), ev.CreatedAt, dispatched)
	return err
}

// publishTo records the event typ of a party, with data.
func (db *Store) publishTo(ctx context.Context, tx Tx, typ buycard.EventType, partyKind, partyID string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	now := time.Now()
	return db.publish(ctx, tx, &buycard.Event{ID: buycard.NewEventID(now), Type: typ, CreatedAt: now,
		PartyKind: partyKind, PartyID: partyID, Data: raw})
}

// appendJournal appends j in tx and, when it pays a publisher, records
// payout.paid.
func (db *Store) appendJournal(ctx context.Context, tx Tx, j ledger.Journal) (ledger.PostResult, error) {
	outcomes, err := db.appendJournals(ctx, tx, []ledger.Journal{j})
	if err != nil {
		return ledger.PostResult{}, err
	}
	return outcomes[0].Result, outcomes[0].Err
}

// appendJournals appends journals in tx (ledger.AppendAll) and records
// payout.paid for each appended one that pays a publisher.
func (db *Store) appendJournals(ctx context.Context, tx Tx, journals []ledger.Journal) ([]ledger.Outcome, error) {
	outcomes, err := ledger.AppendAll(ctx, tx.Ledger(), journals)
	if err != nil {
		return nil, err
	}
	for i, o := range outcomes {
		if o.Err == nil && !o.Result.Existed && journals[i].Kind == ledger.KindPublisherPayout {
			if err := db.publishPayout(ctx, tx, journals[i]); err != nil {
				return nil, err
			}
		}
	}
	return outcomes, nil
}

// publishPayout records payout.paid for payout journal j.
func (db *Store) publishPayout(ctx context.Context, tx Tx, j ledger.Journal) error {
	var data buycard.PayoutEventData
	data.Payout.ID, data.Payout.OrderID = j.Key, j.OrderID
	publisher := ""
	for _, p := range j.Postings {
		if p.Account.Party.Kind == ledger.PartyPublisher && p.Account.Kind == ledger.Paid {
			publisher, data.Payout.Amount = p.Account.Party.ID, buycard.Money{Amount: abs(p.Amount), Currency: j.Currency}
		}
	}
	return db.publishTo(ctx, tx, buycard.EventPayoutPaid, buycard.PartyPublisher, publisher, data)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// publishShareChange records share.changed for each publisher c names.
func (db *Store) publishShareChange(ctx context.Context, tx Tx, c buycard.ShareChange, publishers []string) error {
	if len(publishers) == 0 {
		return nil
	}
	if err := tx.QueryRow(ctx, `SELECT name FROM merchants WHERE id = $1`, c.MerchantID).Scan(&c.MerchantName); err != nil {
		return err
	}
	for _, p := range publishers {
		if err := db.publishTo(ctx, tx, buycard.EventShareChanged, buycard.PartyPublisher, p, c); err != nil {
			return err
		}
	}
	return nil
}

// publishOrder records the event typ of o as it is now.
func (db *Store) publishOrder(ctx context.Context, tx Tx, typ buycard.EventType, o *buycard.Order, refund *buycard.Money) error {
	ev, err := buycard.NewOrderEvent(typ, o, refund)
	if err != nil {
		return err
	}
	return db.publish(ctx, tx, ev)
}

// FindEvent implements buycard.EventService.
func (db *Store) FindEvent(ctx context.Context, id string) (_ *buycard.Event, err error) {
	defer db.wrap(&err, "find event")
	return findEvent(ctx, db.pool, id)
}

// eventColumns are what scanEvent reads.
const eventColumns = `id, type, COALESCE(party_kind, ''), COALESCE(party_id, ''), COALESCE(order_id, ''),
	COALESCE(user_id, ''), data, created_at`

func findEvent(ctx context.Context, tx Tx, id string) (*buycard.Event, error) {
	ev, err := scanEvent(tx.QueryRow(ctx, `SELECT `+eventColumns+` FROM events WHERE id = $1`, id))
	if errors.Is(err, ErrNoRows) {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Event %q not found.", id)
	}
	return ev, err
}

func scanEvent(row Row) (*buycard.Event, error) {
	ev := &buycard.Event{}
	var data string
	err := row.Scan(&ev.ID, &ev.Type, &ev.PartyKind, &ev.PartyID, &ev.OrderID, &ev.UserID, &data, &ev.CreatedAt)
	ev.Data = json.RawMessage(data)
	return ev, err
}

// PartyUsers implements buycard.EventService.
func (db *Store) PartyUsers(ctx context.Context, partyKind, partyID string) (_ []string, err error) {
	defer db.wrap(&err, "party users")
	return queryColumn[string](ctx, db.pool, `SELECT id FROM users WHERE role = $1 AND party_id = $2 ORDER BY created_at, id`,
		partyKind, partyID)
}

// UndispatchedEvents returns the oldest events, at most limit, that no
// relay dispatched yet.
func (db *Store) UndispatchedEvents(ctx context.Context, limit int) (_ []*buycard.Event, err error) {
	defer db.wrap(&err, "undispatched events")
	return queryAll(ctx, db, db.pool, "undispatched events", scanEach(scanEvent), `SELECT `+eventColumns+` FROM events WHERE dispatched_at IS NULL ORDER BY id LIMIT $1`, limit)
}

// DispatchEvents dispatches, in one transaction, each of events that no
// relay dispatched yet: it inserts its email jobs (emails, by event id)
// and a delivery, with its job, to each enabled endpoint of the event's
// party subscribed to its type, and marks it dispatched. An event another
// relay dispatched first, or erased since, is passed over, so that
// relays on several nodes tell each event once. It returns how many it
// dispatched.
func (db *Store) DispatchEvents(ctx context.Context, events []*buycard.Event, emails map[string][]jobs.Job) (n int, err error) {
	defer db.wrap(&err, "dispatch events")
	return write(ctx, db, func(tx Tx) (int, error) {
		now := db.dialect.StoredTime(time.Now())
		var jobList []jobs.Job
		endpoints := map[string][]*buycard.WebhookEndpoint{} // by party
		dispatched := 0
		for _, ev := range events {
			won, err := tx.Exec(ctx, `UPDATE events SET dispatched_at = $2 WHERE id = $1 AND dispatched_at IS NULL`, ev.ID, now)
			if err != nil {
				return 0, err
			}
			if won == 0 {
				continue
			}
			dispatched++
			jobList = append(jobList, emails[ev.ID]...)
			deliveries, err := db.deliverToSubscribed(ctx, tx, ev, endpoints)
			if err != nil {
				return 0, err
			}
			jobList = append(jobList, deliveryJobs(deliveries)...)
		}
		return dispatched, tx.Enqueue(ctx, jobList...)
	})
}

// deliverToSubscribed creates a delivery of ev to each enabled endpoint of
// its party subscribed to its type; byParty caches the party's endpoints
// for the rest of the transaction.
func (db *Store) deliverToSubscribed(ctx context.Context, tx Tx, ev *buycard.Event, byParty map[string][]*buycard.WebhookEndpoint) ([]*buycard.WebhookDelivery, error) {
	if ev.PartyKind == "" {
		return nil, nil
	}
	party := ev.PartyKind + " " + ev.PartyID
	all, ok := byParty[party]
	if !ok {
		var err error
		all, err = queryAll(ctx, db, tx, "list endpoints", scanEndpoints,
			`SELECT `+endpointColumns+` FROM webhook_endpoints WHERE party_kind = $1 AND party_id = $2 AND disabled_at IS NULL`,
			ev.PartyKind, ev.PartyID)
		if err != nil {
			return nil, err
		}
		byParty[party] = all
	}
	var subscribed []*buycard.WebhookEndpoint
	for _, e := range all {
		if e.Subscribed(ev.Type) {
			subscribed = append(subscribed, e)
		}
	}
	return db.createDeliveries(ctx, tx, ev, subscribed)
}

// QueueHealthOf is the health of the job queue, as queueHealth reads it,
// with the events that wait for the relay.
func (db *Store) QueueHealthOf(ctx context.Context, queueHealth func(context.Context) (jobs.Health, error)) (_ jobs.Health, err error) {
	defer db.wrap(&err, "queue health")
	h, err := queueHealth(ctx)
	if err != nil {
		return h, err
	}
	var oldest *time.Time
	err = db.pool.QueryRow(ctx, `SELECT COUNT(*), MIN(created_at) FROM events WHERE dispatched_at IS NULL`).Scan(&h.Undispatched, &oldest)
	if oldest != nil {
		h.OldestUndispatched = *oldest
	}
	if err != nil {
		return h, err
	}
	h.Waiting, err = queryAll(ctx, db, db.pool, "jobs waiting by kind", scanCounts, jobs.WaitingByKind)
	return h, err
}

// scanCounts scans rows of a name and a count.
func scanCounts(rows Rows) (map[string]int, error) {
	counts := map[string]int{}
	for rows.Next() {
		var (
			name string
			n    int
		)
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		counts[name] = n
	}
	return counts, rows.Err()
}

// DeleteOldEvents implements buycard.EventService. Event ids sort as
// their times (buycard.NewEventID), so the old ones are a range of the
// primary key.
func (db *Store) DeleteOldEvents(ctx context.Context, t time.Time) (n int64, err error) {
	defer db.wrap(&err, "delete old events")
	return write(ctx, db, func(tx Tx) (int64, error) {
		before := buycard.EventIDAt(t)
		_, err := tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE status <> 'pending' AND event_id < $1`, before)
		if err != nil {
			return 0, err
		}
		return tx.Exec(ctx, `
			DELETE FROM events WHERE id < $1 AND dispatched_at IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = events.id)`, before)
	})
}

// tellLowStock records product.low_stock when the sale of o left its
// variant's counted stock at or below buycard.LowStockThreshold, unless
// the variant told it already and was not restocked since.
func (db *Store) tellLowStock(ctx context.Context, tx Tx, o *buycard.Order) error {
	var low buycard.LowStock
	err := tx.QueryRow(ctx, `
		UPDATE variants SET low_stock_told = true
		WHERE id = $1 AND NOT unlimited AND NOT low_stock_told AND stock <= $2
		RETURNING name, stock`, o.VariantID, buycard.LowStockThreshold).Scan(&low.Variant.Name, &low.Variant.Stock)
	if errors.Is(err, ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	low.Product.ID, low.Product.Title, low.Variant.ID, low.Threshold = o.ProductID, o.ProductTitle, o.VariantID, buycard.LowStockThreshold
	return db.publishTo(ctx, tx, buycard.EventLowStock, buycard.PartyMerchant, o.MerchantID, low)
}
