package jobs

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite"
)

// queueDB is a migrated SQLite database of the test's own, on one
// connection as the SQLite store keeps its writer, with a queue and a
// runner of kinds on it.
func queueDB(t *testing.T, cfg Config) (*sql.DB, *Queue[*sql.Tx]) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "q.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	driver := riversqlite.New(db)
	if err := Migrate(t.Context(), driver); err != nil {
		t.Fatal(err)
	}
	q, err := NewQueue(driver)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Poll, cfg.Workers, cfg.Logger = 20*time.Millisecond, 2, slog.New(slog.DiscardHandler)
	r, err := Start(context.Background(), driver, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop(context.Background()) })
	return db, q
}

// insert inserts jobs in a transaction that commits, or rolls back.
func insert(t *testing.T, db *sql.DB, q *Queue[*sql.Tx], commit bool, jobs ...Job) {
	t.Helper()
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Insert(t.Context(), tx, jobs...); err != nil {
		t.Fatal(err)
	}
	if commit {
		err = tx.Commit()
	} else {
		err = tx.Rollback()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// recorder is a kind of job that records the args it worked, and fails
// the first fails attempts of each.
type recorder struct {
	mu     sync.Mutex
	worked []string
	tries  map[string]int
	fails  int
	done   chan string
}

func newRecorder(fails int) *recorder {
	return &recorder{tries: map[string]int{}, fails: fails, done: make(chan string, 100)}
}

func (r *recorder) kind(name string) Kind {
	return Kind{Name: name, Backoff: func(int) time.Duration { return time.Millisecond }, Work: func(_ context.Context, run Run) error {
		var args struct{ N string }
		if err := run.Decode(&args); err != nil {
			return err
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.tries[args.N]++
		if r.tries[args.N] <= r.fails {
			return errors.New("receiver down")
		}
		r.worked = append(r.worked, args.N)
		r.done <- args.N
		return nil
	}}
}

func (r *recorder) wait(t *testing.T) string {
	t.Helper()
	select {
	case n := <-r.done:
		return n
	case <-time.After(20 * time.Second):
		t.Fatal("no job was worked")
		return ""
	}
}

// TestInsertIsTheTransactions: a job inserted in a transaction that rolls
// back is never worked; one that commits is worked once.
func TestInsertIsTheTransactions(t *testing.T) {
	t.Parallel()
	rec := newRecorder(0)
	db, q := queueDB(t, Config{Kinds: []Kind{rec.kind("record")}})
	insert(t, db, q, false, Job{Kind: "record", Args: map[string]string{"N": "rolled back"}})
	insert(t, db, q, true, Job{Kind: "record", Args: map[string]string{"N": "committed"}})
	if n := rec.wait(t); n != "committed" {
		t.Fatalf("worked %q", n)
	}
	// The committed job came after the rolled-back one: had the latter
	// been inserted, it would have been fetched first.
	h, err := q.Health(t.Context())
	if err != nil || h.Pending != 0 || h.Retrying != 0 || h.Discarded != 0 {
		t.Fatalf("health = %+v, %v; want nothing waiting", h, err)
	}
	if len(rec.worked) != 1 {
		t.Fatalf("worked %v", rec.worked)
	}
}

// TestRetriesThenSucceeds: a job that fails twice runs a third time and
// is done once.
func TestRetriesThenSucceeds(t *testing.T) {
	t.Parallel()
	rec := newRecorder(2)
	db, q := queueDB(t, Config{Kinds: []Kind{rec.kind("flaky")}})
	insert(t, db, q, true, Job{Kind: "flaky", Args: map[string]string{"N": "a"}})
	rec.wait(t)
	if rec.tries["a"] != 3 || len(rec.worked) != 1 {
		t.Fatalf("tries %v, worked %v; want 3 tries and one success", rec.tries, rec.worked)
	}
}

// TestDiscardedAndPeriodic: a job out of attempts counts as discarded;
// periodic work runs when the runner starts.
func TestDiscardedAndPeriodic(t *testing.T) {
	t.Parallel()
	ran := make(chan time.Time, 10)
	rec := newRecorder(100)
	db, q := queueDB(t, Config{
		Kinds: []Kind{rec.kind("doomed")},
		Periodic: []Periodic{{Name: "tick", Every: time.Hour, Work: func(_ context.Context, now time.Time) error {
			ran <- now
			return nil
		}}},
	})
	select {
	case <-ran:
	case <-time.After(20 * time.Second):
		t.Fatal("the periodic job did not run on start")
	}
	insert(t, db, q, true, Job{Kind: "doomed", Args: map[string]string{"N": "x"}, MaxAttempts: 2})
	deadline := time.Now().Add(20 * time.Second)
	for {
		h, err := q.Health(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if h.Discarded == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health = %+v, want one discarded job", h)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
