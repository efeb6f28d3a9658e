-- Stock holds (issue 12, see hold.go): a pending order holds its units
-- until held_until, in unix microseconds as in PostgreSQL so that
-- the hold statements (backend/sqlstore) run on both, and NULL once it holds none;
-- hold_network is the client network holding them, kept only while it
-- holds, for the per-network cap. oversold counts the units a payment
-- could not take again after its hold had ended.

-- +goose Up
ALTER TABLE orders ADD COLUMN held_until INTEGER CHECK (held_until IS NULL OR status = 'pending');
ALTER TABLE orders ADD COLUMN hold_network TEXT CHECK (hold_network IS NULL OR held_until IS NOT NULL);
ALTER TABLE orders ADD COLUMN oversold INTEGER NOT NULL DEFAULT 0 CHECK (oversold BETWEEN 0 AND quantity);

-- Orders pending before holds keep their units until they expire, as
-- they did.
UPDATE orders SET held_until = CAST(strftime('%s', expires_at) AS INTEGER) * 1000000 WHERE status = 'pending';

-- A network's holds on a variant (the cap), the first hold on a variant
-- to end (the card's "back in"), and the holds due to end.
CREATE INDEX orders_holds ON orders (variant_id, hold_network, quantity) WHERE hold_network IS NOT NULL;
CREATE INDEX orders_holds_ending ON orders (variant_id, held_until) WHERE held_until IS NOT NULL;
CREATE INDEX orders_holds_end ON orders (held_until, variant_id) WHERE held_until IS NOT NULL;

-- variants.held is the units pending orders hold on a limited variant,
-- kept by the triggers below whatever statement starts or ends a hold,
-- so that a checkout reads it from the row it locks rather than summing
-- every hold on the variant (thousands in a busy drop). An order's
-- quantity and variant never change. An unlimited variant's is 0: its
-- checkouts share its row (sqlstore/hold.go), and a trigger writing it would
-- deadlock them; a variant that turns limited counts its holds again
-- (sqlstore's variantHeld).
ALTER TABLE variants ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0);
UPDATE variants SET held = (SELECT COALESCE(SUM(quantity), 0) FROM orders
    WHERE orders.variant_id = variants.id AND orders.held_until IS NOT NULL) WHERE NOT unlimited;

-- +goose StatementBegin
CREATE TRIGGER orders_hold_started AFTER INSERT ON orders WHEN NEW.held_until IS NOT NULL
BEGIN UPDATE variants SET held = held + NEW.quantity WHERE id = NEW.variant_id AND NOT unlimited; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER orders_hold_changed AFTER UPDATE OF held_until ON orders
WHEN (OLD.held_until IS NULL) <> (NEW.held_until IS NULL)
BEGIN
    UPDATE variants SET held = held + CASE WHEN NEW.held_until IS NULL THEN -OLD.quantity ELSE NEW.quantity END
    WHERE id = NEW.variant_id AND NOT unlimited;
END;
-- +goose StatementEnd
