-- Publisher shares paid into the publishers' provider accounts, one order
-- at a time (ledger.ShareTransfer): each transfer or reversal is claimed
-- as pending before the provider is called, and finished with the
-- provider's id in the transaction that posts its journal. Times are Unix
-- microseconds.

-- +goose Up
CREATE TABLE share_transfers (
    id           TEXT PRIMARY KEY,       -- "ORDER/N"
    order_id     TEXT NOT NULL REFERENCES orders (id),
    publisher_id TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('transfer', 'reversal')),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    currency     TEXT NOT NULL,
    account      TEXT NOT NULL,          -- the publisher's "acct_…"
    status       TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    provider_id  TEXT NOT NULL DEFAULT '', -- "tr_…" / "trr_…" once done
    transfer_id  TEXT NOT NULL DEFAULT '', -- a reversal's transfer
    error        TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX share_transfers_order_id ON share_transfers (order_id);
-- At most one movement of an order in flight.
CREATE UNIQUE INDEX share_transfers_one_pending ON share_transfers (order_id) WHERE status = 'pending';
