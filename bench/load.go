package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Limits that keep a load run bounded whatever the caller asks for.
const (
	maxWorkers  = 64
	maxDuration = time.Minute
)

// Load is one bounded closed-loop load run against a loopback server:
// Workers goroutines each send a request, read the whole response, and send
// the next, until Duration has passed or Requests have been sent in all,
// whichever comes first.
type Load struct {
	Workers  int
	Duration time.Duration // 0: no time limit (Requests must be set)
	Requests int           // 0: no count limit (Duration must be set)
	// NewRequest builds each request; it is called concurrently. Requests
	// may only go to 127.0.0.1, ::1 or localhost.
	NewRequest func() (*http.Request, error)
	// Status is the status every response must have.
	Status int
}

// LoadResult is what a run measured.
type LoadResult struct {
	Requests  int           // completed with the expected status
	Elapsed   time.Duration // from the first request to the last response
	Latencies []time.Duration
}

// RPS is completed requests per second.
func (r LoadResult) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// LatencyMS returns the p-th latency percentiles in milliseconds.
func (r LoadResult) LatencyMS(ps ...float64) []float64 {
	return Percentiles(Milliseconds(r.Latencies), ps...)
}

func (l Load) validate() error {
	switch {
	case l.Workers < 1 || l.Workers > maxWorkers:
		return fmt.Errorf("load: %d workers, want 1 to %d", l.Workers, maxWorkers)
	case l.Duration < 0 || l.Duration > maxDuration:
		return fmt.Errorf("load: duration %v, want at most %v", l.Duration, maxDuration)
	case l.Requests < 0:
		return fmt.Errorf("load: %d requests", l.Requests)
	case l.Duration == 0 && l.Requests == 0:
		return errors.New("load: set a duration or a request count, or it would never stop")
	case l.NewRequest == nil:
		return errors.New("load: no request")
	}
	return nil
}

// Run runs the load and stops by itself. Any failed request, wrong status
// or non-loopback target ends the run with an error: a benchmark with
// errors measures the errors.
func (l Load) Run(ctx context.Context) (LoadResult, error) {
	if err := l.validate(); err != nil {
		return LoadResult{}, err
	}
	if l.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, l.Duration)
		defer cancel()
	}
	client := loopbackClient(l.Workers)
	defer client.CloseIdleConnections()
	r := &loadRun{Load: l, client: client}
	start := time.Now()
	per := r.all(ctx)
	res := LoadResult{Elapsed: time.Since(start)}
	for _, lat := range per {
		res.Latencies = append(res.Latencies, lat...)
	}
	res.Requests = len(res.Latencies)
	return res, r.first // all workers have returned: no race
}

// loadRun is the shared state of the workers of one run.
type loadRun struct {
	Load
	client  *http.Client
	sent    atomic.Int64
	errOnce sync.Once
	first   error
}

func (r *loadRun) all(ctx context.Context) [][]time.Duration {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	per := make([][]time.Duration, r.Workers)
	var wg sync.WaitGroup
	for i := range per {
		wg.Go(func() { per[i] = r.worker(ctx, cancel) })
	}
	wg.Wait()
	return per
}

func (r *loadRun) worker(ctx context.Context, stop context.CancelFunc) []time.Duration {
	lats := make([]time.Duration, 0, 4096)
	for ctx.Err() == nil && r.take() {
		lat, err := r.one(ctx)
		if ctx.Err() != nil {
			break // the deadline cut this request short: it does not count
		}
		if err != nil {
			r.fail(err)
			stop()
			break
		}
		lats = append(lats, lat)
	}
	return lats
}

// take claims one request of the count limit.
func (r *loadRun) take() bool {
	return r.Requests == 0 || r.sent.Add(1) <= int64(r.Requests)
}

func (r *loadRun) one(ctx context.Context) (time.Duration, error) {
	req, err := r.NewRequest()
	if err != nil {
		return 0, err
	}
	if !isLoopback(req.URL.Hostname()) {
		return 0, fmt.Errorf("load: %s is not a loopback address", req.URL.Host)
	}
	start := time.Now()
	resp, err := r.client.Do(req.WithContext(ctx))
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	lat := time.Since(start)
	if err == nil && resp.StatusCode != r.Status {
		err = fmt.Errorf("load: %s %s: status %d, want %d", req.Method, req.URL.Path, resp.StatusCode, r.Status)
	}
	return lat, err
}

func (r *loadRun) fail(err error) { r.errOnce.Do(func() { r.first = err }) }

// loopbackClient keeps one connection per worker alive and never touches
// Content-Encoding, so the bytes read are the bytes on the wire.
func loopbackClient(workers int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: workers,
			MaxConnsPerHost:     workers,
			DisableCompression:  true,
		},
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
