-- The column says what the field (Widget.ClosedToPublishers) and the API
-- (closed_to_publishers) say: a widget is open to publishers unless its
-- merchant closes it.

-- +goose Up
ALTER TABLE widgets ADD COLUMN closed_to_publishers INTEGER NOT NULL DEFAULT 0 CHECK (closed_to_publishers IN (0, 1));
UPDATE widgets SET closed_to_publishers = NOT open_to_publishers;
ALTER TABLE widgets DROP COLUMN open_to_publishers;
