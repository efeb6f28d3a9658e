-- The commission ledger (package ledger): journals of postings, appended
-- and never changed, each chained to the one before by its hash; balances
-- are a projection of the postings, kept in the same transaction.
-- Effective times are Unix microseconds, as the journal digest has them.

-- +goose Up
CREATE TABLE ledger_journals (
    seq          INTEGER PRIMARY KEY,    -- append order, from 1
    key          TEXT NOT NULL UNIQUE,   -- idempotency key: "sale:ord_x"
    kind         TEXT NOT NULL,
    order_id     TEXT NOT NULL,          -- "" when not about one order
    currency     TEXT NOT NULL,
    effective_at INTEGER NOT NULL,
    digest       TEXT NOT NULL,          -- ledger.Journal.Digest
    hash         TEXT NOT NULL UNIQUE    -- ledger.ChainHash(previous hash, journal)
) STRICT;

CREATE INDEX ledger_journals_order_id ON ledger_journals (order_id) WHERE order_id <> '';

CREATE TABLE ledger_postings (
    journal_seq INTEGER NOT NULL REFERENCES ledger_journals (seq),
    account     TEXT NOT NULL,           -- "publisher:pub_x:pending:USD"
    amount      INTEGER NOT NULL CHECK (amount <> 0), -- debit > 0, credit < 0
    normal      INTEGER NOT NULL,        -- amount on the account's normal side
    memo        TEXT NOT NULL,
    PRIMARY KEY (journal_seq, account)
) STRICT;

CREATE INDEX ledger_postings_account ON ledger_postings (account, journal_seq);

-- Balances on each account's normal side, with the party for "all of a
-- party's balances".
CREATE TABLE ledger_balances (
    account TEXT PRIMARY KEY,
    party   TEXT NOT NULL,               -- "publisher:pub_x"
    amount  INTEGER NOT NULL
) STRICT;

CREATE INDEX ledger_balances_party ON ledger_balances (party);

-- The last journal: appends read and move it (the one writer serializes
-- them here; PostgreSQL locks this row).
CREATE TABLE ledger_head (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;

INSERT INTO ledger_head (one, seq, hash) VALUES (1, 0, '');

-- +goose StatementBegin
CREATE TRIGGER ledger_journals_append_only_update BEFORE UPDATE ON ledger_journals
BEGIN SELECT RAISE(ABORT, 'ledger journals are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_journals_append_only_delete BEFORE DELETE ON ledger_journals
BEGIN SELECT RAISE(ABORT, 'ledger journals are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_postings_append_only_update BEFORE UPDATE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_postings_append_only_delete BEFORE DELETE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only'); END;
-- +goose StatementEnd

-- Rates snapshotted on each order when it is created (ledger.Rates).
ALTER TABLE orders ADD COLUMN platform_fee_bps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN platform_fee_fixed INTEGER NOT NULL DEFAULT 0;
-- What refunds and disputes did to a paid order's money.
ALTER TABLE orders ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN dispute_held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN dispute_lost INTEGER NOT NULL DEFAULT 0;

-- A merchant's own share for one publisher, over its widgets' shares.
CREATE TABLE publisher_contracts (
    merchant_id  TEXT NOT NULL REFERENCES merchants (id),
    publisher_id TEXT NOT NULL REFERENCES publishers (id),
    share_bps    INTEGER NOT NULL CHECK (share_bps BETWEEN 0 AND 10000),
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (merchant_id, publisher_id)
) STRICT;
