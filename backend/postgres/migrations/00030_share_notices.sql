-- Publishers can trust their money (issue 16, part 5).
--
-- share_notices: when a merchant lowers a share (a widget's, or its
-- contract with a publisher), each placement that existed keeps the share
-- it earned until the notice period ends (buycard.ShareNotice); a new
-- order through the placement snapshots the highest share still kept.
-- Rows are never updated: a second lowering adds a row of its own.
--
-- widgets.list_without_share: a widget whose share is 0% stays out of the
-- publishers' catalog unless its merchant lists it all the same.

-- +goose Up
CREATE TABLE share_notices (
    placement_id TEXT NOT NULL REFERENCES placements (id) ON DELETE CASCADE,
    share_bps    INTEGER NOT NULL CHECK (share_bps BETWEEN 1 AND 10000),
    until        TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX share_notices_placement ON share_notices (placement_id, until);

ALTER TABLE widgets ADD COLUMN list_without_share BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE widgets DROP COLUMN list_without_share;
DROP TABLE share_notices;
