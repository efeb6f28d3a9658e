package sqlstore

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
)

// publish records ev in tx with the job that tells of it: both commit
// with the change ev tells of, or neither does.
func (db *Store) publish(ctx context.Context, tx Tx, ev *buycard.Event) error {
	ev.CreatedAt = db.dialect.StoredTime(ev.CreatedAt)
	_, err := tx.Exec(ctx, `
		INSERT INTO events (id, type, party_kind, party_id, order_id, user_id, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		ev.ID, ev.Type, nullIfEmpty(ev.PartyKind), nullIfEmpty(ev.PartyID), nullIfEmpty(ev.OrderID),
		nullIfEmpty(ev.UserID), string(ev.Data), ev.CreatedAt)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, jobs.Notify(ev.ID))
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
	ev := &buycard.Event{ID: id}
	var data string
	err = db.pool.QueryRow(ctx, `
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

// DispatchEvent inserts the jobs that deliver ev in one transaction.
func (db *Store) DispatchEvent(ctx context.Context, ev *buycard.Event, emails []jobs.Job) (err error) {
	defer db.wrap(&err, "dispatch event")
	return db.conn.Write(ctx, func(tx Tx) error {
		return tx.Enqueue(ctx, emails...)
	})
}
