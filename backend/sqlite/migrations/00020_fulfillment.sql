-- The order's buyer and ship-to (buycard.Buyer, buycard.Address), empty on
-- orders whose checkout did not ask, and the merchant's fulfilment of a
-- paid physical order (buycard.Fulfillment): status '' until the merchant
-- first records one, which reads as unfulfilled.

-- +goose Up
ALTER TABLE orders ADD COLUMN buyer_email TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN buyer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN buyer_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_line2 TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_city TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_region TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_country TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN fulfillment_status TEXT NOT NULL DEFAULT ''
    CHECK (fulfillment_status IN ('', 'unfulfilled', 'partially_fulfilled', 'fulfilled'));
ALTER TABLE orders ADD COLUMN carrier TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN tracking_number TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN tracking_url TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN fulfilled_at TEXT;
