-- The publisher catalog (GET /v1/catalog): a widget is open to publishers
-- unless its merchant closes it; existing widgets stay open. Publishers
-- list their placements and their share transfers (payout history).

-- +goose Up
ALTER TABLE widgets ADD COLUMN open_to_publishers INTEGER NOT NULL DEFAULT 1 CHECK (open_to_publishers IN (0, 1));
CREATE INDEX placements_publisher_id ON placements (publisher_id, created_at);
CREATE INDEX share_transfers_publisher_id ON share_transfers (publisher_id, created_at);
