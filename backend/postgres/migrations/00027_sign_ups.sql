-- Email verification at sign-up: a sign-up waits here until the link
-- mailed to its address is followed, and only then becomes a user and its
-- merchant or publisher, so that nobody gets an account on an address
-- that is not theirs. token is the SHA-256 of the link's token, set by
-- the email job that mails the link (the token itself is stored nowhere),
-- NULL until then. Each sign-up has its own link: a second sign-up of an
-- address does not void the first one's, and the first followed creates
-- the account (users.email is unique). Spent and expired sign-ups are
-- deleted, their password hash with them.

-- +goose Up
CREATE TABLE sign_ups (
    id            TEXT PRIMARY KEY,     -- "sgn_…"
    email         TEXT NOT NULL,        -- normalized, as users.email
    role          TEXT NOT NULL CHECK (role IN ('merchant', 'publisher')),
    party_name    TEXT NOT NULL,
    password_hash TEXT NOT NULL,        -- PHC argon2id
    token         TEXT UNIQUE,          -- SHA-256 of the link's token
    expires_at    TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_ups_expiry ON sign_ups (expires_at);

-- +goose Down
DROP TABLE sign_ups;
