-- Times are UTC text with a fixed nine-digit fraction
-- ("2026-03-01T12:00:00.000000000Z"), so text order is time order.
-- Money is integer minor units beside a currency code.

-- +goose Up
CREATE TABLE merchants (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    charges_enabled INTEGER NOT NULL CHECK (charges_enabled IN (0, 1)),
    created_at      TEXT NOT NULL
) STRICT;

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
    price_version INTEGER NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

CREATE INDEX products_merchant_id ON products (merchant_id);

CREATE TABLE variants (
    id         TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    price      INTEGER NOT NULL CHECK (price > 0),
    -- Stock never goes below zero: reservations use
    -- "stock = stock - q WHERE stock >= q".
    stock      INTEGER NOT NULL CHECK (stock >= 0),
    UNIQUE (product_id, position)
) STRICT;

CREATE TABLE widgets (
    id                  TEXT PRIMARY KEY,
    merchant_id         TEXT NOT NULL REFERENCES merchants (id),
    product_id          TEXT NOT NULL REFERENCES products (id),
    cta                 TEXT NOT NULL,
    publisher_share_bps INTEGER NOT NULL CHECK (publisher_share_bps BETWEEN 0 AND 10000),
    -- JSON array of host names; '[]' lets any site embed the widget.
    allowed_domains     TEXT NOT NULL CHECK (json_valid(allowed_domains)),
    created_at          TEXT NOT NULL
) STRICT;

CREATE INDEX widgets_product_id ON widgets (product_id);

CREATE TABLE publishers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE placements (
    id           TEXT PRIMARY KEY,
    publisher_id TEXT NOT NULL REFERENCES publishers (id),
    widget_id    TEXT NOT NULL REFERENCES widgets (id),
    name         TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;

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
    unit_price          INTEGER NOT NULL,
    total               INTEGER NOT NULL,
    publisher_share_bps INTEGER NOT NULL,
    -- NULL until a session is attached; one session belongs to one order.
    provider            TEXT,
    provider_session_id TEXT,
    payment_error       TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    expires_at          TEXT NOT NULL,
    paid_at             TEXT,
    UNIQUE (provider, provider_session_id)
) STRICT;

CREATE INDEX orders_pending_expires_at ON orders (expires_at) WHERE status = 'pending';

-- One row per provider event applied: the primary key is what makes a
-- replayed webhook a no-op.
CREATE TABLE payment_events (
    provider    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    type        TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    order_id    TEXT NOT NULL REFERENCES orders (id),
    received_at TEXT NOT NULL,
    PRIMARY KEY (provider, event_id)
) STRICT;

CREATE INDEX payment_events_order_id ON payment_events (order_id);
