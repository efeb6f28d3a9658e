-- Platform administration (issue 6): the operator's run-time settings,
-- one row that overrides BUYCARD_PLATFORM_FEE_* for new orders (orders
-- keep the fee they snapshotted), and the runs of operator jobs such as
-- `buycard reconcile`, so the console can show the last one.

-- +goose Up
CREATE TABLE platform_settings (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    platform_fee_bps   INTEGER NOT NULL CHECK (platform_fee_bps BETWEEN 0 AND 10000),
    -- JSON object of currency code to minor units: {"USD": 30}.
    platform_fee_fixed TEXT NOT NULL CHECK (json_valid(platform_fee_fixed)),
    updated_at         TEXT NOT NULL
) STRICT;

CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY,
    job         TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    result      TEXT NOT NULL
) STRICT;

CREATE INDEX job_runs_job_finished_at ON job_runs (job, finished_at);

CREATE INDEX orders_merchant_created_at ON orders (merchant_id, created_at, id);
