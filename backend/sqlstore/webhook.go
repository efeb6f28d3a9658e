package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
)

// Webhook endpoints and deliveries (buycard.WebhookService). A delivery
// is created with the job that sends it, in the transaction that
// dispatches its event (DispatchEvents) or sends a test event; a resend
// inserts another job. The job records each attempt on the delivery
// (RecordWebhookAttempt).

const endpointColumns = `id, party_kind, party_id, url, description, event_types, secret,
	COALESCE(previous_secret, ''), previous_secret_expires_at, failing_since, disabled_at, disabled_reason, created_at`

func scanEndpoint(row Row) (*buycard.WebhookEndpoint, error) {
	e := new(buycard.WebhookEndpoint)
	var types []string
	err := row.Scan(&e.ID, &e.PartyKind, &e.PartyID, &e.URL, &e.Description, &types, &e.Secret,
		&e.PreviousSecret, &e.PreviousSecretExpiresAt, &e.FailingSince, &e.DisabledAt, &e.DisabledReason, &e.CreatedAt)
	for _, t := range types {
		e.EventTypes = append(e.EventTypes, buycard.EventType(t))
	}
	return e, err
}

var scanEndpoints = scanEach(scanEndpoint)

func typeList(types []buycard.EventType) []string {
	list := make([]string, len(types))
	for i, t := range types {
		list[i] = string(t)
	}
	return list
}

var errEndpointNotFound = buycard.Errorf(buycard.ENOTFOUND, "No such webhook endpoint.")

// CreateWebhookEndpoint implements buycard.WebhookService.
func (db *Store) CreateWebhookEndpoint(ctx context.Context, e *buycard.WebhookEndpoint) (err error) {
	defer db.wrap(&err, "create webhook endpoint")
	e.ID, e.CreatedAt = newID(e.ID, "whe"), db.createdAt(e.CreatedAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		// The party's row, locked, queues its creations, so that the
		// count holds until this one is in.
		if err := db.lockParty(ctx, tx, e.PartyKind, e.PartyID); err != nil {
			return err
		}
		var n int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM webhook_endpoints WHERE party_kind = $1 AND party_id = $2`,
			e.PartyKind, e.PartyID).Scan(&n)
		switch {
		case err != nil:
			return err
		case n >= buycard.MaxWebhookEndpoints:
			return buycard.Errorf(buycard.ECONFLICT, "You have %d webhook endpoints, the most there may be: delete one first.", n)
		}
		return db.insert(ctx, tx, "Webhook endpoint", e.ID, `
			INSERT INTO webhook_endpoints (id, party_kind, party_id, url, description, event_types, secret, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			e.ID, e.PartyKind, e.PartyID, e.URL, e.Description, typeList(e.EventTypes), e.Secret, e.CreatedAt)
	})
}

// lockParty locks the row of a merchant or publisher. Errors: ENOTFOUND.
func (db *Store) lockParty(ctx context.Context, tx Tx, kind, id string) error {
	query := `SELECT id FROM merchants WHERE id = $1`
	if kind == buycard.PartyPublisher {
		query = `SELECT id FROM publishers WHERE id = $1`
	}
	err := tx.QueryRow(ctx, query+db.dialect.ForUpdate, id).Scan(&id)
	if errors.Is(err, ErrNoRows) {
		return buycard.Errorf(buycard.ENOTFOUND, "No such %s.", kind)
	}
	return err
}

// WebhookEndpoints implements buycard.WebhookService.
func (db *Store) WebhookEndpoints(ctx context.Context, partyKind, partyID string) (_ []*buycard.WebhookEndpoint, err error) {
	defer db.wrap(&err, "webhook endpoints")
	return queryAll(ctx, db, db.pool, "list webhook endpoints", scanEndpoints,
		`SELECT `+endpointColumns+` FROM webhook_endpoints WHERE party_kind = $1 AND party_id = $2 ORDER BY created_at, id`,
		partyKind, partyID)
}

// FindWebhookEndpoint implements buycard.WebhookService.
func (db *Store) FindWebhookEndpoint(ctx context.Context, partyKind, partyID, id string) (_ *buycard.WebhookEndpoint, err error) {
	defer db.wrap(&err, "find webhook endpoint")
	return findEndpoint(ctx, db.pool, partyKind, partyID, id, "")
}

func findEndpoint(ctx context.Context, tx Tx, partyKind, partyID, id, lock string) (*buycard.WebhookEndpoint, error) {
	e, err := scanEndpoint(tx.QueryRow(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE id = $1 AND party_kind = $2 AND party_id = $3`+lock, id, partyKind, partyID))
	if errors.Is(err, ErrNoRows) {
		return nil, errEndpointNotFound
	}
	return e, err
}

// UpdateWebhookEndpoint implements buycard.WebhookService.
func (db *Store) UpdateWebhookEndpoint(ctx context.Context, partyKind, partyID, id string, edit func(*buycard.WebhookEndpoint) error) (_ *buycard.WebhookEndpoint, err error) {
	defer db.wrap(&err, "update webhook endpoint")
	return write(ctx, db, func(tx Tx) (*buycard.WebhookEndpoint, error) {
		e, err := findEndpoint(ctx, tx, partyKind, partyID, id, db.dialect.ForUpdate)
		if err != nil {
			return nil, err
		}
		if err := edit(e); err != nil {
			return nil, err
		}
		_, err = tx.Exec(ctx, `
			UPDATE webhook_endpoints SET url = $1, description = $2, event_types = $3, secret = $4,
				previous_secret = $5, previous_secret_expires_at = $6, failing_since = $7, disabled_at = $8, disabled_reason = $9
			WHERE id = $10`,
			e.URL, e.Description, typeList(e.EventTypes), e.Secret, nullIfEmpty(e.PreviousSecret), e.PreviousSecretExpiresAt,
			e.FailingSince, e.DisabledAt, e.DisabledReason, e.ID)
		if err != nil || e.DisabledAt == nil {
			return e, err
		}
		return e, failPending(ctx, tx, e.ID)
	})
}

// DeleteWebhookEndpoint implements buycard.WebhookService.
func (db *Store) DeleteWebhookEndpoint(ctx context.Context, partyKind, partyID, id string) (err error) {
	defer db.wrap(&err, "delete webhook endpoint")
	return db.conn.Write(ctx, func(tx Tx) error {
		return updateOne(ctx, tx, errEndpointNotFound, `DELETE FROM webhook_endpoints WHERE id = $1 AND party_kind = $2 AND party_id = $3`,
			id, partyKind, partyID)
	})
}

const deliveryColumns = `d.id, d.endpoint_id, d.event_id, ev.type, d.status, d.attempts, COALESCE(d.response_status, 0),
	d.response_body, COALESCE(d.latency_ms, 0), d.attempted_at, d.created_at`

const selectDeliveries = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries d JOIN events ev ON ev.id = d.event_id`

func scanDelivery(row Row) (*buycard.WebhookDelivery, error) {
	d := new(buycard.WebhookDelivery)
	err := row.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.EventType, &d.Status, &d.Attempts, &d.ResponseStatus,
		&d.ResponseBody, &d.LatencyMS, &d.AttemptedAt, &d.CreatedAt)
	return d, err
}

// WebhookDeliveries implements buycard.WebhookService.
func (db *Store) WebhookDeliveries(ctx context.Context, partyKind, partyID, endpointID string, limit int) (_ []*buycard.WebhookDelivery, err error) {
	defer db.wrap(&err, "webhook deliveries")
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.WebhookDelivery, error) {
		if _, err := findEndpoint(ctx, tx, partyKind, partyID, endpointID, ""); err != nil {
			return nil, err
		}
		return queryAll(ctx, db, tx, "list deliveries", func(rows Rows) ([]*buycard.WebhookDelivery, error) {
			var list []*buycard.WebhookDelivery
			for rows.Next() {
				d, err := scanDelivery(rows)
				if err != nil {
					return nil, err
				}
				list = append(list, d)
			}
			return list, rows.Err()
		}, selectDeliveries+` WHERE d.endpoint_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT $2`, endpointID, limit)
	})
}

// ResendWebhookDelivery implements buycard.WebhookService.
func (db *Store) ResendWebhookDelivery(ctx context.Context, partyKind, partyID, deliveryID string) (_ *buycard.WebhookDelivery, err error) {
	defer db.wrap(&err, "resend webhook delivery")
	return write(ctx, db, func(tx Tx) (*buycard.WebhookDelivery, error) {
		d, err := scanDelivery(tx.QueryRow(ctx, selectDeliveries+` JOIN webhook_endpoints e ON e.id = d.endpoint_id
			WHERE d.id = $1 AND e.party_kind = $2 AND e.party_id = $3`, deliveryID, partyKind, partyID))
		if errors.Is(err, ErrNoRows) {
			return nil, buycard.Errorf(buycard.ENOTFOUND, "No such webhook delivery.")
		}
		if err != nil {
			return nil, err
		}
		if err := requireEnabled(ctx, tx, d.EndpointID); err != nil {
			return nil, err
		}
		var sends int
		err = tx.QueryRow(ctx, `UPDATE webhook_deliveries SET status = 'pending', sends = sends + 1 WHERE id = $1 RETURNING sends`,
			d.ID).Scan(&sends)
		if err != nil {
			return nil, err
		}
		d.Status = buycard.DeliveryPending
		return d, tx.Enqueue(ctx, jobs.Webhook(d.ID, sends))
	})
}

// requireEnabled refuses an endpoint that is disabled.
func requireEnabled(ctx context.Context, tx Tx, endpointID string) error {
	var disabled *time.Time
	if err := tx.QueryRow(ctx, `SELECT disabled_at FROM webhook_endpoints WHERE id = $1`, endpointID).Scan(&disabled); err != nil {
		return err
	}
	if disabled != nil {
		return buycard.Errorf(buycard.ECONFLICT, "This endpoint is disabled: enable it first.")
	}
	return nil
}

// SendTestEvent implements buycard.WebhookService: the test event is
// recorded dispatched, to this endpoint alone, so that the relay passes
// it over.
func (db *Store) SendTestEvent(ctx context.Context, partyKind, partyID, endpointID string) (_ *buycard.WebhookDelivery, err error) {
	defer db.wrap(&err, "send test event")
	return write(ctx, db, func(tx Tx) (*buycard.WebhookDelivery, error) {
		e, err := findEndpoint(ctx, tx, partyKind, partyID, endpointID, "")
		if err != nil {
			return nil, err
		}
		if err := requireEnabled(ctx, tx, e.ID); err != nil {
			return nil, err
		}
		data, _ := json.Marshal(map[string]string{"endpoint_id": e.ID, "message": "A test event sent from the Buycard console."})
		now := time.Now()
		ev := &buycard.Event{ID: buycard.NewEventID(now), Type: buycard.EventTest, CreatedAt: now, PartyKind: partyKind, PartyID: partyID, Data: data}
		if err := db.insertEvent(ctx, tx, ev, &ev.CreatedAt); err != nil {
			return nil, err
		}
		created, err := db.createDeliveries(ctx, tx, ev, []*buycard.WebhookEndpoint{e})
		if err != nil || len(created) == 0 {
			return nil, err
		}
		return created[0], tx.Enqueue(ctx, deliveryJobs(created)...)
	})
}

// createDeliveries creates a delivery of ev to each endpoint that has
// none yet and returns those it created; the caller enqueues their
// deliveryJobs.
func (db *Store) createDeliveries(ctx context.Context, tx Tx, ev *buycard.Event, endpoints []*buycard.WebhookEndpoint) ([]*buycard.WebhookDelivery, error) {
	var created []*buycard.WebhookDelivery
	now := db.dialect.StoredTime(time.Now())
	for _, e := range endpoints {
		d := &buycard.WebhookDelivery{ID: buycard.NewID("whd"), EndpointID: e.ID, EventID: ev.ID, EventType: ev.Type,
			Status: buycard.DeliveryPending, CreatedAt: now}
		n, err := tx.Exec(ctx, `
			INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status, created_at) VALUES ($1, $2, $3, 'pending', $4)
			ON CONFLICT (endpoint_id, event_id) DO NOTHING`, d.ID, d.EndpointID, d.EventID, d.CreatedAt)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			continue // the event's delivery to e exists already
		}
		created = append(created, d)
	}
	return created, nil
}

// deliveryJobs are the jobs that send new deliveries.
func deliveryJobs(ds []*buycard.WebhookDelivery) []jobs.Job {
	list := make([]jobs.Job, len(ds))
	for i, d := range ds {
		list[i] = jobs.Webhook(d.ID, 0)
	}
	return list
}

// FindWebhookDelivery implements buycard.WebhookService.
func (db *Store) FindWebhookDelivery(ctx context.Context, id string) (_ *buycard.WebhookDelivery, _ *buycard.WebhookEndpoint, _ *buycard.Event, err error) {
	defer db.wrap(&err, "find webhook delivery")
	var (
		d  *buycard.WebhookDelivery
		e  *buycard.WebhookEndpoint
		ev *buycard.Event
	)
	err = db.conn.Snapshot(ctx, func(tx Tx) error {
		var err error
		d, err = scanDelivery(tx.QueryRow(ctx, selectDeliveries+` WHERE d.id = $1`, id))
		if errors.Is(err, ErrNoRows) {
			return buycard.Errorf(buycard.ENOTFOUND, "No such webhook delivery.")
		}
		if err != nil {
			return err
		}
		if e, err = scanEndpoint(tx.QueryRow(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = $1`, d.EndpointID)); err != nil {
			return err
		}
		ev, err = findEvent(ctx, tx, d.EventID)
		return err
	})
	return d, e, ev, err
}

// RecordWebhookAttempt implements buycard.WebhookService.
func (db *Store) RecordWebhookAttempt(ctx context.Context, a buycard.WebhookAttempt) (disabled bool, err error) {
	defer db.wrap(&err, "record webhook attempt")
	return write(ctx, db, func(tx Tx) (bool, error) {
		status := buycard.DeliveryPending
		switch {
		case a.OK:
			status = buycard.DeliverySucceeded
		case a.Final:
			status = buycard.DeliveryFailed
		}
		at := db.dialect.StoredTime(a.At)
		var endpointID string
		err := tx.QueryRow(ctx, `
			UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, response_status = $2, response_body = $3,
				latency_ms = $4, attempted_at = $5
			WHERE id = $6 RETURNING endpoint_id`,
			status, a.ResponseStatus, a.ResponseBody, a.Latency.Milliseconds(), at, a.DeliveryID).Scan(&endpointID)
		if err != nil {
			return false, err
		}
		if a.OK {
			_, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1`, endpointID)
			return false, err
		}
		return db.recordFailure(ctx, tx, endpointID, at)
	})
}

// recordFailure starts the failures of an endpoint at at, or, when they
// started WebhookDisableAfter before, disables it and tells its owner.
func (db *Store) recordFailure(ctx context.Context, tx Tx, endpointID string, at time.Time) (bool, error) {
	var e buycard.WebhookEndpoint
	err := tx.QueryRow(ctx, `
		UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) WHERE id = $2
		RETURNING id, party_kind, party_id, url, failing_since, disabled_at`, at, endpointID).
		Scan(&e.ID, &e.PartyKind, &e.PartyID, &e.URL, &e.FailingSince, &e.DisabledAt)
	if err != nil || e.DisabledAt != nil || at.Sub(*e.FailingSince) < buycard.WebhookDisableAfter {
		return e.DisabledAt != nil, err
	}
	reason := "Every delivery failed for five days."
	if _, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET disabled_at = $1, disabled_reason = $2 WHERE id = $3`,
		at, reason, e.ID); err != nil {
		return false, err
	}
	if err := failPending(ctx, tx, e.ID); err != nil {
		return false, err
	}
	data := map[string]any{"endpoint": map[string]any{"id": e.ID, "url": e.URL, "failing_since": e.FailingSince, "disabled_reason": reason}}
	return true, db.publishTo(ctx, tx, buycard.EventEndpointDisabled, e.PartyKind, e.PartyID, data)
}

// failPending ends the pending deliveries of a disabled endpoint: their
// jobs send nothing to it (webhooks.Sender cancels them).
func failPending(ctx context.Context, tx Tx, endpointID string) error {
	_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'failed' WHERE endpoint_id = $1 AND status = 'pending'`, endpointID)
	return err
}
