package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

var groupT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// groupSale is the sale journal of order i, 1000 + i cents.
func groupSale(t *testing.T, i int) Journal {
	t.Helper()
	j, err := SalePaid(Sale{
		OrderID: fmt.Sprintf("ord_g%04d", i), MerchantID: "mer_g", PublisherID: fmt.Sprintf("pub_g%d", i%3),
		Provider: "sandbox", Total: buycard.Money{Amount: 1000 + int64(i), Currency: "USD"},
		Rates: Rates{PlatformBPS: 875, PublisherBPS: 1000}, EffectiveAt: groupT0.Add(time.Duration(i) * time.Second),
	})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// heldGroup is a Group over a Memory whose first commit waits until
// release is closed, so that the posts made meanwhile queue up and go
// in the next group together.
type heldGroup struct {
	*Group
	m       *Memory
	entered chan struct{} // closed when the first commit began
	release chan struct{}
	mu      sync.Mutex
	sizes   []int // journals per commit, in order
}

func newHeldGroup(commit func(m *Memory, ctx context.Context, js []Journal) ([]Outcome, error)) *heldGroup {
	h := &heldGroup{m: NewMemory(), entered: make(chan struct{}), release: make(chan struct{})}
	var once sync.Once
	h.Group = NewGroup(func(ctx context.Context, js []Journal) ([]Outcome, error) {
		once.Do(func() { close(h.entered); <-h.release })
		h.mu.Lock()
		h.sizes = append(h.sizes, len(js))
		h.mu.Unlock()
		return commit(h.m, ctx, js)
	}, nil)
	return h
}

func memoryCommit(m *Memory, ctx context.Context, js []Journal) ([]Outcome, error) {
	return m.PostAll(ctx, js)
}

// postQueued posts journals while the first commit is held, waits until
// all of them are queued, releases the commit and returns each outcome.
func (h *heldGroup) postQueued(t *testing.T, first Journal, journals []Journal) []Outcome {
	t.Helper()
	ctx := t.Context()
	outcomes := make([]Outcome, len(journals))
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := h.Post(ctx, first); err != nil {
			t.Error(err)
		}
	})
	<-h.entered
	for i, j := range journals { // queued in order, one after the other
		wg.Go(func() { outcomes[i].Result, outcomes[i].Err = h.Post(ctx, j) })
		h.waitQueued(t, i+1)
	}
	close(h.release)
	wg.Wait()
	return outcomes
}

// waitQueued waits until n posts are queued.
func (h *heldGroup) waitQueued(t *testing.T, n int) {
	t.Helper()
	waitFor(t, func() bool {
		h.Group.mu.Lock()
		defer h.Group.mu.Unlock()
		return len(h.Group.queue) == n
	})
}

// waitFor polls cond until it holds: the queue has no event to wait on.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

func TestGroupCommitsQueuedPostsTogether(t *testing.T) {
	t.Parallel()
	h := newHeldGroup(memoryCommit)
	var journals []Journal
	for i := 1; i <= 20; i++ {
		journals = append(journals, groupSale(t, i))
	}
	// A replay and a conflict of journal 1 within the same group.
	conflict := journals[0]
	conflict.EffectiveAt = conflict.EffectiveAt.Add(time.Second)
	journals = append(journals, journals[0], conflict)
	outcomes := h.postQueued(t, groupSale(t, 0), journals)

	for i, o := range outcomes[:20] {
		if o.Err != nil || o.Result.Existed {
			t.Fatalf("journal %d: %+v", i+1, o)
		}
	}
	if o := outcomes[20]; o.Err != nil || !o.Result.Existed {
		t.Errorf("replay in the group = %+v, want Existed", o)
	}
	if code := buycard.ErrorCode(outcomes[21].Err); code != buycard.ECONFLICT {
		t.Errorf("conflict in the group = %v, want ECONFLICT", outcomes[21].Err)
	}
	if want := []int{1, 22}; !slices.Equal(h.sizes, want) {
		t.Errorf("commits held %v journals, want %v", h.sizes, want)
	}
	if v := h.m.Verify(); !v.OK() || len(h.m.Journals()) != 21 {
		t.Fatalf("verify %+v with %d journals, want 21", v, len(h.m.Journals()))
	}
}

func TestGroupRetriesAFailedGroupOneByOne(t *testing.T) {
	t.Parallel()
	poison := groupSale(t, 7)
	var lostCommit sync.Once
	h := newHeldGroup(func(m *Memory, ctx context.Context, js []Journal) ([]Outcome, error) {
		if len(js) > 1 {
			// The database took the group but the connection was lost
			// during COMMIT: the caller cannot know it committed.
			var err error
			lostCommit.Do(func() {
				_, err = m.PostAll(ctx, js)
				err = errors.Join(err, errors.New("connection lost during COMMIT"))
			})
			if err != nil {
				return nil, err
			}
		}
		if slices.ContainsFunc(js, func(j Journal) bool { return j.Key == poison.Key }) {
			return nil, errors.New("the database refuses this row")
		}
		return m.PostAll(ctx, js)
	})
	var journals []Journal
	for i := 1; i <= 10; i++ {
		journals = append(journals, groupSale(t, i))
	}
	outcomes := h.postQueued(t, groupSale(t, 0), journals)
	for i, o := range outcomes {
		switch {
		case journals[i].Key == poison.Key:
			if o.Err == nil {
				t.Errorf("poison journal = %+v, want its error", o)
			}
		case o.Err != nil:
			t.Errorf("journal %s failed with another's fault: %v", journals[i].Key, o.Err)
		}
	}
	// The lost commit did append the group; its retries found each
	// journal there, none twice.
	if v := h.m.Verify(); !v.OK() || len(h.m.Journals()) != 11 {
		t.Fatalf("verify %+v with %d journals, want 11", v, len(h.m.Journals()))
	}
}

func TestGroupLeavesOutAPostWhoseCallerGaveUp(t *testing.T) {
	t.Parallel()
	h := newHeldGroup(memoryCommit)
	go h.Post(t.Context(), groupSale(t, 0))
	<-h.entered
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { _, err := h.Post(ctx, groupSale(t, 1)); done <- err }()
	h.waitQueued(t, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Post = %v, want context.Canceled", err)
	}
	close(h.release)
	if _, err := h.Post(t.Context(), groupSale(t, 2)); err != nil {
		t.Fatal(err)
	}
	for _, l := range h.m.Journals() {
		if l.Journal.Key == groupSale(t, 1).Key {
			t.Fatal("the journal of a caller that gave up before its group was appended")
		}
	}
}

func TestGroupManyWriters(t *testing.T) {
	t.Parallel()
	m := NewMemory()
	var mu sync.Mutex
	largest := 0
	g := NewGroup(m.PostAll, func(journals int, d time.Duration) {
		mu.Lock()
		largest = max(largest, journals)
		mu.Unlock()
	})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				j := groupSale(t, w*50+i)
				if res, err := g.Post(t.Context(), j); err != nil || res.Existed {
					t.Errorf("%s: %+v, %v", j.Key, res, err)
				}
			}
		})
	}
	wg.Wait()
	if v := m.Verify(); !v.OK() || len(m.Journals()) != 400 {
		t.Fatalf("verify %+v with %d journals, want 400", v, len(m.Journals()))
	}
	if largest < 1 || largest > MaxGroup {
		t.Fatalf("largest group %d", largest)
	}
}
