-- The events table is the outbox (issue 15): the transaction of a change
-- records its event, undispatched, and the relay (package notify) later
-- dispatches it — inserts its email jobs and webhook deliveries and sets
-- dispatched_at — in a transaction of its own, once, whichever node
-- relays. A River job per event in the change's transaction cost a
-- sandbox purchase about a fifth of its throughput on SQLite; the event
-- row alone costs far less (BENCHMARKS.md, and the note of issue 15).
--
-- Event ids now sort as their times (buycard.NewEventID): the primary key
-- orders the relay and finds old events for the cleanup, so that an event
-- costs its change no index on created_at. The events recorded before,
-- with random ids, came from builds of this same unreleased issue; they
-- are deleted with their deliveries and the jobs that would tell them.

-- +goose Up
ALTER TABLE events ADD COLUMN dispatched_at TEXT;
DELETE FROM river_job WHERE kind IN ('notify', 'email', 'webhook');
DELETE FROM webhook_deliveries;
DELETE FROM events;
DROP INDEX events_created;
CREATE INDEX events_undispatched ON events (id) WHERE dispatched_at IS NULL;

-- +goose Down
DROP INDEX events_undispatched;
CREATE INDEX events_created ON events (created_at);
ALTER TABLE events DROP COLUMN dispatched_at;
