package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Retry policy for transactions PostgreSQL aborts to keep them correct:
// up to retryAttempts runs in all, sleeping between them for a random
// time between half and all of retryBase doubled per failed run, at most
// retryMax. Five runs wait about 150ms at worst, far below a request's
// patience, and conflicts that outlast them are better reported than
// hidden.
const (
	retryAttempts = 5
	retryBase     = 10 * time.Millisecond
	retryMax      = 100 * time.Millisecond
)

// SQLSTATE codes of the failures that a fresh run of the same
// transaction may not hit.
const (
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// retry runs fn until it succeeds, fails with an error that a new run
// would not cure, or has run retryAttempts times. fn must be a whole
// transaction: a retried run starts from scratch. The error is the last
// run's.
func retry(ctx context.Context, fn func() error) error {
	return retryN(ctx, retryAttempts, retryBase, retryMax, fn)
}

func retryN(ctx context.Context, attempts int, base, maxDelay time.Duration, fn func() error) error {
	var err error
	for attempt := range attempts {
		if err = fn(); err == nil || !retryable(err) || attempt == attempts-1 {
			return err
		}
		t := time.NewTimer(backoff(attempt, base, maxDelay))
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, context.Cause(ctx))
		case <-t.C:
		}
	}
	return err
}

// retryable reports whether err is a serialization failure or a
// deadlock, anywhere in its chain.
func retryable(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && (e.Code == serializationFailure || e.Code == deadlockDetected)
}

// backoff is the pause after the failed run number attempt (from 0):
// base doubled attempt times, at most maxDelay, then jittered to between
// half and all of that so that transactions that collided once do not
// collide again in step.
func backoff(attempt int, base, maxDelay time.Duration) time.Duration {
	d := maxDelay
	if attempt < 30 && base<<attempt < maxDelay {
		d = base << attempt
	}
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}
