-- How an order's total is made up (buycard.OrderPrice), stored on the
-- order when it is created. An order from before has no discount,
-- shipping or tax: its subtotal is its total.
-- The ledger records a sale's shipping and tax as postings of their own
-- to the merchant's payable (memos "shipping" and "tax"), so a journal
-- may post to one account more than once, with distinct memos.

-- +goose Up
ALTER TABLE orders ADD COLUMN subtotal INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET subtotal = total;
ALTER TABLE orders ADD COLUMN discount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN shipping INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax_on_shipping INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax_inclusive INTEGER NOT NULL DEFAULT 0 CHECK (tax_inclusive IN (0, 1));
ALTER TABLE orders ADD COLUMN discount_code TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN shipping_rate_name TEXT NOT NULL DEFAULT '';

-- SQLite cannot change a primary key: rebuild the table (dropping it
-- fires no trigger) and its index and triggers.
CREATE TABLE ledger_postings_memo (
    journal_seq INTEGER NOT NULL REFERENCES ledger_journals (seq),
    account     TEXT NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount <> 0),
    normal      INTEGER NOT NULL,
    memo        TEXT NOT NULL,
    PRIMARY KEY (journal_seq, account, memo)
) STRICT;
INSERT INTO ledger_postings_memo (journal_seq, account, amount, normal, memo)
    SELECT journal_seq, account, amount, normal, memo FROM ledger_postings;
DROP TABLE ledger_postings;
ALTER TABLE ledger_postings_memo RENAME TO ledger_postings;
CREATE INDEX ledger_postings_account ON ledger_postings (account, journal_seq);
-- +goose StatementBegin
CREATE TRIGGER ledger_postings_append_only_update BEFORE UPDATE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_postings_append_only_delete BEFORE DELETE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only'); END;
-- +goose StatementEnd
