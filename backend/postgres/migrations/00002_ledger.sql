-- The commission ledger (package ledger), as in the SQLite store's second
-- migration: journals of postings, appended and never changed, each
-- chained to the one before by its hash; balances are a projection of the
-- postings, kept in the same transaction. Effective times are Unix
-- microseconds, as the journal digest has them. ledger_head holds the last
-- journal; appenders lock its one row, which serializes appends (each
-- chain hash names the one before) without a database-wide lock.

-- +goose Up
CREATE TABLE ledger_journals (
    seq          BIGINT PRIMARY KEY,     -- append order, from 1
    key          TEXT NOT NULL UNIQUE,   -- idempotency key: "sale:ord_x"
    kind         TEXT NOT NULL,
    order_id     TEXT NOT NULL,          -- '' when not about one order
    currency     TEXT NOT NULL,
    effective_at BIGINT NOT NULL,
    digest       TEXT NOT NULL,          -- ledger.Journal.Digest
    hash         TEXT NOT NULL UNIQUE    -- ledger.ChainHash(previous hash, journal)
);

CREATE INDEX ledger_journals_order_id ON ledger_journals (order_id) WHERE order_id <> '';

CREATE TABLE ledger_postings (
    journal_seq BIGINT NOT NULL REFERENCES ledger_journals (seq),
    account     TEXT COLLATE "C" NOT NULL, -- "publisher:pub_x:pending:USD"
    amount      BIGINT NOT NULL CHECK (amount <> 0), -- debit > 0, credit < 0
    normal      BIGINT NOT NULL,          -- amount on the account's normal side
    memo        TEXT NOT NULL,
    PRIMARY KEY (journal_seq, account)
);

CREATE INDEX ledger_postings_account ON ledger_postings (account, journal_seq);

CREATE TABLE ledger_balances (
    account TEXT COLLATE "C" PRIMARY KEY,
    party   TEXT NOT NULL,               -- "publisher:pub_x"
    amount  BIGINT NOT NULL
);

CREATE INDEX ledger_balances_party ON ledger_balances (party);

CREATE TABLE ledger_head (
    one  BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);

INSERT INTO ledger_head (seq, hash) VALUES (0, '');

-- +goose StatementBegin
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER ledger_journals_append_only BEFORE UPDATE OR DELETE ON ledger_journals
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_journals_no_truncate BEFORE TRUNCATE ON ledger_journals
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- Rates snapshotted on each order when it is created (ledger.Rates).
ALTER TABLE orders ADD COLUMN platform_fee_bps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN platform_fee_fixed BIGINT NOT NULL DEFAULT 0;
-- What refunds and disputes did to a paid order's money.
ALTER TABLE orders ADD COLUMN refunded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN dispute_held BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN dispute_lost BIGINT NOT NULL DEFAULT 0;

-- A merchant's own share for one publisher, over its widgets' shares.
CREATE TABLE publisher_contracts (
    merchant_id  TEXT NOT NULL REFERENCES merchants (id),
    publisher_id TEXT NOT NULL REFERENCES publishers (id),
    share_bps    INTEGER NOT NULL CHECK (share_bps BETWEEN 0 AND 10000),
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (merchant_id, publisher_id)
);
