package ledger

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/buycard/buycard"
)

// MaxGroup is the most journals a Group commits in one transaction.
const MaxGroup = 128

// maxLinger is the longest a Group waits for journals to gather before
// it commits fewer than the group before it held (see Group.gather).
const maxLinger = time.Millisecond

// groupTimeout bounds one group's transaction. A group's commit serves
// several callers, so it cannot run under any one caller's context.
const groupTimeout = 30 * time.Second

// CommitFunc appends journals in one transaction with AppendAll and
// commits it, returning AppendAll's outcomes once it has committed. On an
// error nothing of the transaction was kept, or it is unknown whether
// the commit took (a connection lost during COMMIT).
type CommitFunc func(ctx context.Context, journals []Journal) ([]Outcome, error)

// Group is group commit for a store's Post: journals posted from many
// goroutines at once are appended together, up to MaxGroup in one
// transaction, instead of each waiting for its own. The ledger's appends
// are serialized anyway (the chain), so a transaction per journal costs a
// commit per journal and, on PostgreSQL, a round trip per statement while
// every other appender waits for the head lock; a group pays that once.
//
// Invariants, each tested (group_test.go, storetest):
//   - A group's outcome for each journal is what Post alone would have
//     given it in the group's order: AppendAll decides each journal
//     against the ones before it, and a refused journal changes nothing.
//   - Post returns only after the transaction holding its journal
//     committed, or with an error. A journal is never appended twice: a
//     group that failed is retried one journal at a time, and the retry
//     of a journal that did commit finds its key (Existed).
//   - One journal cannot fail another: a refusal stays its own, and a
//     store error of a group (a journal the database refuses, say) is
//     retried journal by journal, so only the journal at fault fails.
//
// A Group is safe for concurrent use. Its committer goroutine runs while
// journals wait and ends when none do.
type Group struct {
	commit CommitFunc
	// observe, when set, hears of each committed transaction: how many
	// journals it held and how long it took.
	observe func(journals int, d time.Duration)

	mu      sync.Mutex
	queue   []*groupPost
	running bool // a committer goroutine is draining queue
	// arrived has a value when a journal joined queue since the
	// committer last looked.
	arrived chan struct{}
	// want is how many journals gather waits for: as many as the last
	// group held; linger, at most how long: a quarter of the time its
	// commit took, at most maxLinger.
	want   int
	linger time.Duration
}

// groupPost is one Post waiting in a Group.
type groupPost struct {
	ctx     context.Context
	journal Journal
	done    chan Outcome // buffered: the committer never waits for the caller
}

// NewGroup returns a Group committing with commit. observe may be nil.
func NewGroup(commit CommitFunc, observe func(journals int, d time.Duration)) *Group {
	return &Group{commit: commit, observe: observe, arrived: make(chan struct{}, 1)}
}

// Post appends j in the next group and returns its outcome. When ctx ends
// first, Post returns ctx's error and j may still be appended, as with a
// transaction canceled during its commit; posting j again is safe.
func (g *Group) Post(ctx context.Context, j Journal) (PostResult, error) {
	if err := ctx.Err(); err != nil {
		return PostResult{}, err
	}
	p := &groupPost{ctx: ctx, journal: j, done: make(chan Outcome, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if !g.running {
		g.running = true
		go g.run()
	}
	g.mu.Unlock()
	select {
	case g.arrived <- struct{}{}:
	default:
	}
	select {
	case o := <-p.done:
		return o.Result, o.Err
	case <-ctx.Done():
		return PostResult{}, ctx.Err()
	}
}

// run commits the queue, a group at a time, until it is empty.
func (g *Group) run() {
	timer := time.NewTimer(maxLinger)
	for {
		g.gather(timer)
		g.mu.Lock()
		n := min(len(g.queue), MaxGroup)
		if n == 0 { // nobody posted while gather waited: the load is gone
			g.running, g.want = false, 0
			g.mu.Unlock()
			return
		}
		posts := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		start := time.Now()
		g.commitGroup(posts)
		g.want, g.linger = n, min(time.Since(start)/4, maxLinger)
	}
}

// gather waits, at most linger, until as many journals wait as the last
// group held (want). Callers that post in a loop are answered
// together and post their next journals a moment apart; without the wait
// the next group would take only the first of them, and groups would
// shrink to a journal or two under exactly the load they are for. A lone
// caller never waits: its group held one.
func (g *Group) gather(timer *time.Timer) {
	timer.Reset(g.linger)
	defer timer.Stop()
	for {
		g.mu.Lock()
		enough := len(g.queue) >= g.want
		g.mu.Unlock()
		if enough {
			return
		}
		select {
		case <-g.arrived:
		case <-timer.C:
			return
		}
	}
}

// commitGroup commits posts in one transaction and answers each, or,
// when the transaction fails, commits them one at a time.
func (g *Group) commitGroup(posts []*groupPost) {
	posts = waiting(posts)
	if len(posts) == 0 {
		return
	}
	outcomes, err := g.commitPosts(posts)
	if err != nil && len(posts) > 1 && !errors.Is(err, context.DeadlineExceeded) && buycard.ErrorCode(err) != buycard.EUNAVAILABLE {
		for _, p := range posts {
			g.commitGroup([]*groupPost{p})
		}
		return
	}
	for i, p := range posts {
		if err != nil {
			p.done <- Outcome{Err: err}
		} else {
			p.done <- outcomes[i]
		}
	}
}

// commitPosts runs one transaction of posts' journals.
func (g *Group) commitPosts(posts []*groupPost) ([]Outcome, error) {
	journals := make([]Journal, len(posts))
	for i, p := range posts {
		journals[i] = p.journal
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(posts[0].ctx), groupTimeout)
	defer cancel()
	start := time.Now()
	outcomes, err := g.commit(ctx, journals)
	if err == nil && g.observe != nil {
		g.observe(len(journals), time.Since(start))
	}
	return outcomes, err
}

// waiting returns the posts whose callers still wait: a journal whose
// caller gave up before its group began is not appended.
func waiting(posts []*groupPost) []*groupPost {
	out := posts[:0:0]
	for _, p := range posts {
		if p.ctx.Err() == nil {
			out = append(out, p)
		}
	}
	return out
}
