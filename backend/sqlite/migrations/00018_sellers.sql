-- What merchants configure for the sale after the payment (issue 14,
-- merchant.go, shipping.go, tax.go): products say what the buyer gets
-- (existing ones are services, which ask the shopper for nothing more,
-- as before); merchant_settings has a row once a merchant saves its
-- settings; shipping zones list their countries as sorted ISO codes
-- joined by commas, and their rates keep the merchant's order; tax rates
-- are parts per million, one per merchant, country and region ('' for the
-- whole country).

-- +goose Up
ALTER TABLE products ADD COLUMN kind TEXT NOT NULL DEFAULT 'service' CHECK (kind IN ('physical', 'digital', 'service'));

CREATE TABLE merchant_settings (
    merchant_id        TEXT PRIMARY KEY REFERENCES merchants (id),
    business_name      TEXT NOT NULL,
    support_email      TEXT NOT NULL,
    refund_policy      TEXT NOT NULL,
    origin_country     TEXT NOT NULL,
    tax_id             TEXT NOT NULL,
    tax_mode           TEXT NOT NULL CHECK (tax_mode IN ('none', 'rates', 'stripe')),
    prices_include_tax INTEGER NOT NULL CHECK (prices_include_tax IN (0, 1)),
    tax_shipping       INTEGER NOT NULL CHECK (tax_shipping IN (0, 1)),
    ask_phone          INTEGER NOT NULL CHECK (ask_phone IN (0, 1)),
    updated_at         TEXT NOT NULL
) STRICT;

CREATE TABLE shipping_zones (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    name        TEXT NOT NULL,
    countries   TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX shipping_zones_merchant_id ON shipping_zones (merchant_id, created_at);

CREATE TABLE shipping_rates (
    id        TEXT PRIMARY KEY,
    zone_id   TEXT NOT NULL REFERENCES shipping_zones (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    currency  TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('flat', 'per_item')),
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    free_over INTEGER NOT NULL CHECK (free_over >= 0),
    UNIQUE (zone_id, position)
) STRICT;

CREATE TABLE tax_rates (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    country     TEXT NOT NULL,
    region      TEXT NOT NULL,
    rate_ppm    INTEGER NOT NULL CHECK (rate_ppm BETWEEN 0 AND 1000000),
    UNIQUE (merchant_id, country, region)
) STRICT;
