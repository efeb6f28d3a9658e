-- Every build of a pinned asset (the loader at /buycard.HASH.js) that a
-- node has served, so that its URL answers with the same bytes on every
-- node for ever, whatever build the node runs. Written once per name,
-- never updated.

-- +goose Up
CREATE TABLE pinned_assets (
    name         TEXT PRIMARY KEY,   -- "buycard.HASH.js"
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE pinned_assets;
