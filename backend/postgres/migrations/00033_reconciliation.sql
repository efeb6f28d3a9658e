-- Reconciliation against the payment provider's money (issue 17,
-- scenario L-08).
--
-- reconciliation_runs: the latest run of each UTC day. A node claims a
-- day by inserting its row (or taking over a failed or abandoned one), so
-- that however many nodes run the daily job, each day is compared once.
-- report is the ReconciliationReport as JSON.
--
-- reconciliation_alerts: days whose run found differences. At most one
-- open (not cleared) alert per day; while one is open, publisher payouts
-- are held. Clearing records who, when and why.
--
-- ledger_journals_effective_at: the journals of a day, which a run reads.

-- +goose Up
CREATE TABLE reconciliation_runs (
    day         TEXT PRIMARY KEY,        -- "2026-12-07"
    status      TEXT NOT NULL CHECK (status IN ('running', 'clean', 'mismatch', 'failed')),
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    report      JSONB,
    error       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE reconciliation_alerts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day         TEXT NOT NULL,
    raised_at   TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    differences JSONB NOT NULL,
    cleared_at  TIMESTAMPTZ,
    cleared_by  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX reconciliation_alerts_open_day ON reconciliation_alerts (day) WHERE cleared_at IS NULL;

CREATE INDEX ledger_journals_effective_at ON ledger_journals (effective_at);

-- +goose Down
DROP INDEX ledger_journals_effective_at;
DROP TABLE reconciliation_alerts;
DROP TABLE reconciliation_runs;
