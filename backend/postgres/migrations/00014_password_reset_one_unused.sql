-- Issue 12: a new password link voids the user's older unused ones, so
-- that a link that leaked stops working once the user asks for another.
-- The database holds one unused link per user at most, and issuing a link
-- replaces the unused one in the same statement (backend/authsql
-- InsertReset). Older unused links of today are dropped first; spent ones
-- stay on record.

-- +goose Up
DELETE FROM password_resets
WHERE used_at IS NULL AND EXISTS (
    SELECT 1 FROM password_resets newer
    WHERE newer.user_id = password_resets.user_id AND newer.used_at IS NULL
      AND (newer.expires_at > password_resets.expires_at
           OR (newer.expires_at = password_resets.expires_at AND newer.id > password_resets.id)));

CREATE UNIQUE INDEX password_resets_one_unused ON password_resets (user_id) WHERE used_at IS NULL;
