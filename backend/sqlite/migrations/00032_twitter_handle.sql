-- A merchant's X (Twitter) handle, named by twitter:site in the link
-- previews of its product pages (issue 16, part 7); '' when it has none.

-- +goose Up
ALTER TABLE merchant_settings ADD COLUMN twitter_handle TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE merchant_settings DROP COLUMN twitter_handle;
