-- The same tables as the SQLite store's first migration, in PostgreSQL
-- types: times are timestamptz (microseconds, which the store truncates
-- to before writing), money is BIGINT minor units beside a currency code.
-- Tables are created in the connection's current schema (the first of
-- its search_path), so one database can hold several stores.

-- +goose Up
CREATE TABLE merchants (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    charges_enabled BOOLEAN NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE products (
    id            TEXT PRIMARY KEY,
    merchant_id   TEXT NOT NULL REFERENCES merchants (id),
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    image_url     TEXT NOT NULL,
    image_width   INTEGER NOT NULL,
    image_height  INTEGER NOT NULL,
    image_alt     TEXT NOT NULL,
    currency      TEXT NOT NULL,
    option_name   TEXT NOT NULL,
    max_per_order INTEGER NOT NULL CHECK (max_per_order >= 1),
    price_version BIGINT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX products_merchant_id ON products (merchant_id);

CREATE TABLE variants (
    id         TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    price      BIGINT NOT NULL CHECK (price > 0),
    -- Stock never goes below zero: reservations lock the row, check the
    -- stock and only then take it.
    stock      INTEGER NOT NULL CHECK (stock >= 0),
    UNIQUE (product_id, position)
);

CREATE TABLE widgets (
    id                  TEXT PRIMARY KEY,
    merchant_id         TEXT NOT NULL REFERENCES merchants (id),
    product_id          TEXT NOT NULL REFERENCES products (id),
    cta                 TEXT NOT NULL,
    publisher_share_bps INTEGER NOT NULL CHECK (publisher_share_bps BETWEEN 0 AND 10000),
    -- Host names; an empty array lets any site embed the widget.
    allowed_domains     TEXT[] NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);

CREATE INDEX widgets_product_id ON widgets (product_id);

CREATE TABLE publishers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE placements (
    id           TEXT PRIMARY KEY,
    publisher_id TEXT NOT NULL REFERENCES publishers (id),
    widget_id    TEXT NOT NULL REFERENCES widgets (id),
    name         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX placements_widget_id ON placements (widget_id);

CREATE TABLE orders (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'canceled')),
    widget_id           TEXT NOT NULL REFERENCES widgets (id),
    product_id          TEXT NOT NULL REFERENCES products (id),
    variant_id          TEXT NOT NULL REFERENCES variants (id),
    merchant_id         TEXT NOT NULL REFERENCES merchants (id),
    publisher_id        TEXT REFERENCES publishers (id),
    placement_id        TEXT REFERENCES placements (id),
    product_title       TEXT NOT NULL,
    variant_name        TEXT NOT NULL,
    quantity            INTEGER NOT NULL CHECK (quantity >= 1),
    currency            TEXT NOT NULL,
    unit_price          BIGINT NOT NULL,
    total               BIGINT NOT NULL,
    publisher_share_bps INTEGER NOT NULL,
    -- NULL until a session is attached; one session belongs to one order.
    provider            TEXT,
    provider_session_id TEXT,
    payment_error       TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    expires_at          TIMESTAMPTZ NOT NULL,
    paid_at             TIMESTAMPTZ,
    UNIQUE (provider, provider_session_id)
);

CREATE INDEX orders_pending_expires_at ON orders (expires_at) WHERE status = 'pending';

-- One row per provider event applied: the primary key is what makes a
-- replayed webhook a no-op, even when two deliveries race.
CREATE TABLE payment_events (
    provider    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    type        TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    order_id    TEXT NOT NULL REFERENCES orders (id),
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, event_id)
);

CREATE INDEX payment_events_order_id ON payment_events (order_id);

