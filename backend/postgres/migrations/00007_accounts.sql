-- Console accounts (issue 6): users who act for one merchant or publisher
-- (or admins, for none), their browser sessions, API keys scoped to a
-- party, and one-time password reset links. Tokens and keys are stored as
-- hex SHA-256 digests only.

-- +goose Up
CREATE TABLE users (
    id            TEXT PRIMARY KEY,     -- "usr_…"
    email         TEXT NOT NULL UNIQUE, -- normalized: trimmed, lower case
    role          TEXT NOT NULL CHECK (role IN ('merchant', 'publisher', 'admin')),
    party_id      TEXT,                 -- the merchant or publisher; NULL for admins
    password_hash TEXT NOT NULL,        -- PHC argon2id; '' matches no password
    created_at    TIMESTAMPTZ NOT NULL,
    CHECK ((role = 'admin') = (party_id IS NULL))
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,        -- SHA-256 of the cookie's token
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,        -- "key_…"
    hash       TEXT NOT NULL UNIQUE,    -- SHA-256 of the key
    prefix     TEXT NOT NULL,
    name       TEXT NOT NULL,
    party_kind TEXT NOT NULL CHECK (party_kind IN ('merchant', 'publisher')),
    party_id   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_keys_party ON api_keys (party_kind, party_id, created_at);

CREATE TABLE password_resets (
    id         TEXT PRIMARY KEY,        -- SHA-256 of the link's token
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
