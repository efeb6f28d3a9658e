-- Notifications (issue 15): the events recorded in the transaction of the
-- change they tell of, which a job (package jobs, River; its tables are
-- migration 00025) fans out into emails and webhook deliveries; the
-- merchants' and publishers' webhook endpoints; and each delivery of an
-- event to an endpoint, with the outcome of its last attempt.
--
-- data is the webhook body's data, kept as text (not jsonb, which
-- reorders keys) so that every retry sends the same bytes. The periodic
-- cleanup deletes events after buycard.EventRetention, with their
-- deliveries. An endpoint's secret signs its deliveries (Standard
-- Webhooks); after a rotation the previous one signs too, until
-- previous_secret_expires_at.

-- +goose Up
CREATE TABLE events (
    id         TEXT PRIMARY KEY,    -- "evt_…"
    type       TEXT NOT NULL,
    party_kind TEXT CHECK (party_kind IN ('merchant', 'publisher')),
    party_id   TEXT,
    order_id   TEXT,
    user_id    TEXT,
    data       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX events_created ON events (created_at);

CREATE TABLE webhook_endpoints (
    id                         TEXT PRIMARY KEY, -- "whe_…"
    party_kind                 TEXT NOT NULL CHECK (party_kind IN ('merchant', 'publisher')),
    party_id                   TEXT NOT NULL,
    url                        TEXT NOT NULL,
    description                TEXT NOT NULL,
    event_types                TEXT[] NOT NULL,
    secret                     TEXT NOT NULL,
    previous_secret            TEXT,
    previous_secret_expires_at TIMESTAMPTZ,
    failing_since              TIMESTAMPTZ,
    disabled_at                TIMESTAMPTZ,
    disabled_reason            TEXT NOT NULL DEFAULT '',
    created_at                 TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_endpoints_party ON webhook_endpoints (party_kind, party_id, created_at);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY, -- "whd_…"
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL REFERENCES events (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    sends           INTEGER NOT NULL DEFAULT 0, -- times resent on request
    response_status INTEGER,          -- of the last attempt; NULL when no response came
    response_body   TEXT NOT NULL DEFAULT '', -- its first bytes, or why none came
    latency_ms      INTEGER,
    attempted_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE INDEX sessions_expiry ON sessions (expires_at);

-- A variant whose stock fell to buycard.LowStockThreshold told its
-- merchant (product.low_stock) once, until it is restocked above it.
ALTER TABLE variants ADD COLUMN low_stock_told BOOLEAN NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE variants DROP COLUMN low_stock_told;
DROP INDEX sessions_expiry;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE events;
