-- How an order's total is made up (buycard.OrderPrice), stored on the
-- order when it is created. An order from before has no discount,
-- shipping or tax: its subtotal is its total.
-- The ledger records a sale's shipping and tax as postings of their own
-- to the merchant's payable (memos "shipping" and "tax"), so a journal
-- may post to one account more than once, with distinct memos.

-- +goose Up
ALTER TABLE orders ADD COLUMN subtotal BIGINT NOT NULL DEFAULT 0;
UPDATE orders SET subtotal = total;
ALTER TABLE orders ADD COLUMN discount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN shipping BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax_on_shipping BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax_inclusive BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE orders ADD COLUMN discount_code TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN shipping_rate_name TEXT NOT NULL DEFAULT '';

ALTER TABLE ledger_postings DROP CONSTRAINT ledger_postings_pkey,
    ADD PRIMARY KEY (journal_seq, account, memo);
