package metrics

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/singleflight"

	"github.com/buycard/buycard/backend/jobs"
)

// QueueTimeout bounds the reading of the queue's health on a scrape: a
// slow database makes the queue's series go missing (buycard_job_queue_up
// 0), never /metrics hang.
const QueueTimeout = 2 * time.Second

// WatchQueue reports the job queue's health, as health reads it, on each
// scrape: jobs by state, how long the oldest due job has waited, and the
// events that wait for the relay. Scrapes at once (two Prometheus servers)
// share one read, and while a read hangs past QueueTimeout, scrapes report
// the queue down without starting another.
func (m *Metrics) WatchQueue(health func(context.Context) (jobs.Health, error)) {
	if m == nil {
		return
	}
	m.registry.MustRegister(&queueCollector{health: health, timeout: QueueTimeout, now: time.Now})
}

type queueCollector struct {
	health  func(context.Context) (jobs.Health, error)
	timeout time.Duration
	now     func() time.Time
	reads   singleflight.Group
}

var (
	queueUp = prometheus.NewDesc("buycard_job_queue_up",
		"1 when the job queue's health was read on this scrape, 0 when the database failed or was too slow.", nil, nil)
	queueJobs = prometheus.NewDesc("buycard_jobs",
		"Jobs in the queue, by state: pending (due or scheduled), retrying, running, discarded (failed every attempt).",
		[]string{"state"}, nil)
	queueWaiting = prometheus.NewDesc("buycard_jobs_waiting",
		"Jobs pending or retrying, by kind (email, webhook, the periodic work's names).", []string{"kind"}, nil)
	queueOldest = prometheus.NewDesc("buycard_jobs_oldest_due_age_seconds",
		"How long the longest-waiting due job has waited to be worked; 0 when none waits.", nil, nil)
	queueUndispatched = prometheus.NewDesc("buycard_events_undispatched",
		"Events recorded with their changes that the relay has not turned into jobs yet.", nil, nil)
	queueUndispatchedAge = prometheus.NewDesc("buycard_events_oldest_undispatched_age_seconds",
		"How long the oldest undispatched event has waited for the relay; 0 when none waits.", nil, nil)
)

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueUp, queueJobs, queueWaiting, queueOldest, queueUndispatched, queueUndispatchedAge} {
		ch <- d
	}
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	h, ok := c.read()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if !ok {
		gauge(queueUp, 0)
		return
	}
	gauge(queueUp, 1)
	for state, n := range map[string]int{"pending": h.Pending, "retrying": h.Retrying, "running": h.Running, "discarded": h.Discarded} {
		gauge(queueJobs, float64(n), state)
	}
	for kind, n := range boundedKinds(h.Waiting) {
		gauge(queueWaiting, float64(n), kind)
	}
	now := c.now()
	gauge(queueOldest, age(now, h.OldestDue))
	gauge(queueUndispatched, float64(h.Undispatched))
	gauge(queueUndispatchedAge, age(now, h.OldestUndispatched))
}

// read reads the health within the timeout, joining a read under way;
// false when it failed or took too long.
func (c *queueCollector) read() (jobs.Health, bool) {
	done := c.reads.DoChan("", func() (any, error) {
		ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
		defer cancel()
		return c.health(ctx)
	})
	timeout := time.NewTimer(c.timeout)
	defer timeout.Stop()
	select {
	case r := <-done:
		return r.Val.(jobs.Health), r.Err == nil
	case <-timeout.C:
		return jobs.Health{}, false
	}
}

// maxKinds bounds the kinds of job the queue's series name: this build's
// are a handful, a rolling deploy's other build may add a few.
const maxKinds = 32

// boundedKinds is waiting, or, should it name more than maxKinds kinds,
// the first maxKinds of them by name.
func boundedKinds(waiting map[string]int) map[string]int {
	if len(waiting) <= maxKinds {
		return waiting
	}
	kinds := slices.Sorted(maps.Keys(waiting))
	bounded := make(map[string]int, maxKinds)
	for _, kind := range kinds[:maxKinds] {
		bounded[kind] = waiting[kind]
	}
	return bounded
}

// age is the seconds from since to now, 0 for a zero since.
func age(now, since time.Time) float64 {
	if since.IsZero() {
		return 0
	}
	return max(0, now.Sub(since).Seconds())
}
