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
    amount      BIGINT NOT NULL CHECK (amount > 0),
    refund_id   TEXT NOT NULL,              -- the provider's refund
    reply_order TEXT NOT NULL,              -- the order the reply showed, as JSON
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (caller, key)
);

CREATE UNIQUE INDEX refund_requests_order_key ON refund_requests (order_id, key);
