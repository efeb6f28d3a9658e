-- Merchant side data (issue 6): the card design of a widget, variants with
-- unlimited stock, and uploaded product images. Existing widgets take the
-- design cards had before (theme #0f1419, 12 px corners, following the
-- page's colour scheme, full layout, the shopper's language).

-- +goose Up
ALTER TABLE widgets ADD COLUMN theme_color TEXT NOT NULL DEFAULT '#0f1419' CHECK (theme_color ~ '^#[0-9A-Fa-f]{6}$');
ALTER TABLE widgets ADD COLUMN corner_radius INTEGER NOT NULL DEFAULT 12 CHECK (corner_radius BETWEEN 0 AND 24);
ALTER TABLE widgets ADD COLUMN color_scheme TEXT NOT NULL DEFAULT 'auto' CHECK (color_scheme IN ('light', 'dark', 'auto'));
ALTER TABLE widgets ADD COLUMN layout TEXT NOT NULL DEFAULT 'full' CHECK (layout IN ('full', 'compact'));
ALTER TABLE widgets ADD COLUMN locale TEXT NOT NULL DEFAULT '';

-- An unlimited variant is never reserved or decremented; its stock stays 0.
ALTER TABLE variants ADD COLUMN unlimited BOOLEAN NOT NULL DEFAULT FALSE;

-- Uploaded images, content-addressed: /images/{sha256}.{ext} serves one
-- forever, so merchants uploading the same bytes share a row.
CREATE TABLE images (
    sha256       TEXT PRIMARY KEY,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    data         BYTEA NOT NULL,
    merchant_id  TEXT NOT NULL REFERENCES merchants (id),
    created_at   TIMESTAMPTZ NOT NULL
);
