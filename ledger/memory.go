package ledger

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/buycard/buycard"
)

// Memory is a Store in memory: the reference model for the fuzz tests and
// for the database stores' tests. It is safe for concurrent use.
type Memory struct {
	mu       sync.Mutex
	links    []Link
	digests  []string       // digest of links[i].Journal
	byKey    map[string]int // journal key to index in links
	balances map[AccountID]int64
	entries  map[AccountID][]Entry
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty ledger.
func NewMemory() *Memory {
	return &Memory{
		byKey:    make(map[string]int),
		balances: make(map[AccountID]int64),
		entries:  make(map[AccountID][]Entry),
	}
}

// Post implements Store.
func (m *Memory) Post(ctx context.Context, j Journal) (PostResult, error) {
	if err := ctx.Err(); err != nil {
		return PostResult{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return Append(ctx, memoryTx{m}, j)
}

// PostAll appends journals as one batch (AppendAll), as a database store
// appends a group of posts in one transaction: a ledger.CommitFunc. Its
// outcomes are what Post would have given each in turn.
func (m *Memory) PostAll(ctx context.Context, journals []Journal) ([]Outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return AppendAll(ctx, memoryTx{m}, journals)
}

// AppendPaymentEvent appends the journals of provider event e applied to
// order o (o after the event), as a database store does in the
// transaction that changes the order: a test feeds the model the events
// it fed a store, then compares them. Memory has no rollback: on an error
// the journals appended before it (a sale before its fee) stay.
func (m *Memory) AppendPaymentEvent(ctx context.Context, o *buycard.Order, e buycard.PaymentEvent) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return AppendPaymentEvent(ctx, memoryTx{m}, o, e)
}

// memoryTx is the Memory as a Tx; Post and AppendPaymentEvent hold its
// lock.
type memoryTx struct{ m *Memory }

func (tx memoryTx) JournalDigests(_ context.Context, keys []string) (map[string]string, error) {
	out := make(map[string]string, len(keys))
	for _, key := range keys {
		if i, ok := tx.m.byKey[key]; ok {
			out[key] = tx.m.digests[i]
		}
	}
	return out, nil
}

func (tx memoryTx) State(ctx context.Context, keys []string, accounts []AccountID) (State, error) {
	digests, _ := tx.JournalDigests(ctx, keys)
	state := State{Digests: digests, Balances: make(map[AccountID]int64, len(accounts))}
	for _, a := range accounts {
		if b, ok := tx.m.balances[a]; ok {
			state.Balances[a] = b
		}
	}
	if n := len(tx.m.links); n > 0 {
		state.Seq, state.Hash = int64(n), tx.m.links[n-1].Hash
	}
	return state, nil
}

// Insert appends each record as its own journal; the balances it keeps
// are its own sums of the postings, which the batch's must agree with.
func (tx memoryTx) Insert(_ context.Context, b Batch) error {
	for _, r := range b.Records {
		tx.m.insert(r)
	}
	for a, amount := range b.Balances {
		if tx.m.balances[a] != amount {
			return fmt.Errorf("ledger memory: batch balance of %s is %d, the postings make %d", a, amount, tx.m.balances[a])
		}
	}
	return nil
}

func (m *Memory) insert(r Record) {
	j := r.Journal
	m.links = append(m.links, Link{Journal: j, Hash: r.Hash})
	m.digests = append(m.digests, r.Digest)
	m.byKey[j.Key] = len(m.links) - 1
	// Entries list a journal's postings to one account by memo, each with
	// the balance after it, as the stores' statements do.
	postings := slices.SortedFunc(slices.Values(j.Postings), comparePostings)
	for _, p := range postings {
		m.balances[p.Account] += p.NormalAmount()
		m.entries[p.Account] = append(m.entries[p.Account], Entry{
			Seq:         r.Seq,
			JournalKey:  j.Key,
			Kind:        j.Kind,
			OrderID:     j.OrderID,
			EffectiveAt: j.EffectiveAt,
			Memo:        p.Memo,
			Amount:      p.NormalAmount(),
			Balance:     m.balances[p.Account],
		})
	}
}

// Balance implements Store.
func (m *Memory) Balance(ctx context.Context, a AccountID) (Balance, error) {
	if err := ctx.Err(); err != nil {
		return Balance{}, err
	}
	if err := a.Validate(); err != nil {
		return Balance{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return Balance{Account: a, Amount: m.balances[a]}, nil
}

// Balances implements Store.
func (m *Memory) Balances(ctx context.Context, p Party) ([]Balance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return m.balancesWhere(func(a AccountID) bool { return a.Party == p }), nil
}

// AllBalances returns the balance of every account ever posted to, sorted
// by account id.
func (m *Memory) AllBalances() []Balance {
	return m.balancesWhere(func(AccountID) bool { return true })
}

func (m *Memory) balancesWhere(keep func(AccountID) bool) []Balance {
	m.mu.Lock()
	defer m.mu.Unlock()
	type keyed struct {
		text string
		b    Balance
	}
	var found []keyed
	for a, amount := range m.balances {
		if keep(a) {
			found = append(found, keyed{a.String(), Balance{Account: a, Amount: amount}})
		}
	}
	slices.SortFunc(found, func(x, y keyed) int { return strings.Compare(x.text, y.text) })
	out := make([]Balance, len(found))
	for i, k := range found {
		out[i] = k.b
	}
	return out
}

// Statement implements Store.
func (m *Memory) Statement(ctx context.Context, q StatementQuery) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Entry
	journals := 0
	for i, e := range m.entries[q.Account] {
		if e.Seq <= q.After {
			continue
		}
		if i == 0 || e.Seq != m.entries[q.Account][i-1].Seq {
			journals++
		}
		if q.Limit != 0 && journals > q.Limit {
			break
		}
		out = append(out, e)
	}
	return out, nil
}

// Journals returns every journal with its chain hash, in append order.
func (m *Memory) Journals() []Link {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Link, len(m.links))
	for i, l := range m.links {
		l.Journal.Postings = slices.Clone(l.Journal.Postings)
		out[i] = l
	}
	return out
}

// Verify checks the chain and the balances, as the database stores do.
func (m *Memory) Verify() Verification {
	links := m.Journals()
	m.mu.Lock()
	balances := maps.Clone(m.balances)
	m.mu.Unlock()
	return Verify(links, balances)
}
