-- The column says what the field (Widget.ClosedToPublishers) and the API
-- (closed_to_publishers) say: a widget is open to publishers unless its
-- merchant closes it.

-- +goose Up
ALTER TABLE widgets RENAME COLUMN open_to_publishers TO closed_to_publishers;
UPDATE widgets SET closed_to_publishers = NOT closed_to_publishers;
ALTER TABLE widgets ALTER COLUMN closed_to_publishers SET DEFAULT FALSE;
