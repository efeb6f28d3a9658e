-- Platform administration (issue 6): the operator's run-time settings,
-- one row that overrides BUYCARD_PLATFORM_FEE_* for new orders (orders
-- keep the fee they snapshotted), and the runs of operator jobs such as
-- `buycard reconcile`, so the console can show the last one.

-- +goose Up
CREATE TABLE platform_settings (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    platform_fee_bps   INTEGER NOT NULL CHECK (platform_fee_bps BETWEEN 0 AND 10000),
    -- Currency code to minor units: {"USD": 30}.
    platform_fee_fixed JSONB NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE job_runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job         TEXT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    ok          BOOLEAN NOT NULL,
    result      TEXT NOT NULL
);

CREATE INDEX job_runs_job_finished_at ON job_runs (job, finished_at);

CREATE INDEX orders_merchant_created_at ON orders (merchant_id, created_at, id);
