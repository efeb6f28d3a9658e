-- The language the shopper checked out in (issue 16): the base subtag of
-- one of the checkout's languages ("de"), which the receipt email and the
-- order page speak. Orders from before, and from tools, have none and
-- read in English.

-- +goose Up
ALTER TABLE orders ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE orders DROP COLUMN lang;
