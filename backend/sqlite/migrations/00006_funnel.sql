-- Funnel analytics (issue 6): the loader's impressions and clicks, rolled
-- up in memory per UTC day, widget, placement and publisher and added here
-- every few seconds. Placement and publisher are '' when the placement
-- token named none; no foreign keys, so a deleted placement keeps its
-- history. Checkouts, sales and refunds are not stored: the funnel query
-- reads them from orders, whose new indexes serve it.
-- +goose Up
CREATE TABLE funnel_daily (
    day          TEXT NOT NULL CHECK (length(day) = 10), -- YYYY-MM-DD, UTC
    widget_id    TEXT NOT NULL,
    placement_id TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    impressions  INTEGER NOT NULL CHECK (impressions >= 0),
    clicks       INTEGER NOT NULL CHECK (clicks >= 0),
    PRIMARY KEY (widget_id, day, placement_id, publisher_id)
) STRICT;

CREATE INDEX orders_widget_created_at ON orders (widget_id, created_at);
CREATE INDEX orders_widget_paid_at ON orders (widget_id, paid_at) WHERE status = 'paid';
