-- Funnel hardening (issue 12, finding 4): the loader's events the server
-- received for a card and did not count, by reason, beside the counts of
-- the same rollup row, so that the funnel reports them as numbers. And
-- sales are now read by the day their checkout was created (a sale is a
-- subset of the checkouts), so the paid_at index the funnel used goes.
-- +goose Up
ALTER TABLE funnel_daily ADD COLUMN discarded_bot        BIGINT NOT NULL DEFAULT 0 CHECK (discarded_bot >= 0);
ALTER TABLE funnel_daily ADD COLUMN discarded_unproven   BIGINT NOT NULL DEFAULT 0 CHECK (discarded_unproven >= 0);
ALTER TABLE funnel_daily ADD COLUMN discarded_over_limit BIGINT NOT NULL DEFAULT 0 CHECK (discarded_over_limit >= 0);
ALTER TABLE funnel_daily ADD COLUMN discarded_duplicate  BIGINT NOT NULL DEFAULT 0 CHECK (discarded_duplicate >= 0);

DROP INDEX orders_widget_paid_at;
