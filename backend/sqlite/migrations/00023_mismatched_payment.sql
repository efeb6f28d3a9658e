-- A payment the provider reported that is not the order's total
-- (buycard.Order.MismatchedPayment): the order is not paid by it and
-- nothing is posted, but the money was taken and is to be refunded.
-- Zero and '' on every other order.

-- +goose Up
ALTER TABLE orders ADD COLUMN mismatched_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN mismatched_currency TEXT NOT NULL DEFAULT '';
