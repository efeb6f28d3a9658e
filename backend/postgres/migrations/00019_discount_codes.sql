-- Discount codes (discount.go at the root) and their uses. A code is
-- unique per merchant in its normalized (upper-case) form. redeemed counts
-- the uses, which sqlstore/discount.go takes with a conditional UPDATE so
-- that concurrent checkouts never exceed max_redemptions (0: no limit).
-- A use is one row per order; an order that is canceled or expires gives
-- its use back (the triggers below), so abandoned checkouts use up
-- nothing. buyer is the hex SHA-256 of the buyer's normalized email
-- (buycard.BuyerKey), '' when none was given, for the per-buyer limit.
-- Amounts per currency are JSON objects ({"USD": 500}) kept as text.

-- +goose Up
CREATE TABLE discount_codes (
    id              TEXT PRIMARY KEY,
    merchant_id     TEXT NOT NULL REFERENCES merchants (id),
    code            TEXT NOT NULL,
    percent_bps     INTEGER NOT NULL CHECK (percent_bps BETWEEN 0 AND 10000),
    amount_off      TEXT NOT NULL,
    min_subtotal    TEXT NOT NULL,
    starts_at       TIMESTAMPTZ,
    ends_at         TIMESTAMPTZ,
    max_redemptions INTEGER NOT NULL CHECK (max_redemptions >= 0),
    max_per_buyer   INTEGER NOT NULL CHECK (max_per_buyer >= 0),
    product_ids     TEXT[] NOT NULL,
    widget_ids      TEXT[] NOT NULL,
    placement_id    TEXT REFERENCES placements (id),
    redeemed        INTEGER NOT NULL DEFAULT 0 CHECK (redeemed >= 0),
    created_at      TIMESTAMPTZ NOT NULL,
    archived_at     TIMESTAMPTZ,
    UNIQUE (merchant_id, code)
);

CREATE INDEX discount_codes_placement_id ON discount_codes (placement_id) WHERE placement_id IS NOT NULL;

CREATE TABLE discount_redemptions (
    order_id   TEXT PRIMARY KEY REFERENCES orders (id),
    code_id    TEXT NOT NULL REFERENCES discount_codes (id),
    buyer      TEXT NOT NULL,
    discount   BIGINT NOT NULL CHECK (discount >= 0),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX discount_redemptions_code_buyer ON discount_redemptions (code_id, buyer);

-- +goose StatementBegin
CREATE FUNCTION orders_release_discount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'pending' AND NEW.status IN ('canceled', 'expired') THEN
        DELETE FROM discount_redemptions WHERE order_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER orders_release_discount AFTER UPDATE OF status ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_release_discount();

-- +goose StatementBegin
CREATE FUNCTION discount_redemptions_released() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE discount_codes SET redeemed = redeemed - 1 WHERE id = OLD.code_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER discount_redemptions_released AFTER DELETE ON discount_redemptions
    FOR EACH ROW EXECUTE FUNCTION discount_redemptions_released();
