-- Stock holds (issue 12, see hold.go): a pending order holds its units
-- until held_until, in unix microseconds as in SQLite so that
-- backend/holdsql's statements run on both, and NULL once it holds none;
-- hold_network is the client network holding them, kept only while it
-- holds, for the per-network cap. oversold counts the units a payment
-- could not take again after its hold had ended.

-- +goose Up
ALTER TABLE orders
    ADD COLUMN held_until BIGINT,
    ADD COLUMN hold_network TEXT,
    ADD COLUMN oversold INTEGER NOT NULL DEFAULT 0,
    ADD CONSTRAINT orders_hold_pending CHECK (held_until IS NULL OR status = 'pending'),
    ADD CONSTRAINT orders_hold_network CHECK (hold_network IS NULL OR held_until IS NOT NULL),
    ADD CONSTRAINT orders_oversold CHECK (oversold BETWEEN 0 AND quantity);

-- Orders pending before holds keep their units until they expire, as
-- they did.
UPDATE orders SET held_until = CAST(EXTRACT(EPOCH FROM expires_at) * 1000000 AS BIGINT) WHERE status = 'pending';

-- A network's holds on a variant (the cap), and the holds due to end.
CREATE INDEX orders_holds ON orders (variant_id, hold_network) WHERE held_until IS NOT NULL;
CREATE INDEX orders_holds_end ON orders (held_until) WHERE held_until IS NOT NULL;
