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

// publish records ev in tx with the job that tells of it: both commit
// with the change ev tells of, or neither does.
func (db *Store) publish(ctx context.Context, tx Tx, ev *buycard.Event) error {
	if err := db.insertEvent(ctx, tx, ev); err != nil {
		return err
	}
	return tx.Enqueue(ctx, jobs.Notify(ev.ID))
}

// insertEvent records ev in tx.
func (db *Store) insertEvent(ctx context.Context, tx Tx, ev *buycard.Event) error {
	ev.CreatedAt = db.dialect.StoredTime(ev.CreatedAt)
	_, err := tx.Exec(ctx, `
		INSERT INTO events (id, type, party_kind, party_id, order_id, user_id, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		ev.ID, ev.Type, nullIfEmpty(ev.PartyKind), nullIfEmpty(ev.PartyID), nullIfEmpty(ev.OrderID),
		nullIfEmpty(ev.UserID), string(ev.Data), ev.CreatedAt)
	return err
}

// publishTo records the event typ of a party, with data.
func (db *Store) publishTo(ctx context.Context, tx Tx, typ buycard.EventType, partyKind, partyID string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	return db.publish(ctx, tx, &buycard.Event{ID: buycard.NewID("evt"), Type: typ, CreatedAt: time.Now(),
		PartyKind: partyKind, PartyID: partyID, Data: raw})
}

// appendJournal appends j in tx and, when it pays a publisher, records
// payout.paid.
func (db *Store) appendJournal(ctx context.Context, tx Tx, j ledger.Journal) (ledger.PostResult, error) {
	res, err := ledger.Append(ctx, tx.Ledger(), j)
	if err != nil || res.Existed || j.Kind != ledger.KindPublisherPayout {
		return res, err
	}
	var data buycard.PayoutEventData
	data.Payout.ID, data.Payout.OrderID = j.Key, j.OrderID
	publisher := ""
	for _, p := range j.Postings {
		if p.Account.Party.Kind == ledger.PartyPublisher && p.Account.Kind == ledger.Paid {
			publisher, data.Payout.Amount = p.Account.Party.ID, buycard.Money{Amount: abs(p.Amount), Currency: j.Currency}
		}
	}
	return res, db.publishTo(ctx, tx, buycard.EventPayoutPaid, buycard.PartyPublisher, publisher, data)
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

func findEvent(ctx context.Context, tx Tx, id string) (*buycard.Event, error) {
	ev := &buycard.Event{ID: id}
	var data string
	err := tx.QueryRow(ctx, `
		SELECT type, COALESCE(party_kind, ''), COALESCE(party_id, ''), COALESCE(order_id, ''),
			COALESCE(user_id, ''), data, created_at
		FROM events WHERE id = $1`, id).
		Scan(&ev.Type, &ev.PartyKind, &ev.PartyID, &ev.OrderID, &ev.UserID, &data, &ev.CreatedAt)
	if errors.Is(err, ErrNoRows) {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Event %q not found.", id)
	}
	ev.Data = json.RawMessage(data)
	return ev, err
}

// PartyUsers implements buycard.EventService.
func (db *Store) PartyUsers(ctx context.Context, partyKind, partyID string) (_ []string, err error) {
	defer db.wrap(&err, "party users")
	return queryColumn[string](ctx, db.pool, `SELECT id FROM users WHERE role = $1 AND party_id = $2 ORDER BY created_at, id`,
		partyKind, partyID)
}

// DispatchEvent inserts, in one transaction, the email jobs of ev and a
// delivery, with its job, to each endpoint of ev's party subscribed to
// its type that has none yet.
func (db *Store) DispatchEvent(ctx context.Context, ev *buycard.Event, emails []jobs.Job) (err error) {
	defer db.wrap(&err, "dispatch event")
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := tx.Enqueue(ctx, emails...); err != nil {
			return err
		}
		if ev.PartyKind == "" {
			return nil
		}
		all, err := queryAll(ctx, db, tx, "list endpoints", scanEndpoints,
			`SELECT `+endpointColumns+` FROM webhook_endpoints WHERE party_kind = $1 AND party_id = $2 AND disabled_at IS NULL`,
			ev.PartyKind, ev.PartyID)
		if err != nil {
			return err
		}
		var subscribed []*buycard.WebhookEndpoint
		for _, e := range all {
			if e.Subscribed(ev.Type) {
				subscribed = append(subscribed, e)
			}
		}
		_, err = db.createDeliveries(ctx, tx, ev, subscribed)
		return err
	})
}

// DeleteOldEvents implements buycard.EventService.
func (db *Store) DeleteOldEvents(ctx context.Context, t time.Time) (n int64, err error) {
	defer db.wrap(&err, "delete old events")
	return write(ctx, db, func(tx Tx) (int64, error) {
		at := db.dialect.StoredTime(t)
		_, err := tx.Exec(ctx, `
			DELETE FROM webhook_deliveries WHERE status <> 'pending'
				AND event_id IN (SELECT id FROM events WHERE created_at < $1)`, at)
		if err != nil {
			return 0, err
		}
		return tx.Exec(ctx, `
			DELETE FROM events WHERE created_at < $1
				AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = events.id)`, at)
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
