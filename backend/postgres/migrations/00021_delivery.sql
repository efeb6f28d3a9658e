-- What digital products deliver (issue 14, delivery.go at the root):
-- files, stored content-addressed by backend/blob and named here by their
-- SHA-256 (several products may name one content), or a pool of license
-- keys, unique per product. A key is free while order_id is NULL;
-- sqlstore/delivery.go takes one with a conditional UPDATE so that
-- concurrent payments get distinct keys. position keeps an upload's order,
-- so keys are handed out as the merchant listed them.

-- +goose Up
CREATE TABLE delivery_files (
    id           TEXT PRIMARY KEY,
    product_id   TEXT NOT NULL REFERENCES products (id),
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    size         BIGINT NOT NULL CHECK (size > 0),
    content_type TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX delivery_files_product_id ON delivery_files (product_id, created_at);
CREATE INDEX delivery_files_sha256 ON delivery_files (sha256);

CREATE TABLE license_keys (
    id          TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES products (id),
    license_key TEXT NOT NULL CHECK (length(license_key) BETWEEN 1 AND 200),
    position    INTEGER NOT NULL,
    order_id    TEXT REFERENCES orders (id),
    created_at  TIMESTAMPTZ NOT NULL,
    assigned_at TIMESTAMPTZ,
    UNIQUE (product_id, license_key)
);

CREATE INDEX license_keys_free ON license_keys (product_id, created_at, position) WHERE order_id IS NULL;
CREATE INDEX license_keys_order_id ON license_keys (order_id) WHERE order_id IS NOT NULL;
