package main

import (
	"context"
	"errors"
	"math"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/storetest"
)

func TestLedgerFailure(t *testing.T) {
	down := errors.New("connection refused")
	for _, tt := range []struct {
		name, store string
		err         error
		ci          bool
		wantErr     string
		wantNote    string
	}{
		{"ok", "PostgreSQL", nil, true, "", ""},
		{"sqlite fails the section", "SQLite", down, false, "SQLite: connection refused", ""},
		{"postgres outside ci is a note", "PostgreSQL", down, false, "", "**PostgreSQL not measured:** PostgreSQL: connection refused."},
		{"postgres in ci fails the section", "PostgreSQL", down, true, "PostgreSQL: connection refused", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err, note := ledgerFailure(tt.store, tt.err, tt.ci)
			if got := errText(err); got != tt.wantErr {
				t.Errorf("error %q, want %q", got, tt.wantErr)
			}
			if !strings.HasPrefix(note, tt.wantNote) || (tt.wantNote == "") != (note == "") {
				t.Errorf("note %q, want it to start with %q", note, tt.wantNote)
			}
			if err != nil && !errors.Is(err, down) {
				t.Errorf("error %v does not wrap the cause", err)
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestLedgerRows(t *testing.T) {
	rows := ledgerRows("SQLite")
	want := []string{"SQLite: sale journals, 1 writer", "SQLite: sale journals, 8 writers"}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		if r.What != want[i] || r.Unit != perSecUnit || !math.IsNaN(r.Buycard) || !math.IsNaN(r.Baseline) || r.Budget != nil {
			t.Errorf("row %d = %+v, want %q not measured yet", i, r, want[i])
		}
	}
	r := Row{Unit: perSecUnit, Buycard: 612.4, Baseline: 15250}
	if got := r.figure() + " | " + format(r.Unit, r.Baseline) + " | " + formatRatio(r.Ratio()); got != "612 /s | 15,250 /s | 0.04×" {
		t.Errorf("row renders %q", got)
	}
}

func TestSchemaURL(t *testing.T) {
	got, err := schemaURL("postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "bench_x1")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	if q := u.Query(); q.Get("search_path") != "bench_x1" || q.Get("sslmode") != "disable" || u.Host != "127.0.0.1:5432" || u.Path != "/test" {
		t.Errorf("schemaURL = %q", got)
	}
	for _, bad := range []string{"postgres://user:secret@[::1", "host=db password=secret"} {
		if _, err := schemaURL(bad, "s"); err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("schemaURL(%q): error %v, want one that does not show the password", bad, err)
		}
	}
}

func TestPlanDescribesLedger(t *testing.T) {
	if got := newPlan(true).describe(); !strings.Contains(got, "3 runs of 500ms per ledger figure") {
		t.Errorf("quick describe() = %q", got)
	}
	if full := newPlan(false).ledger; full.each*time.Duration(full.reps)*2*2*2 > time.Minute {
		t.Errorf("full ledger plan %+v runs over a minute", full)
	}
}

// TestWriters checks the driver both ledger benchmarks share: a call
// count is met exactly with every number used once, a duration ends the
// run, and the first error stops every writer.
func TestWriters(t *testing.T) {
	ctx := t.Context()
	var seq atomic.Int64
	var mu sync.Mutex
	seen := map[int64]bool{}
	calls, _, err := storetest.Writers(ctx, 8, 1000, 0, &seq, func(_ context.Context, i int64) error {
		mu.Lock()
		defer mu.Unlock()
		if seen[i] {
			return errors.New("number used twice")
		}
		seen[i] = true
		return nil
	})
	if err != nil || calls != 1000 || len(seen) != 1000 || seq.Load() != 1000 {
		t.Errorf("count: %d calls, %d numbers, seq %d, error %v; want 1000", calls, len(seen), seq.Load(), err)
	}

	start := time.Now()
	calls, elapsed, err := storetest.Writers(ctx, 2, 0, 50*time.Millisecond, &seq, func(context.Context, int64) error {
		time.Sleep(time.Millisecond)
		return nil
	})
	if err != nil || calls == 0 || elapsed < 50*time.Millisecond || time.Since(start) > 5*time.Second {
		t.Errorf("duration: %d calls in %v, error %v", calls, elapsed, err)
	}

	boom := errors.New("boom")
	calls, _, err = storetest.Writers(ctx, 8, 0, time.Minute, &seq, func(_ context.Context, i int64) error {
		if i%10 == 0 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v after %d calls, want boom", err, calls)
	}

	if _, _, err := storetest.Writers(ctx, 1, 0, 0, &seq, nil); err == nil {
		t.Error("no count and no duration: want an error")
	}
}
