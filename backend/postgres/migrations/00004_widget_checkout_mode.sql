-- Where a widget's checkout opens: 'overlay' (on the publisher's page, the
-- default) or 'popup' (a window of its own, Stripe's hosted Checkout).

-- +goose Up
ALTER TABLE widgets ADD COLUMN checkout_mode TEXT NOT NULL DEFAULT 'overlay' CHECK (checkout_mode IN ('overlay', 'popup'));
