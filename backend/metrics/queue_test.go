package metrics

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/jobs"
)

// The queue's series are its health when scraped, the ages from the
// scrape's time.
func TestQueue(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
	m := New()
	m.registry.MustRegister(&queueCollector{timeout: time.Second, now: func() time.Time { return now },
		health: func(context.Context) (jobs.Health, error) {
			return jobs.Health{Pending: 4, Retrying: 2, Running: 1, Discarded: 3, OldestDue: now.Add(-90 * time.Second),
				Undispatched: 5, OldestUndispatched: now.Add(-2 * time.Second), Waiting: map[string]int{"email": 2, "webhook": 4}}, nil
		}})
	wantSeries(t, scrape(t, m),
		`buycard_job_queue_up 1`,
		`buycard_jobs{state="pending"} 4`,
		`buycard_jobs{state="retrying"} 2`,
		`buycard_jobs{state="running"} 1`,
		`buycard_jobs{state="discarded"} 3`,
		`buycard_jobs_waiting{kind="email"} 2`,
		`buycard_jobs_waiting{kind="webhook"} 4`,
		`buycard_jobs_oldest_due_age_seconds 90`,
		`buycard_events_undispatched 5`,
		`buycard_events_oldest_undispatched_age_seconds 2`,
	)
	idle := New()
	idle.WatchQueue(func(context.Context) (jobs.Health, error) { return jobs.Health{}, nil })
	wantSeries(t, scrape(t, idle), `buycard_jobs_oldest_due_age_seconds 0`, `buycard_events_oldest_undispatched_age_seconds 0`)
}

// However many kinds the queue holds, the series name maxKinds of them.
func TestQueueKindsBounded(t *testing.T) {
	t.Parallel()
	waiting := map[string]int{}
	for i := range 3 * maxKinds {
		waiting[fmt.Sprintf("kind%03d", i)] = i
	}
	m := New()
	m.WatchQueue(func(context.Context) (jobs.Health, error) { return jobs.Health{Waiting: waiting}, nil })
	got := scrape(t, m)
	if n := strings.Count(got, "\nbuycard_jobs_waiting{"); n != maxKinds {
		t.Errorf("%d kinds of %d scraped, want %d", n, len(waiting), maxKinds)
	}
	wantSeries(t, got, `buycard_jobs_waiting{kind="kind000"} 0`, `buycard_jobs_waiting{kind="kind031"} 31`)
}

// A failing or slow database leaves the queue's series out and says so,
// and a scrape never waits for it longer than the timeout; a read still
// running is not started again: a scrape joins it, as scrapes at once
// (two Prometheus servers) share one read.
func TestQueueDown(t *testing.T) {
	t.Parallel()
	failing := New()
	failing.WatchQueue(func(context.Context) (jobs.Health, error) { return jobs.Health{}, errors.New("database gone") })
	if got := scrape(t, failing); !strings.Contains(got, "\nbuycard_job_queue_up 0\n") || strings.Contains(got, "buycard_jobs{") {
		t.Errorf("a failing queue scrapes as\n%s", grep(got, "buycard_job"))
	}

	release, started := make(chan struct{}), make(chan struct{}, 10)
	defer close(release)
	slow := New()
	slow.registry.MustRegister(&queueCollector{timeout: 20 * time.Millisecond, now: time.Now,
		health: func(ctx context.Context) (jobs.Health, error) {
			started <- struct{}{}
			<-release // a database that ignores its context
			return jobs.Health{}, nil
		}})
	for i := range 2 {
		if got := scrape(t, slow); !strings.Contains(got, "\nbuycard_job_queue_up 0\n") {
			t.Errorf("a hung queue scrapes as\n%s", grep(got, "buycard_job"))
		}
		if i == 0 {
			<-started
		}
	}
	if len(started) != 0 {
		t.Error("a scrape read the queue again while the first read hung")
	}
}

// grep is the lines of s that contain word.
func grep(s, word string) string {
	var lines []string
	for line := range strings.Lines(s) {
		if strings.Contains(line, word) {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "")
}
