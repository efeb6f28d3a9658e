package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/buycard/buycard"
)

func TestRetry(t *testing.T) {
	serialization := &pgconn.PgError{Code: "40001", Message: "could not serialize access"}
	deadlock := &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}
	unique := &pgconn.PgError{Code: "23505", Message: "duplicate key value"}
	conflict := buycard.Errorf(buycard.ECONFLICT, "Sold out.")
	tests := []struct {
		name  string
		errs  []error // what the runs return, in turn; nil after the last
		runs  int
		want  error
		isNil bool
	}{
		{"ok", nil, 1, nil, true},
		{"serialization failure then ok", []error{serialization}, 2, nil, true},
		{"deadlock twice then ok", []error{deadlock, deadlock}, 3, nil, true},
		{"wrapped serialization failure", []error{fmt.Errorf("create order: %w", serialization)}, 2, nil, true},
		{"always serialization failure", []error{serialization, serialization, serialization, serialization, serialization, serialization}, 4, serialization, false},
		{"unique violation", []error{unique}, 1, unique, false},
		{"domain error", []error{conflict}, 1, conflict, false},
		{"serialization failure then domain error", []error{serialization, conflict}, 2, conflict, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs := 0
			err := retryN(t.Context(), 4, time.Microsecond, time.Millisecond, func() error {
				runs++
				if runs <= len(tt.errs) {
					return tt.errs[runs-1]
				}
				return nil
			})
			if runs != tt.runs {
				t.Errorf("%d runs, want %d", runs, tt.runs)
			}
			switch {
			case tt.isNil && err != nil:
				t.Errorf("error %v, want nil", err)
			case !tt.isNil && !errors.Is(err, tt.want):
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

// TestRetryStopsWhenCanceled checks that a canceled caller is not kept
// waiting for the remaining runs.
func TestRetryStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	runs := 0
	err := retryN(ctx, 10, time.Hour, time.Hour, func() error {
		runs++
		cancel()
		return &pgconn.PgError{Code: "40001"}
	})
	if runs != 1 || !errors.Is(err, context.Canceled) || !retryable(err) {
		t.Errorf("%d runs, error %v: want 1 run, the serialization failure and context.Canceled", runs, err)
	}
}

func TestBackoff(t *testing.T) {
	const base, maxDelay = 10 * time.Millisecond, 100 * time.Millisecond
	for _, tt := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 5 * time.Millisecond, 10 * time.Millisecond},
		{1, 10 * time.Millisecond, 20 * time.Millisecond},
		{3, 40 * time.Millisecond, 80 * time.Millisecond},
		{4, 50 * time.Millisecond, 100 * time.Millisecond},
		{62, 50 * time.Millisecond, 100 * time.Millisecond},
	} {
		seen := make(map[time.Duration]bool)
		for range 200 {
			d := backoff(tt.attempt, base, maxDelay)
			if d < tt.min || d > tt.max {
				t.Fatalf("backoff(%d) = %v, want between %v and %v", tt.attempt, d, tt.min, tt.max)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d) is always %v: want jitter", tt.attempt, seen)
		}
	}
	if d := backoff(0, 0, 0); d != 0 {
		t.Errorf("backoff without delay = %v, want 0", d)
	}
}
