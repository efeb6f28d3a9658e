-- Refunds asked through the API under an Idempotency-Key
-- (buycard.RefundRequest), each recorded with the reply it got in the
-- transaction that applies it: the same request sent again gets that
-- reply, and a key used again with other parameters is refused. A key is
-- its caller's own ("operator", "merchant:ID"); on one order it names one
-- refund whoever sends it, because the provider's own idempotency key is
-- derived from the order and the key. Times are Unix microseconds.

-- +goose Up
CREATE TABLE refund_requests (
    caller      TEXT NOT NULL,
    key         TEXT NOT NULL,
    order_id    TEXT NOT NULL REFERENCES orders (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    refund_id   TEXT NOT NULL,              -- the provider's refund
    reply_order TEXT NOT NULL CHECK (json_valid(reply_order)), -- the order the reply showed
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (caller, key)
) STRICT;

CREATE UNIQUE INDEX refund_requests_order_key ON refund_requests (order_id, key);
