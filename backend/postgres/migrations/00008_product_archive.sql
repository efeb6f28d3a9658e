-- When the merchant archived a product; NULL while it is on sale.

-- +goose Up
ALTER TABLE products ADD COLUMN archived_at TIMESTAMPTZ;
