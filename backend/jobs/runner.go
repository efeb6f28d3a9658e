package jobs

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
)

// Kind is a kind of job and how it is worked.
type Kind struct {
	Name string
	// Work does the job. An error retries it later (Backoff), until its
	// MaxAttempts; Cancel ends it for good.
	Work func(ctx context.Context, run Run) error
	// Backoff is how long to wait after the attempt-th failure; nil is
	// River's default (attempt⁴ seconds, with jitter).
	Backoff func(attempt int) time.Duration
	// Timeout bounds one attempt; 0 is a minute.
	Timeout time.Duration
}

// Run is one attempt at a job.
type Run struct {
	ID   int64
	Args json.RawMessage
	// Attempt counts from 1.
	Attempt   int
	CreatedAt time.Time
}

// Decode decodes the job's arguments into v.
func (r Run) Decode(v any) error {
	if err := json.Unmarshal(r.Args, v); err != nil {
		return Cancel(fmt.Errorf("decode job %d: %w", r.ID, err))
	}
	return nil
}

// Cancel marks err as final: the job is not tried again.
func Cancel(err error) error { return river.JobCancel(err) }

// Periodic is work done every so often by one node of all.
type Periodic struct {
	Name  string
	Every time.Duration
	Work  func(ctx context.Context, now time.Time) error
}

// Config is what a Runner works.
type Config struct {
	Kinds    []Kind
	Periodic []Periodic
	// Workers is how many jobs run at once on this node.
	Workers int
	// Poll is how often the node looks for jobs that arrived without a
	// notification (SQLite has none; River's default is a second).
	Poll time.Duration
	// Rescue is how long a job may run before it is taken for abandoned
	// (its node died) and tried again; 0 is RescueDefault.
	Rescue time.Duration
	Logger *slog.Logger
}

// RescueDefault is how long a job may run before another node takes it
// for abandoned: past the longest a job of ours runs (periodicTimeout).
const RescueDefault = 15 * time.Minute

// periodicTimeout bounds a periodic run.
const periodicTimeout = 10 * time.Minute

// Runner works the jobs of a database on this node.
type Runner[TTx any] struct {
	client *river.Client[TTx]
}

// Start starts working jobs through driver until Stop.
func Start[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], cfg Config) (*Runner[TTx], error) {
	kinds := slices.Clone(cfg.Kinds)
	var periodic []*river.PeriodicJob
	for _, p := range cfg.Periodic {
		k, job := p.kind()
		kinds, periodic = append(kinds, k), append(periodic, job)
	}
	logger := cmp.Or(cfg.Logger, slog.Default())
	workers := river.NewWorkers()
	seen := map[string]bool{}
	for _, k := range kinds {
		if seen[k.Name] {
			return nil, fmt.Errorf("job kind %s twice", k.Name)
		}
		seen[k.Name] = true
		// AddWorkerArgs, unlike AddWorker, takes the kind from a value,
		// so one args type serves every kind.
		river.AddWorkerArgs(workers, args{kind: k.Name}, worker{kind: k, logger: logger})
	}
	rc := &river.Config{
		Workers: workers, PeriodicJobs: periodic,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(1, cfg.Workers)}},
		Logger: slog.New(atLeast{cmp.Or(cfg.Logger, slog.Default()).Handler(), slog.LevelWarn}),
		// A job the node does not know (a newer node's) waits for one
		// that does.
		FetchOnlyKnownKinds: true,
	}
	rc.RescueStuckJobsAfter = cmp.Or(cfg.Rescue, RescueDefault)
	rc.JobTimeout = min(river.JobTimeoutDefault, rc.RescueStuckJobsAfter/2)
	if cfg.Poll > 0 {
		rc.FetchPollInterval, rc.FetchCooldown = cfg.Poll, min(cfg.Poll, river.FetchCooldownDefault)
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("start job runner: %w", err)
	}
	return &Runner[TTx]{client}, nil
}

// Stop stops fetching jobs and waits for those running, until ctx ends.
func (r *Runner[TTx]) Stop(ctx context.Context) error {
	return r.client.Stop(ctx)
}

// kind is p as a job kind, and its schedule: every Every, unique for its
// period, so a new leader elected mid-period does not run it again.
func (p Periodic) kind() (Kind, *river.PeriodicJob) {
	k := Kind{
		Name:    "periodic." + p.Name,
		Work:    func(ctx context.Context, run Run) error { return p.Work(ctx, run.CreatedAt) },
		Timeout: periodicTimeout,
	}
	job := river.NewPeriodicJob(river.PeriodicInterval(p.Every), func() (river.JobArgs, *river.InsertOpts) {
		// A failed run is not retried: the next period's comes round.
		return args{kind: k.Name, raw: json.RawMessage(`{}`)}, &river.InsertOpts{
			MaxAttempts: 1,
			UniqueOpts:  river.UniqueOpts{ByPeriod: p.Every},
		}
	}, &river.PeriodicJobOpts{ID: p.Name, RunOnStart: true})
	return k, job
}

// worker works the jobs of one kind.
type worker struct {
	river.WorkerDefaults[args]
	kind   Kind
	logger *slog.Logger
}

func (w worker) Work(ctx context.Context, job *river.Job[args]) error {
	err := w.kind.Work(ctx, Run{ID: job.ID, Args: job.Args.raw, Attempt: job.Attempt, CreatedAt: job.CreatedAt})
	if err != nil {
		w.logger.Warn("job failed", "kind", job.Kind, "job", job.ID, "attempt", job.Attempt, "of", job.MaxAttempts, "err", err)
	}
	return err
}

func (w worker) NextRetry(job *river.Job[args]) time.Time {
	if w.kind.Backoff == nil {
		return time.Time{}
	}
	return time.Now().Add(w.kind.Backoff(job.Attempt))
}

func (w worker) Timeout(*river.Job[args]) time.Duration { return w.kind.Timeout }

// atLeast passes on the records of level or above.
type atLeast struct {
	slog.Handler
	level slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(attrs []slog.Attr) slog.Handler {
	return atLeast{h.Handler.WithAttrs(attrs), h.level}
}

func (h atLeast) WithGroup(name string) slog.Handler {
	return atLeast{h.Handler.WithGroup(name), h.level}
}
