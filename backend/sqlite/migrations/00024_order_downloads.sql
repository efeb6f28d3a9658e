-- How many times each paid order downloaded each file of its product
-- (issue 14, delivery.go at the root). sqlstore/delivery.go counts a
-- download with one upsert whose update is conditional on the count being
-- under the limit, so that concurrent downloads never pass it. file_id
-- names a delivery_files row without a foreign key: the merchant may
-- delete a file, and the count of a past order stays.

-- +goose Up
CREATE TABLE order_downloads (
    order_id  TEXT NOT NULL REFERENCES orders (id),
    file_id   TEXT NOT NULL,
    downloads INTEGER NOT NULL CHECK (downloads > 0),
    PRIMARY KEY (order_id, file_id)
) STRICT;
