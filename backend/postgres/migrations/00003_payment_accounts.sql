-- Merchants' and publishers' accounts at the payment provider (Stripe
-- Connect Express), what the provider last said they may do, and the
-- provider's payment id on orders.

-- +goose Up
CREATE TABLE payment_accounts (
    id              TEXT PRIMARY KEY,    -- "acct_…"
    party_kind      TEXT NOT NULL CHECK (party_kind IN ('merchant', 'publisher')),
    party_id        TEXT NOT NULL,
    charges_enabled BOOLEAN NOT NULL,
    payouts_enabled BOOLEAN NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL, -- when the provider reported this state
    UNIQUE (party_kind, party_id)
);

-- The provider's payment id of a paid order (Stripe: the payment intent),
-- by which refund and dispute events name it.
ALTER TABLE orders ADD COLUMN provider_payment_id TEXT;
CREATE UNIQUE INDEX orders_provider_payment_id ON orders (provider, provider_payment_id) WHERE provider_payment_id IS NOT NULL;
