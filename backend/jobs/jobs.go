// Package jobs is Buycard's durable job queue: River
// (github.com/riverqueue/river) behind one package, on the store's own
// database, SQLite or PostgreSQL.
//
// A store inserts jobs in the transaction of the change that causes them
// (Queue.Insert) — the dispatch of a recorded event (package notify), a
// webhook resend: they commit with it or not at all, and a node that dies
// after the commit leaves them for the next worker. Runner works them,
// retrying failures with backoff, and runs the periodic upkeep; River
// elects one leader among the nodes to schedule periodic jobs, and each
// is unique for its period, so several nodes never run one twice.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// Job is a job to insert: its kind, its arguments and how it retries.
type Job struct {
	// Kind names the Kind that works it.
	Kind string
	// Args is encoded as JSON.
	Args any
	// MaxAttempts is how many times it runs before it is discarded; 0 is
	// River's default (25).
	MaxAttempts int
}

// args is a Job's arguments as River stores and returns them: any kind,
// JSON that is passed through as it is.
type args struct {
	kind string
	raw  json.RawMessage
}

func (a args) Kind() string                    { return a.kind }
func (a args) MarshalJSON() ([]byte, error)    { return a.raw, nil }
func (a *args) UnmarshalJSON(raw []byte) error { a.raw = append(a.raw[:0], raw...); return nil }

// insertParams are jobs as River inserts them.
func insertParams(jobs []Job) ([]river.InsertManyParams, error) {
	params := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		raw, err := json.Marshal(j.Args)
		if err != nil {
			return nil, fmt.Errorf("encode %s job: %w", j.Kind, err)
		}
		params[i] = river.InsertManyParams{Args: args{j.Kind, raw}, InsertOpts: &river.InsertOpts{MaxAttempts: j.MaxAttempts}}
	}
	return params, nil
}

// Queue inserts jobs in transactions of one database driver: *sql.Tx
// for SQLite, pgx.Tx for PostgreSQL. It works none.
type Queue[TTx any] struct {
	client *river.Client[TTx]
}

// NewQueue returns a queue inserting through driver.
func NewQueue[TTx any](driver riverdriver.Driver[TTx]) (*Queue[TTx], error) {
	// It reports every failure to its caller, so it logs nothing.
	client, err := river.NewClient(driver, &river.Config{SkipUnknownJobCheck: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Queue[TTx]{client}, nil
}

// Insert inserts jobs in tx: they are worked once tx commits, and never
// if it rolls back.
func (q *Queue[TTx]) Insert(ctx context.Context, tx TTx, jobs ...Job) error {
	if len(jobs) == 0 {
		return nil
	}
	params, err := insertParams(jobs)
	if err != nil {
		return err
	}
	// River's fast insert: on SQLite it costs about a tenth of the
	// insert that returns rows and handles unique conflicts, inside a
	// transaction that holds the only writer.
	_, err = q.client.InsertManyFastTx(ctx, tx, params)
	if err != nil {
		return fmt.Errorf("insert jobs: %w", err)
	}
	return nil
}

// Health is the state of the queue, as the admin console shows it.
type Health struct {
	// Pending jobs are due or scheduled; Retrying ones failed and wait to
	// be tried again; Running ones are being worked; Discarded ones
	// failed every attempt (or were canceled as hopeless).
	Pending   int `json:"pending"`
	Retrying  int `json:"retrying"`
	Running   int `json:"running"`
	Discarded int `json:"discarded"`
	// OldestDue is when the longest-waiting due job fell due; zero when
	// none waits.
	OldestDue time.Time `json:"oldest_due,omitzero"`
	// Undispatched events were recorded with their changes and wait for
	// the relay (package notify) to turn them into jobs;
	// OldestUndispatched is when the oldest of them was recorded.
	Undispatched       int       `json:"undispatched"`
	OldestUndispatched time.Time `json:"oldest_undispatched,omitzero"`
	// Waiting counts the pending and retrying jobs by kind (email,
	// webhook, the periodic work's names), as WaitingByKind reads them;
	// a kind without any is absent.
	Waiting map[string]int `json:"waiting_by_kind,omitempty"`
}

// WaitingByKind is the query of Health.Waiting: kind and count of the
// jobs pending or retrying, a row per kind. It reads River's table, the
// same in both databases, where the store runs it: River's driver counts
// jobs by state and by queue, not by kind.
const WaitingByKind = `SELECT kind, COUNT(*) FROM river_job
	WHERE state IN ('available', 'scheduled', 'pending', 'retryable') GROUP BY kind`

// Health reads the queue's Health.
func (q *Queue[TTx]) Health(ctx context.Context) (Health, error) {
	counts, err := q.client.Driver().GetExecutor().JobCountByAllStates(ctx, &riverdriver.JobCountByAllStatesParams{})
	if err != nil {
		return Health{}, fmt.Errorf("queue health: %w", err)
	}
	h := Health{Retrying: counts[rivertype.JobStateRetryable], Running: counts[rivertype.JobStateRunning],
		Discarded: counts[rivertype.JobStateDiscarded]}
	for _, s := range pendingStates {
		h.Pending += counts[s]
	}
	due := river.NewJobListParams().States(rivertype.JobStateAvailable, rivertype.JobStateRetryable).
		OrderBy(river.JobListOrderByScheduledAt, river.SortOrderAsc).First(1)
	res, err := q.client.JobList(ctx, due)
	if err != nil {
		return Health{}, fmt.Errorf("queue health: %w", err)
	}
	if len(res.Jobs) > 0 && res.Jobs[0].ScheduledAt.Before(time.Now()) {
		h.OldestDue = res.Jobs[0].ScheduledAt
	}
	return h, nil
}

// pendingStates are River's states of a job that waits to be worked.
var pendingStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStatePending}

// SchemaVersion is the version of River's tables this build needs: the
// last of River's own migrations (rivermigrate) it applies. Each store
// applies them as one of its numbered migrations; a River upgrade that
// adds migrations raises it and adds a store migration that applies them.
const SchemaVersion = 8

// MigrateTx brings River's tables up to SchemaVersion in tx.
func MigrateTx[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], tx TTx) error {
	return migrate(driver, func(m *rivermigrate.Migrator[TTx], opts *rivermigrate.MigrateOpts) error {
		_, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, opts)
		return err
	})
}

// Migrate brings River's tables up to SchemaVersion in a transaction of
// its own.
func Migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	return migrate(driver, func(m *rivermigrate.Migrator[TTx], opts *rivermigrate.MigrateOpts) error {
		_, err := m.Migrate(ctx, rivermigrate.DirectionUp, opts)
		return err
	})
}

// migrate runs up, a migration of driver's River tables to SchemaVersion.
func migrate[TTx any](driver riverdriver.Driver[TTx], up func(*rivermigrate.Migrator[TTx], *rivermigrate.MigrateOpts) error) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		err = up(m, &rivermigrate.MigrateOpts{TargetVersion: SchemaVersion})
	}
	if err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	return nil
}

// KindWebhook is the job that sends one webhook delivery (package
// webhooks), retried for about three days.
const KindWebhook = "webhook"

// WebhookAttempts is how many times a delivery is tried: with the
// backoff of package webhooks, over about three days.
const WebhookAttempts = 15

// WebhookArgs are a webhook job's arguments. Send counts the times the
// delivery was sent on request (resent), so that each request is a job
// of its own.
type WebhookArgs struct {
	DeliveryID string `json:"delivery_id"`
	Send       int    `json:"send,omitempty"`
}

// Webhook is the job that sends the delivery id, the send-th time. It is
// inserted once, with the delivery or its send counted, so it needs no
// uniqueness.
func Webhook(deliveryID string, send int) Job {
	return Job{Kind: KindWebhook, Args: WebhookArgs{deliveryID, send}, MaxAttempts: WebhookAttempts}
}
