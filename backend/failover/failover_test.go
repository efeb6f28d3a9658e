package failover

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestSwitch follows one outage: the failure sends every operation to
// memory, one probe per RetryEvery tries the shared storage again, a
// successful probe ends the outage, and the operator reads one line at
// each end of it.
func TestSwitch(t *testing.T) {
	var logs bytes.Buffer
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := New("test counts", slog.New(slog.NewTextHandler(&logs, nil)), func() time.Time { return clock })
	route := func(wantShared, wantProbe bool) {
		t.Helper()
		if shared, probe := s.Shared(); shared != wantShared || probe != wantProbe {
			t.Fatalf("Shared() = %v, %v; want %v, %v", shared, probe, wantShared, wantProbe)
		}
	}
	route(true, false)
	s.Answered(false)
	for range 3 { // requests already under way fail too: one warning
		s.Failed(errors.New("connection refused"))
	}
	route(false, false)
	clock = clock.Add(RetryEvery)
	route(true, true)
	route(false, false) // one probe at a time
	s.Failed(errors.New("connection refused"))
	clock = clock.Add(RetryEvery - time.Millisecond)
	route(false, false)
	clock = clock.Add(time.Millisecond)
	route(true, true)
	s.Answered(true)
	route(true, false)
	if w, i := strings.Count(logs.String(), "level=WARN"), strings.Count(logs.String(), "level=INFO"); w != 1 || i != 1 {
		t.Errorf("%d warnings and %d info lines for one outage, want 1 and 1:\n%s", w, i, logs.String())
	}
	if !strings.Contains(logs.String(), "test counts count in this node's memory") {
		t.Errorf("the warning does not say what is affected:\n%s", logs.String())
	}
}
